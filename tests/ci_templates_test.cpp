// The GitHub Action and the workflow templates as files: valid for GitHub (checked with the
// action-validator from npm, which knows GitHub's schemas), fitted to a project by
// `pgsafe init --ci github`, consistent with each other (every output the Action declares is one
// its script sets), and the Action's install step: a release tarball checked against SHA256SUMS,
// reused once installed, refused when tampered with. The workflows' jobs themselves run against
// PostgreSQL in tests/applier/ci_workflow_test.cpp.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "tests/support.h"

using namespace pgsafe::test;
namespace fs = std::filesystem;

namespace {

std::string validator() { return source_dir() + "/node_modules/.bin/action-validator"; }

// action-validator's verdict on one file: exit 0 and no error document.
void require_valid(const std::string& path) {
  ProcessResult r = run_command({validator(), path}, "", source_dir(), 120);
  INFO(path << "\n" << r.out << r.err);
  CHECK(r.exit_code == 0);
}

std::vector<std::string> templates() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(source_dir() + "/docs/ci/github"))
    if (e.path().extension() == ".yml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::map<std::string, std::string> key_values(const std::string& path) {
  std::map<std::string, std::string> kv;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);)
    if (auto eq = line.find('='); eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 1);
  return kv;
}

}  // namespace

TEST_CASE("ci templates: the action, every template and this repository's workflows are valid GitHub YAML", "[ci]") {
  REQUIRE(fs::exists(validator()));  // npm ci (scripts/setup.sh) installs it
  require_valid(source_dir() + "/action.yml");
  auto files = templates();
  REQUIRE(files.size() == 4);
  for (const auto& f : files) require_valid(f);
  for (const auto& e : fs::directory_iterator(source_dir() + "/.github/workflows")) require_valid(e.path().string());

  // The validator does catch mistakes (a misspelt key, a composite step without a shell).
  std::string dir = temp_dir("bad-workflow");
  write_file(dir + "/bad.yml", "name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz:\n      - run: echo\n");
  CHECK(run_command({validator(), dir + "/bad.yml"}, "", source_dir(), 120).exit_code != 0);
  write_file(dir + "/action.yml", "name: x\ndescription: y\nruns:\n  using: composite\n  steps:\n    - run: echo hi\n");
  CHECK(run_command({validator(), dir + "/action.yml"}, "", source_dir(), 120).exit_code != 0);
}

TEST_CASE("ci templates: they use this version of the action, and only actions the tests run", "[ci]") {
  static const std::regex uses(R"(uses:\s*(\S+))");
  const std::set<std::string> allowed{"actions/checkout@v4", "github/codeql-action/upload-sarif@v3",
                                      std::string("pgsafe/pgsafe@v") + PGSAFE_VERSION};
  for (const auto& f : templates()) {
    std::string text = read_file(f);
    int pgsafe_steps = 0;
    for (std::sregex_iterator it(text.begin(), text.end(), uses), end; it != end; ++it) {
      INFO(f << ": " << (*it)[1]);
      CHECK(allowed.count((*it)[1]) == 1);
      pgsafe_steps += (*it)[1].str().starts_with("pgsafe/pgsafe@");
    }
    CHECK(pgsafe_steps >= 1);
    // A secret or an input never reaches a shell script: templates have no run: steps at all.
    CHECK_FALSE(std::regex_search(text, std::regex(R"((^|\n)\s*(-\s*)?run:)")));
  }
}

TEST_CASE("ci templates: every output the action declares is set by its script, every input reaches it", "[ci]") {
  std::string action = read_file(source_dir() + "/action.yml");
  std::string script = read_file(source_dir() + "/action/run.sh");
  static const std::regex output_ref(R"(steps\.run\.outputs\.([a-z-]+))");
  int outputs = 0;
  for (std::sregex_iterator it(action.begin(), action.end(), output_ref), end; it != end; ++it, ++outputs) {
    INFO((*it)[1]);
    // By set_output NAME, or as NAME=<expression> of a json_values call (several at once).
    CHECK((script.find("set_output " + (*it)[1].str() + " ") != std::string::npos ||
           script.find(" " + (*it)[1].str() + "=d.") != std::string::npos));
  }
  CHECK(outputs >= 12);
  static const std::regex input_ref(R"(inputs\.([a-z-]+))");
  std::set<std::string> used;
  const std::string runs = action.substr(action.find("\nruns:"));
  for (std::sregex_iterator it(runs.begin(), runs.end(), input_ref), end; it != end; ++it) used.insert((*it)[1]);
  static const std::regex declared(R"(\n  ([a-z-]+):\n    description:)");
  std::string inputs_block = action.substr(action.find("inputs:"), action.find("outputs:") - action.find("inputs:"));
  for (std::sregex_iterator it(inputs_block.begin(), inputs_block.end(), declared), end; it != end; ++it) {
    INFO("input " << (*it)[1]);
    CHECK(used.count((*it)[1]) == 1);
  }
}

