#include "cli/affected_tables.h"

#include <set>

namespace pgsafe::cli {

int lock_strength(const std::string& mode) {
  static const char* kModes[] = {"ACCESS SHARE", "ROW SHARE",           "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE",
                                 "SHARE",        "SHARE ROW EXCLUSIVE", "EXCLUSIVE",     "ACCESS EXCLUSIVE"};
  for (int i = 0; i < 8; ++i)
    if (mode == kModes[i]) return i + 1;
  return 0;
}

std::vector<report::FileTables> affected_tables(const Plan& plan) {
  // Names the plan or the final catalog know as a relation other than a table.
  std::set<std::string> tables, others;
  for (const auto& f : plan.files) {
    for (const auto* list : {&f.creates, &f.drops})
      for (const auto& o : *list) (o.type == "table" ? tables : others).insert(o.name);
  }
  for (const auto& [name, index] : plan.catalog.indexes()) others.insert(name);
  for (const auto& [name, view] : plan.catalog.views()) others.insert(name);
  auto is_table = [&](const std::string& name) {
    return tables.count(name) || plan.catalog.find_table(name) || !others.count(name);
  };

  std::vector<report::FileTables> out;
  for (const auto& f : plan.files) {
    report::FileTables ft;
    ft.file = f.path;
    auto entry = [&](const std::string& name) -> report::TableChange* {
      if (!is_table(name)) return nullptr;
      for (auto& t : ft.tables)
        if (t.table == name) return &t;
      report::TableChange added;
      added.table = name;
      ft.tables.push_back(std::move(added));
      return &ft.tables.back();
    };
    // In the order the file first touches them: statements carry positions, the object lists
    // do not, so statements first and what only the lists name after.
    for (const auto& s : f.statements) {
      for (size_t i = 0; i < s.locks.size(); ++i) {
        report::TableChange* t = entry(s.locks[i].relation);
        if (!t) continue;
        if (lock_strength(s.locks[i].mode) > lock_strength(t->strongest_lock)) t->strongest_lock = s.locks[i].mode;
        // A rewrite is of the statement's own table, which statement_locks names first.
        if (i == 0 && s.rewrites) t->rewrites = true;
      }
    }
    for (const auto& o : f.creates)
      if (o.type == "table")
        if (auto* t = entry(o.name)) t->creates = true;
    for (const auto& a : f.alters)
      if (auto* t = entry(a.object)) t->alters = true;
    for (const auto& o : f.drops)
      if (o.type == "table")
        if (auto* t = entry(o.name)) t->drops = true;
    if (!ft.tables.empty()) out.push_back(std::move(ft));
  }
  return out;
}

}  // namespace pgsafe::cli
