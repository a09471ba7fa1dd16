// `pgsafe lint --report FORMAT=PATH`: several reports from one run, each written whole to its file,
// while --format still goes to stdout; and the refusals (exit 2, naming the path).
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support.h"

namespace fs = std::filesystem;
using namespace pgsafe::test;

namespace {

std::string project() {
  std::string dir = temp_dir("report-files");
  write_file(dir + "/migrations/20240101000000_init.sql",
             "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE old_a (id bigint);\n");
  write_file(dir + "/migrations/20240102000000_cleanup.sql",
             "-- pgsafe-ignore ban-drop-table: empty since v2\nDROP TABLE old_a;\nDROP TABLE users;\n");
  fs::create_directories(dir + "/out");
  return dir;
}

ProcessResult lint(const std::string& dir, std::vector<std::string> extra) {
  std::vector<std::string> args{"lint", "--select", "ban-drop-table"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back("migrations");
  return run_pgsafe(args, "", dir);
}

}  // namespace

TEST_CASE("--report writes several reports in one run, each as --format would print it", "[report-files][cli]") {
  std::string dir = project();
  // Markdown links would come from GitHub Actions' variables; the comparison needs the same in both runs.
  ScopedEnv server("GITHUB_SERVER_URL", std::nullopt), repo("GITHUB_REPOSITORY", std::nullopt),
      sha("GITHUB_SHA", std::nullopt);
  // A longer file already there is replaced whole, not overwritten in part.
  write_file(dir + "/out/summary.md", std::string(100000, 'x'));
  const std::vector<std::pair<std::string, std::string>> reports{
      {"sarif", "out/pgsafe.sarif"}, {"markdown", "out/summary.md"}, {"json", "out/pgsafe.json"},
      {"gitlab", "out/gl-code-quality.json"}, {"text", "out/pgsafe.txt"}, {"concise", "out/concise.txt"},
      {"github", "out/annotations.txt"}};
  std::vector<std::string> args{"--format", "github"};
  for (const auto& [format, path] : reports) {
    args.push_back("--report");
    args.push_back(format + "=" + path);
  }
  ProcessResult all = lint(dir, args);
  INFO(all.err);
  CHECK(all.exit_code == 1);
  CHECK(all.out == lint(dir, {"--format", "github"}).out);
  for (const auto& [format, path] : reports) {
    INFO("--report " << format << "=" << path);
    REQUIRE(fs::exists(dir + "/" + path));
    ProcessResult alone = lint(dir, {"--format", format});
    CHECK(read_file(dir + "/" + path) == alone.out);
  }
  CHECK(read_file(dir + "/out/pgsafe.txt").find('\x1b') == std::string::npos);
  CHECK(read_file(dir + "/out/summary.md").find("| `public.users` | drop | ACCESS EXCLUSIVE |") != std::string::npos);

  // With colour forced on stdout, a text report file still has none.
  ProcessResult coloured = lint(dir, {"--color", "always", "--report", "text=out/plain.txt"});
  CHECK(coloured.out.find('\x1b') != std::string::npos);
  CHECK(read_file(dir + "/out/plain.txt") == lint(dir, {}).out);

  // Without findings the files are written too.
  ProcessResult clean = run_pgsafe({"lint", "--select", "ban-drop-table", "--report", "markdown=out/clean.md", "--report", "gitlab=out/clean.json",
                                    "migrations/20240101000000_init.sql"},
                                   "", dir);
  CHECK(clean.exit_code == 0);
  CHECK(read_file(dir + "/out/clean.md").find("**No findings.**") != std::string::npos);
  CHECK(read_file(dir + "/out/clean.json") == "[]\n");
}

TEST_CASE("--report refuses bad values before linting, and says which path could not be written", "[report-files][cli]") {
  std::string dir = project();
  auto refused = [&](std::vector<std::string> args, const std::string& message) {
    ProcessResult r = lint(dir, args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(message) != std::string::npos);
    return r;
  };
  ProcessResult unknown = refused({"--report", "yaml=out/a.yaml"}, "--report yaml=out/a.yaml: unknown format 'yaml' (text, concise, json, sarif, github, markdown, gitlab)");
  CHECK(unknown.out.empty());  // nothing linted
  refused({"--report", "sarif"}, "--report 'sarif' must be FORMAT=PATH");
  refused({"--report", "=out/a.json"}, "must be FORMAT=PATH");
  refused({"--report", "json="}, "must be FORMAT=PATH");
  refused({"--report", "json=-"}, "reports go to files");
  ProcessResult twice = refused({"--report", "json=out/r.json", "--report", "sarif=out/../out/./r.json"},
                                "out/../out/./r.json: named by two reports (--report json=out/r.json and --report "
                                "sarif=out/../out/./r.json)");
  CHECK(twice.out.empty());
  CHECK_FALSE(fs::exists(dir + "/out/r.json"));
  refused({"--report", "json=no/such/folder/r.json"}, "no/such/folder/r.json: cannot write the json report: no folder");
  refused({"--report", "json=out"}, "out: cannot write the json report: it is a directory");
  refused({"--report", "json=out/r.json", "--diff"}, "--report writes lint reports, and --diff reports none");
  refused({"--report", "json=out/r.json", "--write-baseline", "out/b.json"}, "and --write-baseline reports none");

  // A report never replaces one of pgsafe's inputs, and the migration is left as it was.
  for (const auto& e : fs::directory_iterator(dir + "/migrations")) {
    std::string before = read_file(e.path().string());
    refused({"--report", "json=" + e.path().string()}, "one of pgsafe's inputs");
    CHECK(read_file(e.path().string()) == before);
    break;
  }

  // A report path that is a symbolic link (/dev/stdout is one) is written through, never
  // replaced by a regular file.
  fs::create_directories(dir + "/out");
  fs::create_symlink(dir + "/out/target.json", dir + "/out/link.json");
  ProcessResult linked = lint(dir, {"--format", "concise", "--report", "json=out/link.json"});
  CHECK(linked.exit_code == 1);
  CHECK(fs::is_symlink(dir + "/out/link.json"));
  CHECK(read_file(dir + "/out/target.json").find("\"diagnostics\"") != std::string::npos);

  // A write that fails after linting: the stdout report is still printed, the exit code is 2.
  if (fs::exists("/dev/full")) {
    ProcessResult full = lint(dir, {"--format", "concise", "--report", "json=/dev/full", "--report", "sarif=out/ok.sarif"});
    INFO(full.err);
    CHECK(full.exit_code == 2);
    CHECK(full.err.find("pgsafe: error: /dev/full: cannot write the json report: ") != std::string::npos);
    CHECK(full.out.find("error[ban-drop-table]") != std::string::npos);
    CHECK(fs::exists(dir + "/out/ok.sarif"));
  }
}