TEST_CASE("ci templates: pgsafe init --ci github fits them to the project and never clobbers a file", "[ci]") {
  std::string dir = temp_dir("init-ci");
  git(dir, {"init", "-q", "-b", "develop"});
  fs::create_directories(dir + "/db/migrations");
  ProcessResult r = run_command({PGSAFE_BINARY, "init", "--ci", "github", "--branch", "develop"}, "", dir);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(read_file(dir + "/.pgsafe.toml").find("migrations_dir = \"db/migrations\"") != std::string::npos);
  for (const char* name : {"pgsafe-pull-request.yml", "pgsafe-staging.yml", "pgsafe-production.yml", "pgsafe-emergency.yml"}) {
    std::string path = dir + "/.github/workflows/" + name;
    std::string text = read_file(path);
    INFO(name);
    CHECK(text.find("supabase/migrations") == std::string::npos);
    CHECK(text.find("migrations-dir: db/migrations") != std::string::npos);
    CHECK(text.find("branches: [main]") == std::string::npos);
    require_valid(path);
  }
  CHECK(read_file(dir + "/.github/workflows/pgsafe-staging.yml").find("branches: [develop]") != std::string::npos);
  CHECK(read_file(dir + "/.github/workflows/pgsafe-pull-request.yml").find("\"db/migrations/**\"") != std::string::npos);
  CHECK(r.out.find("PRODUCTION_DATABASE_URL") != std::string::npos);

  // Without --branch: the repository's default branch (main here).
  std::string other = temp_dir("init-main");
  git(other, {"init", "-q", "-b", "main"});
  fs::create_directories(other + "/migrations");
  write_file(other + "/migrations/.keep", "");
  git(other, {"add", "-A"});
  git(other, {"commit", "-q", "-m", "x"});
  REQUIRE(run_command({PGSAFE_BINARY, "init", "--ci", "github"}, "", other).exit_code == 0);
  CHECK(read_file(other + "/.github/workflows/pgsafe-staging.yml").find("branches: [main]") != std::string::npos);

  // Run again: nothing changes. A workflow edited by hand is not replaced without --force, and
  // then nothing at all is written.
  r = run_command({PGSAFE_BINARY, "init", "--ci", "github", "--branch", "develop"}, "", dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("unchanged  .github/workflows/pgsafe-staging.yml") != std::string::npos);
  write_file(dir + "/.github/workflows/pgsafe-staging.yml", "# mine\n");
  fs::remove(dir + "/.github/workflows/pgsafe-emergency.yml");
  r = run_command({PGSAFE_BINARY, "init", "--ci", "github", "--branch", "develop"}, "", dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(".github/workflows/pgsafe-staging.yml") != std::string::npos);
  CHECK(read_file(dir + "/.github/workflows/pgsafe-staging.yml") == "# mine\n");
  CHECK_FALSE(fs::exists(dir + "/.github/workflows/pgsafe-emergency.yml"));
  r = run_command({PGSAFE_BINARY, "init", "--ci", "github", "--branch", "develop", "--force", "--dry-run"}, "", dir);
  CHECK(r.exit_code == 0);
  CHECK(read_file(dir + "/.github/workflows/pgsafe-staging.yml") == "# mine\n");
  r = run_command({PGSAFE_BINARY, "init", "--ci", "github", "--branch", "develop", "--force"}, "", dir);
  CHECK(r.exit_code == 0);
  CHECK(read_file(dir + "/.github/workflows/pgsafe-staging.yml").find("command: apply") != std::string::npos);
  CHECK(fs::exists(dir + "/.github/workflows/pgsafe-emergency.yml"));

  // A project inside a larger repository: the workflows go to the repository's root, their path
  // filters name the project's folder from there, and the Action runs in the project.
  std::string mono = temp_dir("init-mono");
  git(mono, {"init", "-q", "-b", "main"});
  fs::create_directories(mono + "/apps/web/supabase/migrations");
  r = run_command({PGSAFE_BINARY, "init", "--ci", "github", "--branch", "main"}, "", mono + "/apps/web");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(fs::exists(mono + "/apps/web/.pgsafe.toml"));
  CHECK_FALSE(fs::exists(mono + "/apps/web/.github"));
  std::string pr = read_file(mono + "/.github/workflows/pgsafe-pull-request.yml");
  CHECK(pr.find("\"apps/web/supabase/migrations/**\"") != std::string::npos);
  CHECK(pr.find("\"apps/web/.pgsafe.toml\"") != std::string::npos);
  CHECK(pr.find("working-directory: apps/web\n") != std::string::npos);
  CHECK(pr.find("migrations-dir: supabase/migrations\n") != std::string::npos);
  std::string prod = read_file(mono + "/.github/workflows/pgsafe-production.yml");
  CHECK(prod.find("working-directory: .\n") == std::string::npos);
  CHECK(prod.find("workflows: [\"pgsafe: staging\"]") != std::string::npos);
  require_valid(mono + "/.github/workflows/pgsafe-pull-request.yml");
  // The config found in a folder above: the workflows watch that file.
  std::string deep = temp_dir("init-deep");
  git(deep, {"init", "-q", "-b", "main"});
  fs::create_directories(deep + "/app/db/migrations");
  write_file(deep + "/app/.pgsafe.toml", "migrations_dir = \"db/migrations\"\n");
  r = run_command({PGSAFE_BINARY, "init", "--ci", "github", "--branch", "main", "--dir", "migrations"}, "", deep + "/app/db");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(read_file(deep + "/.github/workflows/pgsafe-pull-request.yml").find("\"app/.pgsafe.toml\"") != std::string::npos);

  // Refusals: exit 2, nothing written.
  std::string empty = temp_dir("init-none");
  CHECK(run_command({PGSAFE_BINARY, "init", "--ci", "github"}, "", empty).exit_code == 2);  // no migrations folder
  fs::create_directories(empty + "/migrations");
  CHECK(run_command({PGSAFE_BINARY, "init", "--ci", "gitlab"}, "", empty).exit_code == 2);
  CHECK(run_command({PGSAFE_BINARY, "init", "--ci", "github", "--branch", "a b"}, "", empty).exit_code == 2);
  fs::create_directories(empty + "/my migrations");
  CHECK(run_command({PGSAFE_BINARY, "init", "--ci", "github", "--dir", "my migrations"}, "", empty).exit_code == 2);
  CHECK_FALSE(fs::exists(empty + "/.github"));
  CHECK_FALSE(fs::exists(empty + "/.pgsafe.toml"));
}

