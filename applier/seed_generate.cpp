// `pgsafe seed --generate N`: rows generated from the schema the migrations build (applier/generate.h),
// written to --out without a database, or loaded into a local development database.
#include <ostream>

#include "analyzer/plan.h"
#include "applier/devdata.h"
#include "applier/generate.h"
#include "applier/local_set.h"
#include "applier/session.h"

namespace pgsafe::applier {

int run_generate_seed(const SeedOptions& o, const LocalSet& local, std::ostream& out, std::ostream& err) {
  Plan plan = build_plan(local.set);
  for (const auto& e : plan.errors) print_error(err, e.file + ": " + e.message);
  if (!plan.errors.empty()) return exit_code::kUsage;
  GenerateOptions g;
  g.rows = *o.generate;
  g.seed = o.seed;
  g.tables = o.tables;
  g.out = o.out;
  g.format = o.format;
  if (o.out) return generate_sql(plan.catalog, g, out, err);
  Connection conn;
  std::string environment;
  if (int code = open_local_database(o, "generated rows are development data", conn, environment, err)) return code;
  return generate_load(conn, plan.catalog, g, out, err);
}

}  // namespace pgsafe::applier
