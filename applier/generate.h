#pragma once
// `pgsafe seed --generate N`: synthetic rows for the tables a migration set builds
// (analyzer/synth.h makes them), written as an SQL file or loaded into a local dev database.
// The CLI resolves the connection and checks that it is local before calling generate_load.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "analyzer/catalog.h"
#include "applier/pg.h"

namespace pgsafe::applier {

struct GenerateOptions {
  size_t rows = 100;                  // per table
  uint64_t seed = 42;
  std::vector<std::string> tables;    // --table: "schema.table" or a bare name (every schema); empty: all
  std::optional<std::string> out;     // SQL file; "-" or none: standard output
  std::string format = "text";        // the summary: text or json
};

// The most rows per table either function accepts.
inline constexpr size_t kMaxGenerateRows = 10'000'000;

// Writes the SQL for the catalog's tables to opts.out, never over an existing file (exit 2,
// naming it), atomically. The summary (problems included) goes to `out` when the SQL goes to a
// file, to `err` when the SQL goes to `out`. No database: tables outside the migration set are
// assumed to exist. Returns 0 when written, 2 for usage (unknown --table, bad rows, format, file).
int generate_sql(const Catalog& catalog, const GenerateOptions& opts, std::ostream& out, std::ostream& err);

// Loads generated rows into conn in one transaction, one SAVEPOINT per table. Row counts read
// first offset the unique values, so loading twice adds rows. Prints per table the rows
// inserted, what was skipped or failed and why (the server's error with table, column and
// constraint), and the time taken. Returns 0 when every requested table got its rows, 6
// (exit_code::kFailed) when any table failed or was skipped, 2 for usage (unknown --table).
int generate_load(Connection& conn, const Catalog& catalog, const GenerateOptions& opts, std::ostream& out,
                  std::ostream& err);

}  // namespace pgsafe::applier
