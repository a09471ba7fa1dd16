#pragma once
// `-- pgsafe-ignore <id>[, <id>]: <reason>` before a statement, `-- pgsafe-ignore-file <id>: <reason>`
// anywhere; and file directives such as `-- pgsafe:no-transaction`.
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/rule.h"

namespace pgsafe {

struct FileDirectives {
  bool no_transaction = false;
};

// Parse one comment's text (with its -- or /* */ markers). Returns false when it is not an ignore.
bool parse_ignore_comment(std::string_view comment, IgnoreComment& out);

// Every ignore of a file, with line ignores attached to the statement that follows them.
std::vector<IgnoreComment> collect_ignores(const SourceText& source, const parser::ParsedFile& parsed);
FileDirectives collect_directives(const SourceText& source, const parser::ParsedFile& parsed);

}  // namespace pgsafe
