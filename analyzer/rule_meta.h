#pragma once
// A rule's metadata: the single source for `explain`, docs, SARIF rule descriptors and help URLs.
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/diagnostic.h"

namespace pgsafe {

struct RuleOption {
  std::string_view name;
  std::string_view type;         // "string", "bool", "integer", "string-list", "duration" (see analyzer/duration.h)
  std::string_view default_value;
  std::string_view description;
  std::string_view choices = {};  // comma-separated allowed values (each element of a list); empty: any
};

struct RuleMeta {
  std::string_view id;            // kebab-case, stable forever
  std::string_view category;      // destructive, locking, breaking-change, schema, security, process, syntax, style
  Severity default_severity = Severity::Warning;
  bool enabled_by_default = true;
  std::string_view summary;       // one line
  std::string_view rationale;     // why it is dangerous: the lock, what it blocks, what is lost
  std::string_view help;          // what to do instead, with a safe recipe
  std::string_view bad_example;   // SQL that triggers the rule
  std::string_view good_example;  // SQL that does the same job safely
  std::string_view locks = {};    // the lock the flagged statement takes, when the rule is about one
  std::vector<RuleOption> options = {};
};

// The help URL for a rule id.
std::string rule_url(std::string_view id);

}  // namespace pgsafe
