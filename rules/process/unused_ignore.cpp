// unused-ignore: an ignore comment that suppresses nothing, names an unknown rule, or is malformed.
#include "analyzer/rule.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "unused-ignore",
    .category = "process",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "An ignore comment that suppresses nothing, names an unknown rule, or gives no reason.",
    .rationale =
        "An ignore is a reviewed exception to a check. One that no longer matches anything (the "
        "statement changed, the rule id is misspelt, the comment drifted away from its statement) "
        "misleads readers into thinking something was reviewed, and will silently swallow a future "
        "finding that nobody looked at. An ignore without a reason or without a rule id suppresses "
        "nothing at all: the reason is required so the exception is recorded. Ignores naming a rule "
        "that is not running in this invocation (turned off, or left out by --select) are not judged.",
    .help = "Remove the comment, or fix it: `-- pgsafe-ignore <rule-id>[, <rule-id>]: <reason>` on the "
            "lines just before the statement it is about, or `-- pgsafe-ignore-file <rule-id>: <reason>` "
            "for the whole file. `pgsafe rules` lists the rule ids.",
    .bad_example = "-- pgsafe-ignore ban-drop-table: scratch table, safe to drop\n"
                   "ALTER TABLE users ADD COLUMN nickname text;",
    .good_example = "-- pgsafe-ignore ban-drop-table: scratch table from the 2023 import, safe to drop\n"
                    "DROP TABLE import_scratch;",
};

class UnusedIgnore final : public Rule {
 public:
  void check_suppressions(const SuppressionContext& ctx, Findings& out) override {
    for (const auto& ig : ctx.ignores) {
      std::string kind = ig.whole_file ? "pgsafe-ignore-file" : "pgsafe-ignore";
      auto add = [&](std::string msg) { out.add(Finding{ig.begin, ig.end, std::move(msg), {}, std::nullopt, -1}); };
      if (ig.malformed) {
        add("this " + kind + " comment " + ig.problem);
        continue;
      }
      for (size_t k = 0; k < ig.rules.size(); ++k) {
        const std::string& id = ig.rules[k];
        // Findings of this rule are made after ignores were matched: an ignore of unused-ignore
        // itself cannot be judged here.
        if (id == kMeta.id) continue;
        if (k < ig.known.size() && !ig.known[k]) {
          add(kind + " names \"" + id + "\", which is not a pgsafe rule, so it suppresses nothing");
        } else if (k < ig.used.size() && !ig.used[k]) {
          if (ig.whole_file)
            add(kind + " " + id + " suppresses nothing: no " + id + " finding in this file");
          else if (ig.statement < 0)
            add(kind + " " + id + " suppresses nothing: no statement follows it");
          else
            add(kind + " " + id + " suppresses nothing: the statement after it has no " + id + " finding");
        }
      }
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(unused_ignore, kMeta, UnusedIgnore)
