#pragma once
// A migration set: the files to lint (and the history they build on), with versions read from
// their names according to the project's layout, in the order they are applied.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgsafe {

enum class Layout {
  Auto,
  Timestamp,      // YYYYMMDDHHMMSS_name.sql (Supabase, dbmate)
  Prisma,         // <timestamp>_<name>/migration.sql
  Diesel,         // <version>_<name>/up.sql + down.sql
  GolangMigrate,  // <version>_<name>.up.sql / .down.sql
  Flyway,         // V<version>__<description>.sql (U undo, R repeatable)
  Drizzle,        // NNNN_<name>.sql
};

std::string_view to_string(Layout l);
std::optional<Layout> parse_layout(std::string_view s);

enum class Direction { Up, Down, Repeatable };

struct MigrationFile {
  std::string path;          // as given / discovered, '/' separators: what diagnostics show
  std::string version;       // "" when the name carries none
  std::string name;          // the description part of the name
  Direction direction = Direction::Up;
  bool name_matches_layout = false;
  bool history_only = false; // from --migrations-dir: replayed, not reported
  bool from_stdin = false;
  // Known to be in the committed history: applied by the database (lint --db) or present on the
  // default branch. Filled by the CLI; false when nothing says so (out-of-order-migration).
  bool committed = false;
  int index = -1;            // position in the ordered set
  std::optional<std::string> contents;  // bytes supplied in memory (stdin, the applier)
};

struct InputError {
  std::string file;
  std::string message;
  uint32_t line = 0, column = 0;     // 0 when not about a position
};

// Where MigrationFile::committed came from.
enum class CommittedSource { None, Database, DefaultBranch };

struct MigrationSet {
  Layout layout = Layout::Timestamp;
  std::vector<MigrationFile> files;  // ordered: version, then path
  CommittedSource committed_source = CommittedSource::None;
  std::string committed_where;       // the database's name or the branch ("main", "origin/main")
  // The newest version the database has applied, also when no file of the set has it any more.
  std::string newest_applied_version;
  // Entries of a searched folder that look like migrations but were not read (a dangling or
  // looping symbolic link, a named pipe): the user is told, they are not silently left out.
  std::vector<InputError> skipped;
};

// Reads a migration file whole. Only a regular file is read: a FIFO, a device or a directory is
// refused before a read could block on it, and a file larger than max_size without reading it.
// On failure `why` says what is wrong (without the path).
bool read_migration_file(const std::string& path, size_t max_size, std::string& bytes, std::string& why);
// A size as input errors state it: "16.0 MiB".
std::string describe_mib(size_t bytes);

struct DiscoverOptions {
  Layout layout = Layout::Auto;
  std::optional<std::string> migrations_dir;  // history
  std::optional<std::string> stdin_filename;
};

// Expand PATHs (files, directories, globs, "-") into an ordered set. Problems (missing path,
// directory without .sql files) are returned as errors; the set holds what could be found.
MigrationSet discover(const std::vector<std::string>& paths, const DiscoverOptions& opts,
                      std::vector<InputError>& errors);

// Parse a file's name under a layout (Auto: the first that fits).
struct NameInfo {
  bool matches = false;
  Layout layout = Layout::Timestamp;
  std::string version;
  std::string name;
  Direction direction = Direction::Up;
};
NameInfo parse_name(const std::string& path, Layout layout);
// A set member for path under layout (version, name, direction read from the name).
MigrationFile make_migration_file(const std::string& path, Layout layout);
// A set of in-memory files (path, contents), in order: what the applier and tests lint.
MigrationSet set_from_memory(const std::vector<std::pair<std::string, std::string>>& files, Layout layout);
// Which layout most of these paths follow.
Layout detect_layout(const std::vector<std::string>& paths);
// Orders versions numerically component by component ("2" < "10", "1.2" < "1.10").
int compare_versions(std::string_view a, std::string_view b);
// Order the files of a set and number them.
void order_set(MigrationSet& set);

}  // namespace pgsafe
