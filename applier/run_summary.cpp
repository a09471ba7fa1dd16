// The markdown summary of an apply or plan run, from the run's JSON document (see run_summary.h).
#include "applier/run_summary.h"

#include "reporters/markdown_util.h"

#include <algorithm>
#include <set>
#include <ostream>
#include <string_view>

namespace pgsafe::applier {

using json = nlohmann::json;

namespace {

// pgsafe's own sentences mark commands with backticks (`pgsafe repair ...`): those become code
// spans, the rest is escaped text. Unbalanced backticks: everything is text.
std::string markdown_with_code(const std::string& s) {
  if (std::count(s.begin(), s.end(), '`') % 2 != 0) return report::md_text(s);
  std::string o;
  bool code = false;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] != '`') continue;
    std::string part = s.substr(start, i - start);
    o += code ? report::code_cell(part) : report::md_text(part);
    code = !code;
    start = i + 1;
  }
  return o;
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string join_code(const json& list, size_t limit) {
  std::string o;
  size_t n = 0;
  for (const auto& v : list) {
    if (!v.is_string()) continue;
    if (n == limit) {
      o += ", …";
      break;
    }
    o += (n++ ? ", " : "") + report::code_cell(v.get<std::string>());
  }
  return o.empty() ? "–" : o;
}

// The headline: one line saying what happened, with an emoji a reviewer can scan.
std::string headline(const std::string& command, const std::string& result, int code, const json& summary) {
  auto num = [&](const char* k) { return summary.contains(k) ? summary[k].get<long long>() : 0LL; };
  if (command == "plan" || result == "dry-run") {
    if (code == 0) return num("pending") ? "📋 " + std::to_string(num("pending")) + " migration(s) to apply"
                                          : "✅ Nothing to apply: the database is up to date";
  }
  if (result == "applied")
    return "✅ Applied " + std::to_string(num("applied")) + " migration(s) (" + std::to_string(num("skipped")) +
           " already applied) in " + std::to_string(num("duration_ms")) + " ms";
  if (result == "nothing-to-do") return "✅ Nothing to apply: the database is up to date";
  if (result == "approval-refused") return "✋ Not applied: this plan needs approval (exit " + std::to_string(code) + ")";
  if (result == "lint-refused") return "⛔ Not applied: the lint gate refused a pending file (exit 1)";
  if (result == "failed") return "❌ A migration failed (exit " + std::to_string(code) + ")";
  if (result == "lock-timeout") return "⏳ Not applied: another applier holds the migration lock (exit 4)";
  if (result == "connection-failed") return "❌ Could not connect to the database (exit 5)";
  if (result == "refused") return "⛔ Not applied: the database or the files failed validation (exit " + std::to_string(code) + ")";
  return "❌ Stopped with exit " + std::to_string(code) + " (" + report::md_text(result) + ")";
}

void write_plan(std::ostream& out, const json& plan, bool approvable, const std::string& env) {
  const std::string hash = str(plan, "plan_hash");
  out << "**Plan** " << report::code_cell(hash) << " for database " << report::code_cell(str(plan, "database"));
  const std::string after = str(plan, "after_version");
  out << (after.empty() ? " (no migrations applied yet)" : " (applied up to " + report::code_cell(after) + ")") << "\n\n";
  const json& files = plan.contains("files") ? plan["files"] : json::array();
  if (plan.contains("baseline") && !plan["baseline"].empty())
    out << "Baseline: " << plan["baseline"].size() << " migration(s) recorded as already present (not run).\n\n";
  if (files.empty()) {
    out << "Nothing to apply.\n\n";
    return;
  }
  out << "| File | Transaction | Statements | Tables |\n|---|---|---|---|\n";
  for (const auto& f : files) {
    json tables = json::array();
    for (const auto& s : f.value("statements", json::array()))
      for (const auto& t : s.value("tables", json::array()))
        if (std::find(tables.begin(), tables.end(), t) == tables.end()) tables.push_back(t);
    std::string tx = str(f, "tx_mode") == "transaction" ? "yes" : "**no** (" + report::md_text(str(f, "no_transaction_reason")) + ")";
    out << "| " << report::code_cell(str(f, "file")) << " | " << tx << " | " << f.value("statements", json::array()).size()
        << " | " << join_code(tables, 8) << " |\n";
  }
  out << "\n<details><summary>Statements</summary>\n\n";
  for (const auto& f : files) {
    out << "- " << report::code_cell(str(f, "file")) << "\n";
    for (const auto& s : f.value("statements", json::array())) {
      out << "  - " << s.value("line", 0) << ":" << s.value("column", 0) << " "
          << report::md_text(s.value("kind", std::string("?")));
      if (!s.value("tables", json::array()).empty()) out << " — tables: " << join_code(s["tables"], 20);
      if (!s.value("columns", json::array()).empty()) out << "; columns: " << join_code(s["columns"], 20);
      out << "\n";
    }
  }
  out << "\n</details>\n\n";
  if (approvable && !hash.empty())
    out << "To apply exactly this plan: " << report::code_cell("pgsafe apply --env " + (env.empty() ? std::string("production") : env) +
                                                               " --approve " + hash)
        << ". It is refused if anything changes before then (a new file, an edit, another deploy).\n\n";
}

