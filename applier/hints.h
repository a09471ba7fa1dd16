#pragma once
// The runbook table: a failed statement's SQLSTATE mapped to what usually fixes it.
#include <string>

namespace pgsafe::applier {

// "" when pgsafe has nothing better to say than the server's own message.
std::string fix_hint(const std::string& sqlstate);
// The condition name for a SQLSTATE ("duplicate_table"), "" when not in pgsafe's table.
std::string condition_name(const std::string& sqlstate);

}  // namespace pgsafe::applier
