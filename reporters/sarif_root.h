#pragma once
// Where SARIF artifact URIs start from. Code scanning resolves a result's URI against the
// repository's root, so pgsafe makes URIs relative to the git top level of the linted files,
// found from their absolute paths: the same SARIF whatever directory pgsafe runs in. This looks
// at the file system, so it lives apart from the reporter, which only formats; the CLI calls it
// and passes the answer in ReportOptions::sarif_source_root.
#include <optional>
#include <string>
#include <vector>

namespace pgsafe::report {

// The top level of the git work tree holding `path` (absolute, or relative to `working_dir`):
// the nearest folder, from the path's own folder upward, with a `.git` entry (a folder, or the
// file a linked worktree or a submodule has). nullopt outside any repository.
std::optional<std::string> git_top_level(const std::string& path, const std::string& working_dir);

// The folder SARIF URIs are made relative to: the git top level holding most of `files` (ties go
// to the one that sorts first), or `working_dir` when none of them is in a repository.
std::string sarif_source_root(const std::vector<std::string>& files, const std::string& working_dir);

}  // namespace pgsafe::report