TEST_CASE("ci action: the install step takes a release tarball only when it matches SHA256SUMS, and reuses it", "[ci]") {
  const std::string version = PGSAFE_VERSION;
  std::string release = temp_dir("release") + "/v" + version;
  std::string stage = temp_dir("stage");
  std::string root = stage + "/pgsafe-" + version;
  fs::create_directories(root + "/bin");
  fs::path bin = fs::path(PGSAFE_BINARY).parent_path();
  fs::copy_file(bin / "pgsafe", root + "/bin/pgsafe");
  fs::copy_file(bin / "pgsafe-apply", root + "/bin/pgsafe-apply");
  fs::create_directories(release);
  std::string tarball = "pgsafe-" + version + "-linux-x86_64.tar.gz";
  REQUIRE(run_command({"tar", "-czf", release + "/" + tarball, "-C", stage, "pgsafe-" + version}).exit_code == 0);
  ProcessResult sum = run_command({"sha256sum", tarball}, "", release);
  REQUIRE(sum.exit_code == 0);
  write_file(release + "/SHA256SUMS", sum.out);

  auto run_install = [&](const std::string& step, const std::string& cache, const std::string& out_file,
                         std::map<std::string, std::string> env) {
    std::vector<std::string> argv{"env", "RUNNER_TOOL_CACHE=" + cache, "GITHUB_OUTPUT=" + out_file,
                                  "GITHUB_PATH=" + out_file + ".path", "RUNNER_OS=Linux", "RUNNER_ARCH=X64",
                                  "PGSAFE_RELEASE_BASE_URL=file://" + fs::path(release).parent_path().string()};
    for (const auto& [k, v] : env) argv.push_back(k + "=" + v);
    argv.push_back("bash");
    argv.push_back(source_dir() + "/action/install.sh");
    argv.push_back(step);
    return run_command(argv, "", source_dir(), 120);
  };

  std::string cache = temp_dir("toolcache");
  std::string out = cache + "/github_output";
  ProcessResult r = run_install("resolve", cache, out, {{"PGSAFE_VERSION", "v" + version}});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto kv = key_values(out);
  CHECK(kv["kind"] == "release");
  CHECK(kv["version"] == version);
  CHECK(kv["cache-key"] == "pgsafe-release-" + version + "-linux-x86_64");
  std::map<std::string, std::string> env{{"PGSAFE_KIND", kv["kind"]}, {"PGSAFE_DIR", kv["dir"]}, {"PGSAFE_RESOLVED_VERSION", version}};
  r = run_install("install", cache, out, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(read_file(out + ".path") == kv["dir"] + "/bin\n");
  CHECK(run_command({kv["dir"] + "/bin/pgsafe", "--version"}).out.find(version) != std::string::npos);
  // Installed (or restored by actions/cache): no download the second time.
  fs::rename(release + "/" + tarball, release + "/" + tarball + ".gone");
  r = run_install("install", cache, out, env);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("downloading") == std::string::npos);
  fs::rename(release + "/" + tarball + ".gone", release + "/" + tarball);

  // A tarball that does not match SHA256SUMS, or is not listed in it, is never installed.
  std::string cache2 = temp_dir("toolcache2");
  {
    std::ofstream f(release + "/" + tarball, std::ios::app | std::ios::binary);
    f << "tampered";
  }
  r = run_install("install", cache2, cache2 + "/out", {{"PGSAFE_KIND", "release"}, {"PGSAFE_DIR", cache2 + "/x"}, {"PGSAFE_RESOLVED_VERSION", version}});
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("does not match the release's SHA256SUMS") != std::string::npos);
  CHECK_FALSE(fs::exists(cache2 + "/x/bin/pgsafe"));
  write_file(release + "/SHA256SUMS", "0000000000000000000000000000000000000000000000000000000000000000  other.tar.gz\n");
  r = run_install("install", cache2, cache2 + "/out", {{"PGSAFE_KIND", "release"}, {"PGSAFE_DIR", cache2 + "/x"}, {"PGSAFE_RESOLVED_VERSION", version}});
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("does not list") != std::string::npos);

  // Any other ref builds from the action's own source, cached by the source's hash; a version
  // that is not a release is a usage error.
  std::string out3 = cache + "/out3";
  r = run_install("resolve", cache, out3, {{"PGSAFE_ACTION_REF", "main"}});
  REQUIRE(r.exit_code == 0);
  kv = key_values(out3);
  CHECK(kv["kind"] == "source");
  CHECK(std::regex_match(kv["cache-key"], std::regex("pgsafe-source-[0-9a-f]{16}-Linux-X64")));
  CHECK(run_install("resolve", cache, out3, {{"PGSAFE_VERSION", "latest"}}).exit_code == 2);
}

