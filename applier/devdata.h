#pragma once
// The local half of the lifecycle: `pgsafe reset` (drop what the migrations made, apply them all
// again, load kept rows and a seed profile) and `pgsafe seed` (a seed profile, or rows generated
// from the schema). Both refuse any database that is not local, or that is tagged as anything
// but a development database (exit 9), whatever the flags.
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "applier/applier.h"
#include "applier/pg.h"

namespace pgsafe::applier {

struct ResetOptions : CommonOptions {
  std::optional<std::string> seed;          // profile to load after the migrations; "none" for none
                                            // (default: dev, or none with --keep-data)
  bool keep_data = false;                   // --keep-data [TABLE,...]
  std::vector<std::string> keep_tables;     // empty: every table
  bool yes = false;                         // required when stdin is not a terminal
  double lock_wait = 60;
};

struct SeedOptions : CommonOptions {
  std::optional<std::string> profile;       // --profile P (default dev)
  std::optional<size_t> generate;           // --generate N: N rows per table from the schema
  std::vector<std::string> tables;          // --table T,...: only these (with --generate)
  uint64_t seed = 42;                       // --seed: the generator's seed
  std::optional<std::string> out;           // --out FILE: write the generated SQL, load nothing
};

// Connect for a reset or a seed: refuse (exit 9, saying why) a connection string naming another
// machine before connecting, a server reached elsewhere, and a database tagged as anything but a
// development one (development_tag). what says what the command does ("a reset drops ...").
// 0, or an exit code after printing why.
int open_local_database(const CommonOptions& opts, const std::string& what, Connection& conn, std::string& environment,
                        std::ostream& err);

int run_reset(const ResetOptions& opts, std::ostream& out, std::ostream& err);
struct LocalSet;
// seed --generate N: the SQL to --out, or loaded into the local database (applier/generate.h).
int run_generate_seed(const SeedOptions& opts, const LocalSet& local, std::ostream& out, std::ostream& err);
int run_seed(const SeedOptions& opts, std::ostream& out, std::ostream& err);

// Environment tags a reset or a seed accepts ("" = untagged). Anything else (staging,
// production, ...) is refused.
bool development_tag(const std::string& environment);
// Why conninfo (or, when empty, libpq's PG* variables) may name a host that is not this machine,
// checked before connecting; nullopt when every host is a Unix socket, localhost, 127.0.0.0/8 or ::1.
std::optional<std::string> non_local_target(const std::string& conninfo);
// The same, for the server actually reached (PQhost, PQhostaddr).
std::optional<std::string> non_local_connection(const Connection& conn);

}  // namespace pgsafe::applier
