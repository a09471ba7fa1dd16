#include "analyzer/registry.h"

#include "analyzer/rule.h"

// Declarations of every rule's definition object, from the one explicit list.
namespace pgsafe::rules {
#define PGSAFE_RULE(symbol) extern const ::pgsafe::RuleDef symbol##_def;
#include "rules/rules.def"
#undef PGSAFE_RULE
}  // namespace pgsafe::rules

namespace pgsafe {

const std::vector<const RuleDef*>& all_rules() {
  static const std::vector<const RuleDef*> rules{
#define PGSAFE_RULE(symbol) &rules::symbol##_def,
#include "rules/rules.def"
#undef PGSAFE_RULE
  };
  return rules;
}

const RuleDef* find_rule(std::string_view id) {
  for (const RuleDef* r : all_rules())
    if (r->meta.id == id) return r;
  return nullptr;
}

const RuleMeta& meta_of(const RuleDef& def) { return def.meta; }
const char* symbol_of(const RuleDef& def) { return def.symbol; }

}  // namespace pgsafe
