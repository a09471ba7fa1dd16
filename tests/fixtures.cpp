// The fixture runner. A fixture is a .sql file (or a folder of them, for multi-file sets) whose
// leading comment lines state what pgsafe must report:
//   -- expect: <rule-id>          one line per expected active finding (order free, count matters)
//   -- expect: none               no active finding at all
//   -- filename: <name>           the path the engine sees (for naming rules and layouts)
//   -- select: <id>[, <id>]       rules to run (default: the folder's rule; sets: all default rules)
//   -- config: <toml line>        lines of a .pgsafe.toml for this fixture
//   -- committed: <branch>        the default branch has this file (as the CLI finds with git)
//   -- applied: <database>        that database applied it (as `lint --db` marks it: history)
// Bad fixtures have a golden `<fixture>.expected` beside them (PGSAFE_UPDATE_GOLDENS=1 rewrites it).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "analyzer/registry.h"
#include "tests/fixtures.h"
#include "tests/support.h"

namespace fs = std::filesystem;

namespace pgsafe::test {

namespace {

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

FixtureFile read_fixture_file(const fs::path& p, const fs::path& base, Fixture& fx) {
  FixtureFile f;
  f.contents = read_file(p.string());
  f.engine_path = fs::relative(p, base).generic_string();
  std::istringstream in(f.contents);
  for (std::string line; std::getline(in, line);) {
    std::string t = trim(line);
    if (t.empty()) continue;
    if (t.rfind("--", 0) != 0) break;
    t = trim(t.substr(2));
    auto value = [&](const char* key) -> std::optional<std::string> {
      std::string k = std::string(key) + ":";
      if (t.rfind(k, 0) == 0) return trim(t.substr(k.size()));
      return std::nullopt;
    };
    if (auto v = value("expect")) {
      if (*v == "none") f.expect_none = true;
      else f.expect.push_back(*v);
    } else if (auto v2 = value("filename")) {
      f.engine_path = *v2;
    } else if (auto v3 = value("select")) {
      std::string item;
      std::istringstream ss(*v3);
      while (std::getline(ss, item, ',')) fx.select.push_back(trim(item));
    } else if (auto v4 = value("config")) {
      fx.config += *v4 + "\n";
    } else if (auto v5 = value("committed")) {
      f.committed = *v5;
    } else if (auto v6 = value("applied")) {
      f.applied = *v6;
    }
  }
  return f;
}

Fixture load_fixture(const fs::path& p, const std::string& rule) {
  Fixture fx;
  fx.path = fs::relative(p, source_dir()).generic_string();
  fx.rule = rule;
  fx.bad = p.filename().string().rfind("bad_", 0) == 0;
  if (fs::is_directory(p)) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(p))
      if (e.is_regular_file() && e.path().extension() == ".sql") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) fx.files.push_back(read_fixture_file(f, p, fx));
  } else {
    fx.files.push_back(read_fixture_file(p, p.parent_path(), fx));
  }
  return fx;
}

void run_fixture(const Fixture& fx) {
  LintOptions opts;
  std::string config_error;
  bool ok = fixture_options(fx, opts, config_error);
  INFO("config lines of " << fx.path << ": " << config_error);
  REQUIRE(ok);
  MigrationSet set = fixture_set(fx, opts.config.layout);
  LintResult r = lint(set, opts);
  std::string actual = golden_lines(r);
  INFO("fixture " << fx.path << " produced:\n" << actual);
  CHECK(r.errors.empty());

  for (const auto& f : fx.files) {
    std::vector<std::string> got;
    for (const auto& d : r.diagnostics)
      if (d.file == f.engine_path && !d.suppression) got.push_back(d.rule);
    std::vector<std::string> want = f.expect;
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    INFO("file " << f.engine_path);
    // Every fixture file states its expectations; silence is not an expectation.
    CHECK((f.expect_none || !f.expect.empty() || fx.files.size() > 1));
    CHECK(got == want);
    if (f.expect_none) CHECK(got.empty());
  }
  if (fx.bad) {
    size_t expected = 0;
    for (const auto& f : fx.files) expected += f.expect.size();
    CHECK(expected > 0);  // a bad fixture must demonstrate at least one finding
  } else {
    for (const auto& d : r.diagnostics)
      if (!d.suppression && (fx.rule.empty() || d.rule == fx.rule)) {
        size_t expected = 0;
        for (const auto& f : fx.files) expected += f.expect.size();
        CHECK(expected > 0);
      }
  }
  // Ranges are well formed and inside the file.
  for (const auto& d : r.diagnostics) {
    CHECK(d.range.start.line >= 1);
    CHECK(d.range.start.column >= 1);
    CHECK(d.range.start.offset <= d.range.end.offset);
    CHECK(!d.message.empty());
  }
  if (fx.bad || !actual.empty()) {
    fs::path golden = fs::path(source_dir()) / (fx.path.substr(0, fx.path.size() - (fs::path(fx.path).extension().string().size())) + ".expected");
    if (std::getenv("PGSAFE_UPDATE_GOLDENS")) {
      write_file(golden.string(), actual);
    } else {
      std::error_code ec;
      INFO("golden " << golden.string() << " (PGSAFE_UPDATE_GOLDENS=1 writes it)");
      REQUIRE(fs::exists(golden, ec));
      CHECK(read_file(golden.string()) == actual);
    }
  }
}

