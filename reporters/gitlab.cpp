// `--format gitlab`: a GitLab Code Quality report, the JSON array of Code Climate issues GitLab
// reads from `artifacts:reports:codequality` and shows in merge requests.
//
// GitLab requires description, check_name, fingerprint, severity, location.path and
// location.lines.begin; pgsafe also writes the Code Climate spec's type, categories, engine_name
// and content.body. The fingerprint is the finding hash SARIF uses (finding_id.h), so an issue
// keeps its identity when lines are added above it, and GitLab does not report it as fixed and
// new again. Suppressed findings are left out: they were accepted on purpose.
#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "analyzer/fingerprint.h"
#include "reporters/finding_id.h"
#include "reporters/reporter.h"

namespace pgsafe::report {

namespace {

// GitLab's scale is info < minor < major < critical < blocker. A pgsafe error is a migration that
// loses data, breaks running code or blocks production: critical. A warning is a risk a reviewer
// must weigh: major. An info stays info. Blocker is not used: whether a finding blocks the merge
// is the pipeline's exit code (--fail-on), not a severity pgsafe should claim for every error.
std::string_view gitlab_severity(Severity s) {
  switch (s) {
    case Severity::Error: return "critical";
    case Severity::Warning: return "major";
    case Severity::Info:
    case Severity::Off: return "info";
  }
  return "info";
}

// Code Climate's categories (Bug Risk, Clarity, Compatibility, Complexity, Duplication,
// Performance, Security, Style) for a pgsafe rule category.
std::string_view climate_category(std::string_view category) {
  if (category == "security") return "Security";
  if (category == "locking") return "Performance";
  if (category == "breaking-change") return "Compatibility";
  if (category == "style") return "Style";
  return "Bug Risk";  // destructive, schema, process, transactions, syntax, idempotency, unknown
}

// The rule's explanation as markdown: why it is dangerous, what to do instead, the docs page.
std::string body_of(const RuleMeta* m, const Diagnostic& d) {
  std::string body;
  auto para = [&](std::string_view text) {
    if (text.empty()) return;
    if (!body.empty()) body += "\n\n";
    body += text;
  };
  if (m) {
    para(m->rationale.empty() ? m->summary : m->rationale);
    if (!m->locks.empty()) para("Lock taken: " + std::string(m->locks) + ".");
  }
  para(d.help.empty() && m ? std::string(m->help) : std::string(d.help));
  std::string url = m ? rule_url(m->id) : std::string(d.url);
  if (!url.empty()) para("Rule documentation: " + url);
  return body;
}

}  // namespace

void write_gitlab(std::ostream& out, const ReportInput& in, const ReportOptions& opts) {
  std::map<std::string, const RuleMeta*, std::less<>> metas;
  for (const RuleMeta* m : in.rules)
    if (m) metas.emplace(std::string(m->id), m);
  std::vector<std::string> hashes = finding_hashes(in, opts);
  std::map<std::string, size_t> unhashed;  // findings so far per fallback hash
  std::set<std::string> used;               // fingerprints handed out
  nlohmann::json issues = nlohmann::json::array();
  SourcePath where;
  for (size_t i = 0; i < in.diagnostics.size(); ++i) {
    const Diagnostic& d = in.diagnostics[i];
    if (i == 0 || d.file != in.diagnostics[i - 1].file) where = source_path(d.file, opts);
    std::string print = hashes[i];
    if (print.empty()) {
      // No source at hand to hash the flagged text: the rule, the file and the message, counted
      // as the hashes are (suppressed findings included).
      std::string key = "nosource";
      key += '\0' + d.rule + '\0' + where.path + '\0' + d.message;
      std::string hash = fnv1a_hex(key);
      print = hash + ":" + std::to_string(++unhashed[hash]);
    }
    if (d.suppression) continue;
    // The hashes are unique already; this only guards against the two kinds above colliding.
    std::string unique = print;
    for (size_t k = 2; !used.insert(unique).second; ++k) unique = print + "#" + std::to_string(k);
    auto m = metas.find(d.rule);
    const RuleMeta* meta = m == metas.end() ? nullptr : m->second;
    std::string category = meta ? std::string(meta->category) : std::string(d.category);
    uint32_t begin = d.range.start.line ? d.range.start.line : 1;
    uint32_t end = std::max(begin, d.range.end.line);
    nlohmann::json issue{
        {"type", "issue"},
        {"check_name", d.rule},
        {"description", d.message},
        {"categories", {climate_category(category)}},
        {"severity", gitlab_severity(d.severity)},
        {"fingerprint", unique},
        {"location", {{"path", where.path}, {"lines", {{"begin", begin}, {"end", end}}}}},
        {"engine_name", "pgsafe"},
    };
    std::string body = body_of(meta, d);
    if (!body.empty()) issue["content"] = {{"body", body}};
    issues.push_back(std::move(issue));
  }
  out << issues.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace pgsafe::report
