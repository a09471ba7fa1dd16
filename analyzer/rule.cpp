#include "analyzer/rule.h"

namespace pgsafe {

Finding StatementContext::at_location(int location, std::string message, std::string help) const {
  uint32_t begin = offset(location);
  if (begin < stmt.begin || begin >= stmt.end) begin = stmt.begin;
  // Run to the end of the line the node starts on, but never past the statement.
  const std::string& text = source.text();
  size_t nl = text.find('\n', begin);
  uint32_t end = nl == std::string::npos ? stmt.end : std::min<uint32_t>(stmt.end, static_cast<uint32_t>(nl));
  if (end <= begin) end = stmt.end;
  return Finding{begin, end, std::move(message), std::move(help), std::nullopt, -1};
}

}  // namespace pgsafe
