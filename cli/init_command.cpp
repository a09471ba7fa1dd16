// `pgsafe init [--ci github]`: a project's .pgsafe.toml, and with --ci the GitHub workflows of
// docs/ci/github/ (compiled in) fitted to the project: its migrations folder and its main branch.
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <regex>
#include <sstream>

#include "analyzer/atomic_write.h"
#include "analyzer/config.h"
#include "analyzer/file_bytes.h"
#include "analyzer/git_index.h"
#include "analyzer/history.h"
#include "cli/catalog_commands.h"
#include "cli/commands.h"

namespace fs = std::filesystem;

namespace pgsafe::cli {

// The workflow templates, compiled in by cli/CMakeLists.txt from docs/ci/github/*.yml.
const std::vector<std::pair<std::string, std::string>>& embedded_ci_templates();

namespace {

// What the templates say where a project says its own: the folder and the branch.
constexpr const char* kTemplateDir = "supabase/migrations";
constexpr const char* kTemplateBranch = "branches: [main]";

// A folder or branch name that is safe in a workflow as it stands: in YAML plain scalars, quoted
// strings and path filters (no spaces, quotes, '#', ':' or glob characters).
bool safe_name(const std::string& s) {
  static const std::regex ok(R"([A-Za-z0-9._][A-Za-z0-9._/-]*)");
  return std::regex_match(s, ok) && s.find("..") == std::string::npos && s.find("//") == std::string::npos;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

struct Planned {
  std::string path;
  std::string content;
  enum { Create, Replace, Same } action = Create;
};

}  // namespace

CLI::App* add_init_command(CLI::App& app, InitArgs& args) {
  auto* cmd = app.add_subcommand("init", "Set a project up: .pgsafe.toml, and with --ci github the CI/CD workflows");
  cmd->add_option("--ci", args.ci, "Also write the CI/CD workflows: github (.github/workflows/pgsafe-*.yml)");
  cmd->add_option("--dir", args.dir, "The migrations folder (default: migrations_dir, else a conventional folder)");
  cmd->add_option("--branch", args.branch,
                  "The branch whose merges deploy to staging (default: the repository's default branch, else main)");
  cmd->add_flag("--force", args.force, "Replace workflow files that exist and differ");
  cmd->add_flag("--dry-run", args.dry_run, "Print what would be written; write nothing");
  cmd->footer(
      "Writes .pgsafe.toml when there is none (an existing one is kept). With --ci github, four workflows:\n"
      "  pgsafe-pull-request.yml  lint what a pull request changes: annotations, code scanning, one comment\n"
      "  pgsafe-staging.yml       on merge: drift check, then apply --env staging\n"
      "  pgsafe-production.yml    plan against production, then apply --approve <hash> after a reviewer approves\n"
      "  pgsafe-emergency.yml     by hand: apply a hotfix with --emergency --reason\n"
      "Exit codes: 0 written (or nothing to change), 2 usage error or a file that exists and differs (nothing is "
      "written; --force replaces it), 3 a file could not be written (what was written is removed).");
  return cmd;
}

int run_init(const InitArgs& args, std::ostream& out, std::ostream& err) {
  if (args.ci && *args.ci != "github") {
    err << "pgsafe: error: --ci " << *args.ci << " is not supported: github (docs/ci.md also shows GitLab)\n";
    return exit_code::kUsage;
  }
  Config cfg;
  std::vector<ConfigError> cerrors;
  std::optional<fs::path> cfg_path = find_config(fs::current_path());
  if (cfg_path && !load_config(*cfg_path, cfg, cerrors)) {
    for (const auto& e : cerrors)
      err << "pgsafe: error: " << e.file << (e.line ? ":" + std::to_string(e.line) + ":" + std::to_string(e.column) : "")
          << ": " << e.message << "\n";
    return exit_code::kUsage;
  }

  std::string dir;
  if (args.dir) dir = *args.dir;
  else if (cfg.migrations_dir) dir = *cfg.migrations_dir;
  else if (auto found = find_known_migrations_dir(".")) dir = *found;
  if (dir.empty()) {
    err << "pgsafe: error: no migrations folder: give --dir (none of supabase/migrations, migrations, db/migrations, "
           "prisma/migrations, drizzle, db/migration exists here)\n";
    return exit_code::kUsage;
  }
  std::error_code ec;
  fs::path rel = fs::path(dir).is_absolute() ? fs::path(dir).lexically_relative(fs::current_path(ec)) : fs::path(dir);
  dir = rel.lexically_normal().generic_string();
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (dir.empty() || dir == "." || dir.starts_with("../") || dir == ".." || !safe_name(dir)) {
    err << "pgsafe: error: migrations folder '" << dir
        << "': the workflows need a folder inside this project named with letters, digits, '.', '_', '-' and '/' "
           "(run pgsafe init from the project's root, or edit the templates in docs/ci/github/ by hand)\n";
    return exit_code::kUsage;
  }
  if (!fs::is_directory(dir, ec)) {
    err << "pgsafe: error: " << dir << ": no such folder\n";
    return exit_code::kUsage;
  }

  std::string branch;
  if (args.branch) branch = *args.branch;
  else if (std::string b = git::default_branch(); !b.empty()) branch = b.starts_with("origin/") ? b.substr(7) : b;
  else branch = "main";
  if (!safe_name(branch)) {
    err << "pgsafe: error: --branch '" << branch << "' is not a branch name the workflows can hold as it stands\n";
    return exit_code::kUsage;
  }

  // GitHub reads workflows only at the repository's root. Run from a project inside a larger
  // repository (a monorepo), the workflows go to the root, their path filters name the project's
  // folder from there, and the Action runs in the project (working-directory).
  std::string project = ".";
  fs::path workflows_root = ".";
  if (fs::path top; git::repository_above(fs::current_path(ec), &top) && !top.empty()) {
    fs::path here = fs::weakly_canonical(fs::current_path(ec), ec);
    std::string rel_here = here.lexically_relative(fs::weakly_canonical(top, ec)).generic_string();
    if (!rel_here.empty() && rel_here != ".") {
      if (!safe_name(rel_here)) {
        err << "pgsafe: error: this project's folder in its repository, '" << rel_here
            << "', is not a name the workflows can hold as it stands\n";
        return exit_code::kUsage;
      }
      project = rel_here;
      workflows_root = top;
    }
  }
  const std::string filter_dir = project == "." ? dir : project + "/" + dir;
  // The config the workflows watch, from the repository's root: the one found (it may be in a
  // folder above), else the one init writes here.
  std::string config_filter = project == "." ? ".pgsafe.toml" : project + "/.pgsafe.toml";
  if (cfg_path) {
    fs::path top = workflows_root == "." ? fs::current_path(ec) : workflows_root;
    std::string rel = fs::weakly_canonical(*cfg_path, ec).lexically_relative(fs::weakly_canonical(top, ec)).generic_string();
    if (!rel.empty() && !rel.starts_with("..") && safe_name(rel)) config_filter = rel;
  }

  std::vector<Planned> files;
  if (!cfg_path) {
    std::string toml =
        "# pgsafe's settings: https://github.com/pgsafe/pgsafe#configuration\n"
        "migrations_dir = \"" + dir + "\"\n"
        "# The PostgreSQL major version production runs (13 to 18): lock and rewrite rules follow it.\n"
        "# pg_version = 17\n";
    files.push_back({".pgsafe.toml", toml});
  }
  if (args.ci) {
    for (const auto& [name, text] : embedded_ci_templates()) {
      std::string content = replace_all(text, "\r\n", "\n");  // a checkout with CRLF line ends
      content = replace_all(content, std::string("\"") + kTemplateDir + "/**\"", "\"" + filter_dir + "/**\"");
      if (config_filter != ".pgsafe.toml") content = replace_all(content, "\".pgsafe.toml\"", "\"" + config_filter + "\"");
      content = replace_all(content, kTemplateDir, dir);
      content = replace_all(content, "working-directory: .\n", "working-directory: " + project + "\n");
      content = replace_all(content, kTemplateBranch, "branches: [" + branch + "]");
      content = replace_all(content, "'refs/heads/main'", "'refs/heads/" + branch + "'");
      content = replace_all(content, "by hand from main", "by hand from " + branch);
      content = replace_all(content, "        default: main\n", "        default: " + branch + "\n");
      files.push_back({(workflows_root / ".github/workflows" / name).lexically_normal().generic_string(), content});
    }
  }

  // Decide everything before writing anything: a differing file stops the whole run.
  std::vector<std::string> conflicts;
  for (auto& f : files) {
    if (!fs::exists(f.path, ec)) continue;
    auto existing = read_file_bytes(f.path);
    if (existing && *existing == f.content) f.action = Planned::Same;
    else if (args.force) f.action = Planned::Replace;
    else conflicts.push_back(f.path);
  }
  if (!conflicts.empty()) {
    err << "pgsafe: error: these files exist and differ from what init writes (nothing was written; --force "
           "replaces them):\n";
    for (const auto& c : conflicts) err << "  " << c << "\n";
    return exit_code::kUsage;
  }

  std::vector<std::string> created;
  for (const auto& f : files) {
    const char* verb = f.action == Planned::Same ? "unchanged" : f.action == Planned::Replace ? "replace" : "create";
    if (args.dry_run) {
      out << (f.action == Planned::Same ? "unchanged  " : std::string("would ") + verb + "  ") << f.path << "\n";
      continue;
    }
    if (f.action == Planned::Same) {
      out << "unchanged  " << f.path << "\n";
      continue;
    }
    std::string error;
    fs::path parent = fs::path(f.path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    if (ec || !write_file_atomically(f.path, f.content, error)) {
      err << "pgsafe: error: cannot write " << f.path << ": " << (ec ? ec.message() : error) << "\n";
      for (const auto& c : created) fs::remove(c, ec);
      if (!created.empty()) err << "  removed the " << created.size() << " file(s) this run had created\n";
      return exit_code::kNewWriteFailed;
    }
    if (f.action == Planned::Create) created.push_back(f.path);
    out << (f.action == Planned::Replace ? "replaced   " : "created    ") << f.path << "\n";
  }
  if (args.dry_run) return exit_code::kOk;

  out << "\nMigrations folder: " << dir << (cfg_path ? " (from " + cfg_path->generic_string() + ")" : "") << "\n";
  if (args.ci) {
    out << "Staging deploys on merges to: " << branch << "\n\n"
        << "Next steps (GitHub, Settings):\n"
        << "  1. Environments > New environment \"staging\": add the secret STAGING_DATABASE_URL.\n"
        << "  2. Environments > New environment \"production\": tick \"Required reviewers\" (you), and add the\n"
        << "     secret PRODUCTION_DATABASE_URL.\n"
        << "  3. Secrets and variables > Actions: add PRODUCTION_READONLY_DATABASE_URL, a role that can read the\n"
        << "     schema and pgsafe's history, for the plan (docs/ci.md has the SQL).\n"
        << "  4. On Supabase, use the direct or session-pooler URL (port 5432), not the transaction pooler (6543):\n"
        << "     pgsafe holds a session lock and runs CREATE INDEX CONCURRENTLY outside a transaction.\n"
        << "  5. git add " << (workflows_root / ".github/workflows").lexically_normal().generic_string()
        << (cfg_path ? "" : " .pgsafe.toml") << " && git commit\n";
  }
  return exit_code::kOk;
}

}  // namespace pgsafe::cli
