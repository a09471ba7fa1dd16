#pragma once
// The explicit rule registry, built from rules/rules.def. Light: no parse-tree headers.
#include <string_view>
#include <vector>

#include "analyzer/rule_meta.h"

namespace pgsafe {

struct RuleDef;

// Every registered rule, in rules.def order.
const std::vector<const RuleDef*>& all_rules();
const RuleDef* find_rule(std::string_view id);
const RuleMeta& meta_of(const RuleDef& def);
const char* symbol_of(const RuleDef& def);

}  // namespace pgsafe
