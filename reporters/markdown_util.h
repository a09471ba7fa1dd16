#pragma once
// Markdown for GitHub from text pgsafe does not control (names and messages from SQL, server
// errors): shared by the lint report (reporters/markdown.cpp) and the applier's run summary
// (applier/run_summary.cpp), so both escape the same way.
#include <string>
#include <string_view>

namespace pgsafe::report {

// Untrusted text as inline markdown on one line: markdown punctuation backslash-escaped, HTML's
// specials as entities, '|' escaped for tables, '@' kept from mentioning a GitHub user.
std::string md_text(std::string_view s);
// Untrusted text shown as code (a table cell or inline): a code span when it can hold it
// literally, else <code> with md_text.
std::string code_cell(std::string_view s);

}  // namespace pgsafe::report
