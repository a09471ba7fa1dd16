#pragma once
// `pgsafe schema`: the catalog at the end of the set, as JSON (for debugging and drift checks)
// or as SQL that recreates what the catalog knows.
#include <ostream>

#include <nlohmann/json.hpp>

#include "analyzer/catalog.h"

namespace pgsafe {

nlohmann::json schema_to_json(const Catalog& catalog);
void write_schema_sql(std::ostream& out, const Catalog& catalog);

}  // namespace pgsafe
