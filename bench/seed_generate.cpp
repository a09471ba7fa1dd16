// Times `seed --generate`: generating the rows (pure) and loading them into a database.
// Usage: pgsafe_seed_bench MIGRATIONS_DIR CONNINFO [ROWS] [RUNS]
// Prints the median of RUNS generations and one load per run (each load adds ROWS more rows per
// table: offsets keep the unique values apart). Nothing is asserted; bench/seed_generate.sh runs it.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "analyzer/plan.h"
#include "analyzer/synth.h"
#include "applier/generate.h"
#include "applier/pg.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: pgsafe_seed_bench MIGRATIONS_DIR CONNINFO [ROWS] [RUNS]\n";
    return 2;
  }
  size_t rows = argc > 3 ? std::stoul(argv[3]) : 10000;
  int runs = argc > 4 ? std::stoi(argv[4]) : 3;
  std::vector<pgsafe::InputError> errors;
  pgsafe::MigrationSet set = pgsafe::discover({argv[1]}, {}, errors);
  for (const auto& e : errors) std::cerr << e.file << ": " << e.message << "\n";
  pgsafe::Catalog catalog = pgsafe::build_plan(set).catalog;
  using clock = std::chrono::steady_clock;
  auto ms = [](clock::time_point t0) { return std::chrono::duration<double, std::milli>(clock::now() - t0).count(); };

  std::vector<double> gen, load;
  size_t bytes = 0, tables = 0;
  for (int i = 0; i < runs; ++i) {
    auto t0 = clock::now();
    pgsafe::synth::Options o;
    o.rows = rows;
    auto g = pgsafe::synth::generate(catalog, o);
    bytes = pgsafe::synth::render_script(g, o).size();
    tables = g.tables.size();
    gen.push_back(ms(t0));
  }
  for (int i = 0; i < runs; ++i) {
    pgsafe::applier::ConnectOptions co;
    co.conninfo = argv[2];
    auto c = pgsafe::applier::connect(co);
    if (!c.error.empty()) {
      std::cerr << c.error << "\n";
      return 5;
    }
    pgsafe::applier::GenerateOptions go;
    go.rows = rows;
    std::ostringstream out, err;
    auto t0 = clock::now();
    int code = pgsafe::applier::generate_load(c.conn, catalog, go, out, err);
    load.push_back(ms(t0));
    if (i == 0 || code != 0) std::cout << out.str() << err.str();
    if (code != 0) return code;
  }
  std::sort(gen.begin(), gen.end());
  std::sort(load.begin(), load.end());
  std::cout << "generate " << rows << " rows x " << tables << " tables (" << bytes / 1024 << " KiB of SQL): median "
            << gen[gen.size() / 2] << " ms of " << runs << "\n";
  std::cout << "generate + load " << rows << " rows x " << tables << " tables: median " << load[load.size() / 2]
            << " ms of " << runs << " (min " << load.front() << ", max " << load.back() << ")\n";
  return 0;
}
