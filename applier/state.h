#pragma once
// Files on disk and rows in history, side by side: what is applied, pending, modified, missing,
// and the plan (the pending files, in order) with the hash that --approve takes.
#include <string>
#include <vector>

#include "applier/history.h"
#include "applier/local_set.h"

namespace pgsafe::applier {

enum class State { Applied, Pending, Modified, Missing, Failed, Running, Baseline, OutOfOrder };
const char* to_string(State s);

struct Entry {
  std::string version;
  State state = State::Pending;
  const LocalMigration* local = nullptr;  // null when missing
  const HistoryRow* row = nullptr;        // null when never applied
  std::string name() const { return local ? local->name : row->name; }
  std::string file() const { return local ? local->file : row->file; }
};

// The state status shows, with failures told apart:
//   rolled-back  pending, and its last attempt failed in a transaction (nothing of it applied)
//   failed       ran without a transaction and stopped at its first statement
//   partial      ran without a transaction and stopped after applying some of its statements
//   running      pgsafe stopped in the middle of it (killed, connection lost)
// and otherwise the entry's state.
std::string state_label(const Entry& e, const History& history);
// The 1-based statement a failed file stopped at, from its failure event; 0 when unknown.
int failed_statement(const Entry& e, const History& history);

// Every version known to either side, in version order.
std::vector<Entry> compare(const LocalSet& local, const History& history);

struct Problem {
  std::string version;
  int exit_code = 0;     // 3 or 7
  std::string message;   // one line, names the file
  std::string fix;       // the command or step that resolves it
};
// What resolves an entry in a state that stops an apply (Running, Failed, Modified, Missing,
// OutOfOrder), in one sentence; "" for other states.
std::string fix_for(const Entry& e);

// What stops an apply: running/failed rows (7), modified or missing files, pending files below
// the highest applied version without allow_out_of_order (3).
std::vector<Problem> validate(const std::vector<Entry>& entries, bool allow_out_of_order);

struct Plan {
  std::string database;
  std::string after_version;                      // highest version in history, "" when none
  std::vector<const LocalMigration*> baseline;    // recorded as already present (--baseline)
  std::vector<const LocalMigration*> files;       // to execute, in order
  std::string hash;                               // 16 hex digits
};
Plan make_plan(const std::vector<Entry>& entries, const std::string& database, const std::string& baseline_version);

}  // namespace pgsafe::applier