struct FixtureInvoker : Catch::ITestInvoker {
  Fixture fx;
  explicit FixtureInvoker(Fixture f) : fx(std::move(f)) {}
  void invoke() const override { run_fixture(fx); }
};

// Catch2 keeps references to names and tags: they must live as long as the process.
std::vector<std::unique_ptr<std::string>>& names() {
  static std::vector<std::unique_ptr<std::string>> n;
  return n;
}

void add(Fixture fx, const std::string& tags) {
  names().push_back(std::make_unique<std::string>("fixture: " + fx.path));
  const std::string& name = *names().back();
  names().push_back(std::make_unique<std::string>(tags));
  const std::string& tag = *names().back();
  static std::vector<std::unique_ptr<Catch::AutoReg>> regs;
  regs.push_back(std::make_unique<Catch::AutoReg>(new FixtureInvoker(std::move(fx)),
                                                  Catch::SourceLineInfo(__FILE__, __LINE__), Catch::StringRef(),
                                                  Catch::NameAndTags{name, tag}));
}

}  // namespace

bool fixture_options(const Fixture& fx, LintOptions& opts, std::string& error) {
  if (!fx.config.empty()) {
    std::vector<ConfigError> errors;
    if (!load_config_text(fx.config, fx.path + " (config lines)", opts.config, errors)) {
      for (const auto& e : errors) error += std::to_string(e.line) + ":" + std::to_string(e.column) + " " + e.message + "; ";
      return false;
    }
  }
  if (!fx.select.empty()) opts.select = fx.select;
  else if (!fx.rule.empty()) opts.select = {fx.rule};
  opts.jobs = 1;
  return true;
}

std::vector<std::pair<std::string, std::string>> fixture_inputs(const Fixture& fx) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& f : fx.files) files.emplace_back(f.engine_path, f.contents);
  return files;
}

MigrationSet fixture_set(const Fixture& fx, Layout layout) {
  MigrationSet set = set_from_memory(fixture_inputs(fx), layout);
  for (const auto& ff : fx.files)
    for (auto& f : set.files) {
      if (f.path != ff.engine_path) continue;
      if (!ff.committed.empty()) {
        f.committed = true;
        set.committed_source = CommittedSource::DefaultBranch;
        set.committed_where = ff.committed;
      }
      if (!ff.applied.empty()) {
        f.committed = f.history_only = true;
        set.committed_source = CommittedSource::Database;
        set.committed_where = ff.applied;
      }
    }
  return set;
}

std::vector<Fixture> all_fixtures() {
  std::vector<Fixture> out;
  fs::path rules = fs::path(source_dir()) / "testdata" / "rules";
  std::error_code ec;
  std::vector<fs::path> entries;
  if (fs::is_directory(rules, ec))
    for (const auto& dir : fs::directory_iterator(rules))
      if (dir.is_directory())
        for (const auto& e : fs::directory_iterator(dir.path())) {
          std::string n = e.path().filename().string();
          bool fixture = (n.rfind("bad_", 0) == 0 || n.rfind("good_", 0) == 0) &&
                         (e.is_directory() || e.path().extension() == ".sql");
          if (fixture) entries.push_back(e.path());
        }
  std::sort(entries.begin(), entries.end());
  for (const auto& p : entries) out.push_back(load_fixture(p, p.parent_path().filename().string()));
  fs::path sets = fs::path(source_dir()) / "testdata" / "sets";
  std::vector<fs::path> set_dirs;
  if (fs::is_directory(sets, ec))
    for (const auto& e : fs::directory_iterator(sets))
      if (e.is_directory()) set_dirs.push_back(e.path());
  std::sort(set_dirs.begin(), set_dirs.end());
  for (const auto& p : set_dirs) {
    Fixture fx = load_fixture(p, "");
    fx.bad = true;  // sets always carry a golden
    out.push_back(std::move(fx));
  }
  return out;
}

void register_fixture_tests() {
  for (auto& fx : all_fixtures()) {
    std::string tags = fx.rule.empty() ? "[fixture][set]" : "[fixture]";
    add(std::move(fx), tags);
  }
}

}  // namespace pgsafe::test
