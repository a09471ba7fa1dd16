// ban-vacuum-full: VACUUM FULL and CLUSTER rewrite the table under ACCESS EXCLUSIVE.
#include "rules/locking/lock_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "ban-vacuum-full",
    .category = "locking",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "VACUUM FULL and CLUSTER rewrite the whole table while blocking every read and write.",
    .rationale =
        "VACUUM FULL and CLUSTER copy the table (and rebuild its indexes) into new files, holding an ACCESS "
        "EXCLUSIVE lock the whole time: no SELECT, INSERT, UPDATE or DELETE can touch the table until the "
        "copy is done, which on a large table is an outage of minutes to hours, and it needs free disk for "
        "a second copy. Without a table name they do this to every table in the database. A plain VACUUM "
        "takes SHARE UPDATE EXCLUSIVE and blocks neither reads nor writes. Tables created earlier in the "
        "same file or transaction are exempt.",
    .help = "Use plain VACUUM (or let autovacuum do it). To reclaim space or reorder rows online, use an "
            "extension that rebuilds with a short final lock, such as pg_repack or pg_squeeze, outside the "
            "migration.",
    .bad_example = "VACUUM FULL orders;",
    .good_example = "VACUUM (ANALYZE) orders;",
    .locks = "ACCESS EXCLUSIVE on the table (blocks reads and writes) for the whole rewrite",
};

class BanVacuumFull final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kVacuumStmt, pg_query::Node::kClusterStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    std::vector<const pg_query::RangeVar*> rels;
    std::string kind;
    if (ctx.node().has_vacuum_stmt()) {
      const auto& s = ctx.node().vacuum_stmt();
      if (!s.is_vacuumcmd()) return;  // ANALYZE
      bool full = false;
      for (const auto& o : s.options())
        if (o.has_def_elem() && o.def_elem().defname() == "full" && tree::def_elem_text(o.def_elem()) != "false") full = true;
      if (!full) return;
      kind = "VACUUM FULL";
      for (const auto& r : s.rels())
        if (r.has_vacuum_relation() && r.vacuum_relation().has_relation()) rels.push_back(&r.vacuum_relation().relation());
    } else {
      kind = "CLUSTER";
      if (ctx.node().cluster_stmt().has_relation()) rels.push_back(&ctx.node().cluster_stmt().relation());
    }
    if (rels.empty()) {
      out.add(ctx.at_statement(kind + " without a table rewrites every table in the database, taking an ACCESS "
                               "EXCLUSIVE lock on each, which blocks every read and write of it"));
      return;
    }
    for (const auto* rv : rels) {
      if (locking::exempt(ctx, *rv)) continue;
      std::string name = sql_name(*rv);
      out.add(ctx.at_statement(kind + " rewrites " + name + " and " + locking::takes("ACCESS EXCLUSIVE", name) +
                               " until the copy is done"));
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(ban_vacuum_full, kMeta, BanVacuumFull)
