#pragma once
// Templated SQL ({{ index .Options "Namespace" }}.users, as Go-templated migrations ship): before
// parsing, each template action is replaced by bytes of the same length, so every offset, line
// and column stays that of the file. A value action becomes an identifier (`_tpl1_________`), so
// `{{ .Schema }}.users` parses as a qualified name; a control action (if, end, range, a comment)
// becomes spaces, so `{{ if .X }}IF NOT EXISTS{{ end }}` leaves the SQL around it intact.
// Newlines inside an action stay newlines. The file's own text is never changed.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/config.h"

namespace pgsafe {

struct TemplatePlaceholder {
  uint32_t begin = 0, end = 0;  // the action's bytes, delimiters included
  std::string original;         // as written in the file
  std::string identifier;       // what the parser saw in its place ("" for a blanked action)
};

// Replace the template actions in text (in place); the actions found, in file order. An opening
// delimiter without a closing one before the next `;` (outside "..." and `...` strings inside the
// action) is left alone: it is not a template action, or a broken one the parser should report.
std::vector<TemplatePlaceholder> substitute_template_placeholders(std::string& text,
                                                                  const std::vector<TemplateDelimiters>& delimiters);

// Text built from the parse tree (a message, a fix) with the stand-in identifiers turned back
// into the template actions they replaced.
std::string restore_template_placeholders(std::string text, const std::vector<TemplatePlaceholder>& placeholders);

}  // namespace pgsafe
