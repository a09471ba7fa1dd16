#include "applier/state.h"

#include <algorithm>
#include <map>

#include "applier/checksum.h"

namespace pgsafe::applier {

const char* to_string(State s) {
  switch (s) {
    case State::Applied: return "applied";
    case State::Pending: return "pending";
    case State::Modified: return "modified";
    case State::Missing: return "missing";
    case State::Failed: return "failed";
    case State::Running: return "running";
    case State::Baseline: return "baseline";
    case State::OutOfOrder: return "out-of-order";
  }
  return "?";
}

int failed_statement(const Entry& e, const History& history) {
  auto it = history.last_failure.find(e.version);
  if (it == history.last_failure.end()) return 0;
  const auto& st = it->second.detail.contains("statement") ? it->second.detail["statement"] : nlohmann::json();
  return st.is_number_integer() ? st.get<int>() : 0;
}

std::string state_label(const Entry& e, const History& history) {
  if (e.state == State::Pending && history.last_failure.count(e.version)) return "rolled-back";
  if (e.state == State::Failed && failed_statement(e, history) > 1) return "partial";
  return to_string(e.state);
}

std::vector<Entry> compare(const LocalSet& local, const History& history) {
  std::map<std::string, Entry> by_version;
  for (const auto& m : local.migrations) {
    Entry& e = by_version[m.version];
    e.version = m.version;
    e.local = &m;
  }
  std::string highest;
  for (const auto& r : history.rows) {
    Entry& e = by_version[r.version];
    e.version = r.version;
    e.row = &r;
    if (highest.empty() || compare_versions(r.version, highest) > 0) highest = r.version;
  }
  std::vector<Entry> out;
  for (auto& [v, e] : by_version) {
    if (!e.row) {
      e.state = !highest.empty() && compare_versions(e.version, highest) < 0 ? State::OutOfOrder : State::Pending;
    } else if (e.row->status == "running") {
      e.state = State::Running;
    } else if (e.row->status == "failed") {
      e.state = State::Failed;
    } else if (!e.local) {
      e.state = State::Missing;
    } else if (e.local->checksum != e.row->checksum) {
      e.state = State::Modified;
    } else {
      e.state = e.row->status == "baseline" ? State::Baseline : State::Applied;
    }
    out.push_back(e);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Entry& a, const Entry& b) { return compare_versions(a.version, b.version) < 0; });
  return out;
}

std::string fix_for(const Entry& e) {
  const std::string& v = e.version;
  switch (e.state) {
    case State::Running:
    case State::Failed:
      return "check the database by hand, then record what you found: `pgsafe repair --mark-applied " + v +
             " --reason \"...\"` if it completed, or `pgsafe repair --mark-rolled-back " + v +
             " --reason \"...\"` once its effects are undone, so it runs again";
    case State::Modified:
      return "restore the file as applied and put the change in a new migration; if the edit is only cosmetic, "
             "`pgsafe repair --accept-checksum " + v + " --reason \"...\"`";
    case State::Missing:
      return "restore the file (deleting an applied migration does not undo it)";
    case State::OutOfOrder:
      return "rename it to a newer version, or pass --allow-out-of-order if it is independent of them";
    default:
      return "";
  }
}

std::vector<Problem> validate(const std::vector<Entry>& entries, bool allow_out_of_order) {
  std::vector<Problem> out;
  for (const auto& e : entries) {
    std::string file = e.file();
    switch (e.state) {
      case State::Running:
      case State::Failed:
        out.push_back({e.version, 7,
                       file + " (version " + e.version + ") ran without a transaction and was " +
                           (e.state == State::Running ? "interrupted" : "stopped by an error") +
                           (e.row->error_message.empty() ? "" : " (" + e.row->error_sqlstate + ": " + e.row->error_message + ")") +
                           "; part of it may have been applied",
                       fix_for(e)});
        break;
      case State::Modified:
        out.push_back({e.version, 3,
                       file + " (version " + e.version + ") was applied with checksum " + e.row->checksum.substr(0, 12) +
                           "… but the file now has " + e.local->checksum.substr(0, 12) + "…: applied migrations must not be edited",
                       fix_for(e)});
        break;
      case State::Missing:
        out.push_back({e.version, 3,
                       file + " (version " + e.version + ") is recorded as applied but no longer exists in the migrations folder",
                       fix_for(e)});
        break;
      case State::OutOfOrder:
        if (!allow_out_of_order)
          out.push_back({e.version, 3,
                         file + " (version " + e.version + ") is pending but older than migrations already applied",
                         fix_for(e)});
        break;
      default:
        break;
    }
  }
  return out;
}

Plan make_plan(const std::vector<Entry>& entries, const std::string& database, const std::string& baseline_version) {
  Plan p;
  p.database = database;
  for (const auto& e : entries)
    if (e.row && (p.after_version.empty() || compare_versions(e.version, p.after_version) > 0)) p.after_version = e.version;
  for (const auto& e : entries) {
    if (!e.local || (e.state != State::Pending && e.state != State::OutOfOrder)) continue;
    if (!baseline_version.empty() && compare_versions(e.version, baseline_version) <= 0) p.baseline.push_back(e.local);
    else p.files.push_back(e.local);
  }
  // The hash binds an approval to this database, what it already has, and exactly these files.
  std::string text = "pgsafe-plan-v1\ndatabase " + database + "\nafter " + p.after_version + "\n";
  for (const auto* m : p.baseline) text += "baseline " + m->version + " " + m->checksum + "\n";
  for (const auto* m : p.files)
    text += "apply " + m->version + " " + m->file + " " + m->checksum + " " + to_string(m->tx_mode) + "\n";
  p.hash = sha256_hex(text).substr(0, 16);
  return p;
}

}  // namespace pgsafe::applier
