#pragma once
// What is staged: the git index read through the git command (git on PATH), so that a commit hook
// lints exactly what the commit will hold. git runs in the current directory and inherits the
// environment, so GIT_INDEX_FILE (set by git for hooks, and pointing at a temporary index for
// `git commit -a` or `git commit <paths>`) is honoured.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace pgsafe::git {

struct IndexEntry {
  std::string path;    // relative to the current directory, as git prints it, '/' separators
  std::string mode;    // "100644", "100755", "120000" (symlink), "160000" (submodule)
  std::string object;  // blob id
  int stage = 0;       // 0, or 1..3 for an unresolved merge conflict
};

// True when the current directory is inside a git work tree (and git runs).
bool inside_work_tree();

// The index entries matching the pathspecs (files, folders or globs, as git understands them).
bool list_index(const std::vector<std::string>& pathspecs, std::vector<IndexEntry>& out, std::string& error);

// The contents of blobs, in the order asked.
bool read_blobs(const std::vector<std::string>& objects, std::vector<std::string>& out, std::string& error);

// The default branch as the repository knows it: the remote's HEAD (origin/HEAD), else origin/main,
// origin/master, main or master, whichever exists first. "" when none does.
std::string default_branch();

// Paths in `ref`'s tree matching the pathspecs, relative to the current directory as git prints
// them ('/' separators).
bool list_tree(const std::string& ref, const std::vector<std::string>& pathspecs, std::vector<std::string>& out,
               std::string& error);

// Which of `paths` (as given: relative to the current directory or absolute, links allowed) the
// tree of `ref` has. Paths are resolved first, so a folder reached through a link still matches.
bool paths_in_tree(const std::string& ref, const std::vector<std::string>& paths, std::set<std::string>& present,
                   std::string& error);

// A `.git` (folder, or file in a linked work tree) in `dir` or a folder above it, or GIT_DIR set:
// a file system check that spares spawning git where it cannot find a repository. `root`, when
// given, receives the folder holding `.git` (left empty when GIT_DIR decides).
bool repository_above(const std::filesystem::path& dir, std::filesystem::path* root = nullptr);

}  // namespace pgsafe::git