TEST_CASE("ci action: a file pgsafe cannot read never turns into a clean report", "[ci]") {
  std::string dir = temp_dir("action-unreadable");
  write_file(dir + "/m/001_a.sql", "CREATE TABLE t (id int);\n");
  write_file(dir + "/m/002_b.sql", "\xff\xfe not text\n");
  std::string bin = fs::path(PGSAFE_BINARY).parent_path().string();
  ProcessResult r = run_command({"env", "GITHUB_OUTPUT=" + dir + "/out", "GITHUB_STEP_SUMMARY=" + dir + "/summary",
                                 "INPUT_MIGRATIONS_DIR=m", "INPUT_SARIF_FILE=", "PATH=" + bin + ":" + std::getenv("PATH"),
                                 "bash", source_dir() + "/action/run.sh"},
                                "", dir, 120);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  auto kv = key_values(dir + "/out");
  CHECK(kv["exit-code"] == "2");
  CHECK(std::stoi(kv["findings"]) >= 1);  // so the pull request gets a comment about it
  std::string summary = read_file(dir + "/summary");
  CHECK(summary.starts_with("### ⛔ pgsafe could not check every file (exit 2)"));
  CHECK(summary.find("m/002_b.sql:1:1: not valid UTF-8") != std::string::npos);
}
