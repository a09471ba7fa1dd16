// require-intent (opt-in): every migration starts by saying why it exists.
#include <cctype>

#include "analyzer/rule.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "require-intent",
    .category = "process",
    .default_severity = Severity::Warning,
    .enabled_by_default = false,
    .summary = "A migration without an `-- intent:` comment saying why it exists (opt-in).",
    .rationale =
        "A migration says what changes, rarely why. Months later, the reviewer of a fix, the on-call "
        "engineer reading a lock timeout, or the person deciding whether a column can be dropped needs "
        "the reason: which feature, ticket or incident. Teams that require it ask for one line at the "
        "top of every migration. The line must come before the first statement (other leading comments, "
        "such as a licence header or pgsafe directives, may precede it) and must say something after "
        "`intent:`. Off by default; a warning when turned on, because the team asked for it.",
    .help = "Start the file with a line such as `-- intent: invoices need a due date for reminders "
            "(BILL-1432)`. Turn the rule on with `[rules.require-intent]` and a severity in .pgsafe.toml.",
    .bad_example = "ALTER TABLE invoices ADD COLUMN due_date date;",
    .good_example = "-- intent: reminders need a due date per invoice (BILL-1432)\n"
                    "ALTER TABLE invoices ADD COLUMN due_date date;",
};

class RequireIntent final : public Rule {
 public:
  void finish_file(const FileContext& ctx, Findings& out) override {
    const std::string& text = ctx.source.text();
    uint32_t first_statement = static_cast<uint32_t>(text.size());
    for (const auto& s : ctx.parsed.statements())
      if (s.parent < 0) {
        first_statement = s.begin;
        break;
      }
    bool empty_intent = false;
    for (const auto& c : ctx.parsed.comments()) {
      if (c.begin >= first_statement) break;
      if (c.block) continue;
      std::string body = text.substr(c.begin + 2, c.end - c.begin - 2);
      size_t i = body.find_first_not_of(" \t");
      if (i == std::string::npos) continue;
      std::string key = body.substr(i, 7);
      for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (key != "intent:") continue;
      std::string reason = body.substr(i + 7);
      if (reason.find_first_not_of(" \t\r") != std::string::npos) return;
      empty_intent = true;
    }
    size_t nl = text.find('\n');
    uint32_t end = nl == std::string::npos ? static_cast<uint32_t>(text.size()) : static_cast<uint32_t>(nl);
    if (end > 0 && text[end - 1] == '\r') --end;
    out.add(Finding{0, end,
                    empty_intent ? "the `-- intent:` comment of this migration is empty: say why the migration exists"
                                 : "this migration does not start with an `-- intent: <why>` comment",
                    {}, std::nullopt, -1});
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(require_intent, kMeta, RequireIntent)
