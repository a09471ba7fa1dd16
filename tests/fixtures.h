#pragma once
// Fixtures: testdata/rules/<id>/{bad_,good_}* and testdata/sets/<name>/ (see fixtures.cpp for the
// directives). The runner registers one Catch2 test case per fixture; other tests (fix round
// trips) reuse the loader.
#include <string>
#include <utility>
#include <vector>

#include "analyzer/engine.h"

namespace pgsafe::test {

struct FixtureFile {
  std::string engine_path;     // what the engine sees
  std::string contents;
  std::vector<std::string> expect;
  bool expect_none = false;
  std::string committed;       // `-- committed: <branch>`: the default branch has it
  std::string applied;         // `-- applied: <database>`: that database applied it (lint --db)
};

struct Fixture {
  std::string path;            // the fixture (file or folder), repository-relative
  std::string rule;            // folder rule id, "" for sets
  bool bad = false;
  std::vector<FixtureFile> files;
  std::vector<std::string> select;
  std::string config;
};

std::vector<Fixture> all_fixtures();
// The options a fixture runs with (its config lines and rule selection); false on a bad config.
bool fixture_options(const Fixture& fx, LintOptions& opts, std::string& error);
std::vector<std::pair<std::string, std::string>> fixture_inputs(const Fixture& fx);
// The fixture's files as the CLI would hand them to the engine: committed and applied files marked.
MigrationSet fixture_set(const Fixture& fx, Layout layout);

void register_fixture_tests();

}  // namespace pgsafe::test
