#pragma once
// Rule documentation generated from each rule's metadata: the one source for docs/rules/<id>.md,
// `pgsafe explain` and the rule index.
#include <string>

#include "analyzer/rule_meta.h"

namespace pgsafe::cli {

std::string rule_markdown(const RuleMeta& meta);
std::string rules_index_markdown();
std::string explain_text(const RuleMeta& meta);

}  // namespace pgsafe::cli