void write_failure(std::ostream& out, const json& m) {
  const json& e = m["error"];
  out << "#### ❌ " << report::code_cell(str(m, "file")) << "\n\n";
  std::string where = str(m, "file");
  if (e.contains("line") && e["line"].is_number()) where += ":" + std::to_string(e["line"].get<long long>());
  if (e.contains("column") && e["column"].is_number()) where += ":" + std::to_string(e["column"].get<long long>());
  out << report::code_cell(where) << ": " << report::md_text(str(e, "message"));
  if (!str(e, "sqlstate").empty())
    out << " (SQLSTATE " << report::code_cell(str(e, "sqlstate")) << (str(e, "condition").empty() ? "" : " " + report::md_text(str(e, "condition")))
        << ")";
  out << "\n\n";
  if (!str(e, "detail").empty()) out << "- Detail: " << report::md_text(str(e, "detail")) << "\n";
  if (!str(e, "hint").empty()) out << "- Server hint: " << report::md_text(str(e, "hint")) << "\n";
  if (!str(e, "fix").empty()) out << "- Fix: " << markdown_with_code(str(e, "fix")) << "\n";
  bool rolled_back = str(m, "tx_mode") == "transaction";
  if (rolled_back)
    out << "- The file ran in a transaction and was rolled back: nothing of it is applied, and later files did not run.\n"
           "\n**Fix forward:** no repair is needed here. If the file already ran on an earlier environment "
           "(staging), do not edit it there or here: its checksum is recorded. Add a new migration after it that "
           "makes it succeed (clean the data it tripped on) or replaces it, and deploy again. If it never ran "
           "anywhere, correct the file itself.\n";
  else if (str(m, "status") == "interrupted")
    out << "- pgsafe stopped while this file ran without a transaction: how far it got is not known here "
           "(`pgsafe status` shows it), and the migration stays marked until it is repaired.\n";
  else
    out << "- The file ran without a transaction: what ran before the failing statement stays applied, and pgsafe "
           "keeps the migration marked until it is repaired (`pgsafe status` shows it).\n";
  if (e.contains("next") && e["next"].is_array() && !e["next"].empty()) {
    out << "\n**Next steps**\n\n";
    int i = 0;
    for (const auto& step : e["next"])
      if (step.is_string()) out << ++i << ". " << markdown_with_code(step.get<std::string>()) << "\n";
  } else if (!rolled_back) {
    out << "\n**Next steps**\n\n1. " << report::code_cell("pgsafe status") << " shows how far it got; "
        << report::code_cell("pgsafe rollback-plan " + str(m, "version")) << " lists the inverse statements.\n"
        << "2. Then " << report::code_cell("pgsafe repair --mark-rolled-back " + str(m, "version") + " --reason \"…\"")
        << " (or " << report::code_cell("--mark-applied") << " if you finished it by hand), and deploy again.\n";
  }
  out << "\n";
}

}  // namespace

void write_run_markdown(std::ostream& out, const json& doc, const SummaryContext& ctx) {
  const std::string command = str(doc, "command");
  const std::string result = str(doc, "result");
  const int code = doc.value("exit_code", 0);
  const json summary = doc.value("summary", json::object());
  out << "### pgsafe " << report::md_text(command == "plan" ? "plan" : (doc.value("dry_run", false) ? "apply --dry-run" : "apply"));
  if (!str(doc, "database").empty()) out << " · " << report::code_cell(str(doc, "database"));
  if (!ctx.env.empty()) out << " · " << report::md_text(ctx.env);
  out << "\n\n" << headline(command, result, code, summary) << "\n\n";
  if (ctx.emergency && !ctx.reason.empty())
    out << "⚠️ Emergency run without approval, logged with the reason: " << report::md_text(ctx.reason) << "\n\n";
  if (!ctx.approved_by.empty() && result == "applied")
    out << "Approved by " << report::md_text(ctx.approved_by) << " for plan " << report::code_cell(str(doc, "plan_hash")) << ".\n\n";

  // Failures first: they are what the reader came for.
  for (const auto& m : doc.value("migrations", json::array()))
    if (m.contains("error") && m["error"].is_object() && !m["error"].empty()) write_failure(out, m);

  const json problems = doc.value("problems", json::array());
  // A failed file's error is shown above; other problems (a file that ran but could not be
  // recorded, a lost lock) are listed too.
  std::set<std::string> shown;
  for (const auto& m : doc.value("migrations", json::array()))
    if (m.contains("error") && m["error"].is_object()) shown.insert(str(m["error"], "message"));
  json other = json::array();
  for (const auto& p : problems)
    if (!shown.count(str(p, "message"))) other.push_back(p);
  if (!other.empty()) {
    out << "**Problems**\n\n";
    for (const auto& p : other) {
      out << "- " << markdown_with_code(str(p, "message"));
      if (!str(p, "fix").empty()) out << "  \n  Fix: " << markdown_with_code(str(p, "fix"));
      out << "\n";
    }
    out << "\n";
  }
  if (doc.contains("drift") && doc["drift"].is_object()) {
    const json& d = doc["drift"];
    size_t n = d.contains("differences") && d["differences"].is_array() ? d["differences"].size() : 0;
    if (n) out << "**Drift:** the database differs from its applied migrations in " << n
               << " place(s); `pgsafe drift` lists them and `pgsafe drift --emit-migration` captures them as a migration.\n\n";
  }

  bool applied_any = false;
  for (const auto& m : doc.value("migrations", json::array())) applied_any |= str(m, "status") == "applied";
  if (applied_any) {
    out << "| Migration | Status | Duration |\n|---|---|---|\n";
    for (const auto& m : doc.value("migrations", json::array()))
      out << "| " << report::code_cell(str(m, "file")) << " | " << report::md_text(str(m, "status")) << " | "
          << m.value("duration_ms", 0LL) << " ms |\n";
    out << "\n";
  }
  // The plan is the point of a plan or a refused approval; after a real apply the table above says it.
  if (doc.contains("plan") && doc["plan"].is_object() && !applied_any) {
    bool approvable = command == "plan" || result == "approval-refused" || result == "dry-run";
    write_plan(out, doc["plan"], approvable && code != 1 && code != 3, ctx.env);
  }
}

}  // namespace pgsafe::applier
