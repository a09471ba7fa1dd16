#pragma once
// Finding the history of the files being linted when the command line does not name it, and
// building a migration set from what is staged (for commit hooks).
//
// `pgsafe lint FILE...` judges new files against the schema their project's earlier migrations
// build. Where those live: the config's migrations_dir; else the files' own folder, when it looks
// like a migrations folder of a known layout (for Prisma and Diesel, whose migrations are
// folders, the folder above); else the first known migrations folder under the working directory.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/migration_set.h"

namespace pgsafe {

// Where known tools keep migrations, relative to a project's root, in the order tried.
const std::vector<std::string>& known_migrations_dirs();
// The first of them that is a folder under root, spelled relative to root ("supabase/migrations").
std::optional<std::string> find_known_migrations_dir(const std::filesystem::path& root = ".");

// The migrations folder `file` sits in, when its name or its neighbours' names follow a layout.
std::optional<std::string> own_migrations_dir(const std::string& file, Layout layout);

struct HistoryChoice {
  enum class From { None, Config, OwnFolder, KnownFolder };
  From from = From::None;
  std::optional<std::string> dir;
};
// The history folder for linting `files` (plain files, not folders or globs).
HistoryChoice find_history(const std::vector<std::string>& files, const std::optional<std::string>& configured,
                           Layout layout, const std::filesystem::path& root = ".");

// Like discover(), but every file is read from the git index rather than the work tree: the
// history (opts.migrations_dir) is what is staged there, so an untracked or unstaged file cannot
// change the verdict on a commit. PATHs are files, folders or globs as git matches them; a file
// named on the command line that is not staged is read from the work tree.
MigrationSet discover_staged(const std::vector<std::string>& paths, const DiscoverOptions& opts,
                             std::vector<InputError>& errors);

// Marks the files of the set the default branch already has (MigrationFile::committed), for
// out-of-order-migration; leaves the set unmarked when nothing can say (no git work tree, no
// default branch, no linted up file with a version inside the repository, a git failure).
void mark_committed_on_default_branch(MigrationSet& set);

}  // namespace pgsafe
