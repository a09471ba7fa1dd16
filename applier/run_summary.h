#pragma once
// The markdown summary of an apply or plan run (`--summary-file`, e.g. $GITHUB_STEP_SUMMARY):
// rendered from the same JSON document `--format json` prints, so both always agree.
#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

namespace pgsafe::applier {

struct SummaryContext {
  std::string env;          // --env, "" when not given
  bool emergency = false;   // --emergency
  std::string reason;       // --reason
  std::string approved_by;  // who approved (recorded with the plan hash), "" when not approved
};

// Markdown for a person reviewing the run in CI: what the database is, the plan and its hash
// (and the command that approves it), what was applied, and on failure the error with its
// file:line and the steps that recover. Every value from outside (file names, server messages)
// is escaped (reporters/markdown_util.h), so it cannot break the layout or inject HTML.
void write_run_markdown(std::ostream& out, const nlohmann::json& doc, const SummaryContext& ctx);

}  // namespace pgsafe::applier
