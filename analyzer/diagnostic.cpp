#include "analyzer/diagnostic.h"

#include <tuple>

#include "analyzer/rule_meta.h"

#ifndef PGSAFE_DOCS_BASE_URL
#define PGSAFE_DOCS_BASE_URL "https://github.com/pgsafe/pgsafe/blob/main/docs/rules"
#endif

namespace pgsafe {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "info";
    case Severity::Off: return "off";
  }
  return "off";
}

std::optional<Severity> parse_severity(std::string_view s) {
  if (s == "error") return Severity::Error;
  if (s == "warning") return Severity::Warning;
  if (s == "info") return Severity::Info;
  if (s == "off") return Severity::Off;
  return std::nullopt;
}

bool diagnostic_less(const Diagnostic& a, const Diagnostic& b) {
  return std::tie(a.file, a.range.start.offset, a.rule, a.message, a.range.end.offset) <
         std::tie(b.file, b.range.start.offset, b.rule, b.message, b.range.end.offset);
}

std::string rule_url(std::string_view id) {
  return std::string(PGSAFE_DOCS_BASE_URL) + "/" + std::string(id) + ".md";
}

}  // namespace pgsafe
