// Keeps rules, registry, fixtures and docs in step, and holds every rule's own examples to what
// they claim: the bad example triggers the rule, the good example does not.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "analyzer/registry.h"
#include "analyzer/rule.h"
#include "cli/commands.h"
#include "tests/support.h"

using namespace pgsafe;
using namespace pgsafe::test;
namespace fs = std::filesystem;

namespace {

std::string underscored(std::string_view id) {
  std::string s(id);
  for (auto& c : s)
    if (c == '-') c = '_';
  return s;
}

// Rule examples follow the fixture conventions, plus a way to show several files:
//   -- filename: <path>            the name of the (single) file
//   -- <path>.sql [anything]       starts a new file of that name
//   -- .pgsafe.toml: <toml>        configuration for the example
//   -- <path>.sql (on main) ...    a file the default branch (main) already has
struct Example {
  std::vector<std::pair<std::string, std::string>> files;
  std::set<std::string> on_main;
  std::string config;
};

Example parse_example(std::string_view text, const std::string& default_name) {
  Example ex;
  std::istringstream in{std::string(text)};
  std::string name = default_name, body;
  bool named_by_marker = false;
  auto flush = [&] {
    if (!body.empty() || named_by_marker) ex.files.emplace_back(name, body);
    body.clear();
  };
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    static const std::regex file_marker(R"(^--\s+(\S+\.sql)\b.*$)");
    static const std::regex filename(R"(^--\s*filename:\s*(.+?)\s*$)");
    static const std::regex config(R"(^--\s*\.pgsafe\.toml:\s*(.*)$)");
    if (std::regex_match(line, m, filename)) {
      name = m[1];
      continue;
    }
    if (std::regex_match(line, m, config)) {
      std::string toml = m[1];
      // "[rules.x] key = value" on one line: a table header and its first key.
      std::smatch t;
      static const std::regex header(R"(^(\[[^\]]+\])\s*(.*)$)");
      if (std::regex_match(toml, t, header)) toml = std::string(t[1]) + "\n" + std::string(t[2]);
      ex.config += toml + "\n";
      continue;
    }
    if (std::regex_match(line, m, file_marker)) {
      flush();
      name = m[1];
      if (line.find("(on main") != std::string::npos) ex.on_main.insert(name);
      named_by_marker = true;
      continue;
    }
    body += line + "\n";
  }
  flush();
  if (ex.files.empty()) ex.files.emplace_back(name, "");
  return ex;
}

size_t findings_of(const RuleMeta& meta, const Example& ex, const std::string& extra_config) {
  LintOptions opts;
  opts.select = {std::string(meta.id)};
  // Rules named by ignore comments in the example run too (unused-ignore judges only those).
  static const std::regex ignore(R"(pgsafe-ignore(?:-file)?\s+([a-z0-9, -]+):)");
  for (const auto& [name, text] : ex.files)
    for (std::sregex_iterator it(text.begin(), text.end(), ignore), end; it != end; ++it) {
      std::istringstream ids((*it)[1].str());
      for (std::string id; std::getline(ids, id, ',');) {
        id.erase(0, id.find_first_not_of(' '));
        id.erase(id.find_last_not_of(' ') + 1);
        if (find_rule(id)) opts.select.push_back(id);
      }
    }
  opts.jobs = 1;
  std::string cfg = ex.config.empty() ? extra_config : ex.config;
  if (!cfg.empty()) {
    std::vector<ConfigError> errors;
    INFO("example config:\n" << cfg);
    REQUIRE(load_config_text(cfg, "example.toml", opts.config, errors));
  }
  MigrationSet set = set_from_memory(ex.files, opts.config.layout);
  for (auto& f : set.files)
    if (ex.on_main.count(f.path)) {
      f.committed = true;
      set.committed_source = CommittedSource::DefaultBranch;
      set.committed_where = "main";
    }
  LintResult r = lint(set, opts);
  INFO(golden_lines(r));
  size_t n = 0;
  for (const auto& d : r.diagnostics)
    if (d.rule == meta.id && !d.suppression) ++n;
  return n;
}

}  // namespace

TEST_CASE("rule ids are unique kebab-case and match their rules.def symbol", "[meta]") {
  std::set<std::string> ids;
  static const std::regex kebab("^[a-z][a-z0-9]*(-[a-z0-9]+)*$");
  for (const RuleDef* def : all_rules()) {
    const RuleMeta& m = meta_of(*def);
    INFO(m.id);
    CHECK(std::regex_match(std::string(m.id), kebab));
    CHECK(ids.insert(std::string(m.id)).second);
    CHECK(std::string(symbol_of(*def)) == underscored(m.id));
    CHECK(!m.summary.empty());
    CHECK(!m.rationale.empty());
    CHECK(!m.help.empty());
    CHECK(!m.bad_example.empty());
    CHECK(!m.good_example.empty());
    CHECK(!m.category.empty());
    CHECK(m.default_severity != Severity::Off);
  }
  CHECK(ids.size() >= 2);
}

TEST_CASE("every rule file is registered and every registered rule has its file", "[meta]") {
  std::set<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(source_dir()) / "rules")) {
    if (e.path().extension() != ".cpp") continue;
    if (e.path().filename() == "registry.cpp") continue;
    if (e.path().parent_path().filename() == "support") continue;
    files.insert(e.path().stem().string());
  }
  std::set<std::string> registered;
  for (const RuleDef* def : all_rules()) registered.insert(symbol_of(*def));
  for (const auto& f : files) {
    INFO("rules/**/" << f << ".cpp is not in rules/rules.def");
    CHECK(registered.count(f));
  }
  for (const auto& r : registered) {
    INFO("rule " << r << " has no rules/<category>/" << r << ".cpp");
    CHECK(files.count(r));
  }
}

TEST_CASE("every rule has bad and good fixtures, and every fixture folder names a rule", "[meta]") {
  fs::path root = fs::path(source_dir()) / "testdata" / "rules";
  for (const RuleDef* def : all_rules()) {
    std::string id(meta_of(*def).id);
    INFO("testdata/rules/" << id);
    bool bad = false, good = false;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root / id, ec)) {
      std::string n = e.path().filename().string();
      bad = bad || n.rfind("bad_", 0) == 0;
      good = good || n.rfind("good_", 0) == 0;
    }
    CHECK(bad);
    CHECK(good);
  }
  for (const auto& e : fs::directory_iterator(root)) {
    INFO("fixture folder " << e.path().filename().string() << " names no registered rule");
    CHECK(find_rule(e.path().filename().string()) != nullptr);
  }
}

TEST_CASE("rule docs regenerate without a diff", "[meta]") {
  std::ostringstream out, err;
  int code = cli::run_docs((fs::path(source_dir()) / "docs" / "rules").string(), true, out, err);
  INFO(err.str() << "run `pgsafe docs --out docs/rules` and commit the result");
  CHECK(code == 0);
}

TEST_CASE("every rule's bad example triggers it and its good example does not", "[meta]") {
  for (const RuleDef* def : all_rules()) {
    const RuleMeta& m = meta_of(*def);
    std::string default_name = "migrations/20240101000000_example.sql";
    Example bad = parse_example(m.bad_example, default_name);
    Example good = parse_example(m.good_example, default_name);
    INFO("rule " << m.id << " bad example:\n" << m.bad_example);
    CHECK(findings_of(m, bad, "") > 0);
    INFO("good example:\n" << m.good_example);
    CHECK(findings_of(m, good, bad.config) == 0);
  }
}
