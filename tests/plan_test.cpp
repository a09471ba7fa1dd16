// `pgsafe plan` goldens: testdata/plan/<case>/*.sql planned as one set; text and JSON outputs
// compared with <case>.txt and <case>.json (PGSAFE_UPDATE_GOLDENS=1 rewrites them).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "analyzer/plan.h"
#include "analyzer/schema_dump.h"
#include "tests/support.h"

namespace fs = std::filesystem;

namespace pgsafe {
namespace {

MigrationSet set_from_dir(const fs::path& dir) {
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".sql") paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& p : paths) files.emplace_back(p.filename().string(), test::read_file(p.string()));
  return set_from_memory(files, Layout::Timestamp);
}

void check_golden(const fs::path& golden, const std::string& actual) {
  if (std::getenv("PGSAFE_UPDATE_GOLDENS")) {
    test::write_file(golden.string(), actual);
    return;
  }
  INFO("golden " << golden.string() << " (PGSAFE_UPDATE_GOLDENS=1 writes it)\nactual:\n" << actual);
  REQUIRE(fs::exists(golden));
  CHECK(test::read_file(golden.string()) == actual);
}

}  // namespace

TEST_CASE("plan goldens", "[plan]") {
  fs::path root = fs::path(test::source_dir()) / "testdata" / "plan";
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_directory()) cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  REQUIRE_FALSE(cases.empty());
  for (const auto& c : cases) {
    SECTION(c.filename().string()) {
      Plan plan = build_plan(set_from_dir(c));
      CHECK(plan.errors.empty());
      std::ostringstream text;
      write_plan_text(text, plan);
      check_golden(root / (c.filename().string() + ".txt"), text.str());
      check_golden(root / (c.filename().string() + ".json"), plan_to_json(plan).dump(2) + "\n");
    }
  }
}

TEST_CASE("plan: PostgreSQL 15 lock levels", "[plan]") {
  auto locks_of = [](const std::string& setup, const std::string& sql) {
    MigrationSet set;
    MigrationFile a, b;
    a.path = "20240101000000_a.sql";
    a.contents = setup;
    a.history_only = true;
    b.path = "20240102000000_b.sql";
    b.contents = sql;
    set.files = {a, b};
    order_set(set);
    Plan p = build_plan(set);
    std::string out;
    for (const auto& s : p.files.at(0).statements)
      for (const auto& l : s.locks) out += l.mode + " " + l.relation + ";";
    return out;
  };
  std::string t = "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int, p_id int); CREATE INDEX c_p ON c (p_id);";
  CHECK(locks_of(t, "ALTER TABLE c ADD FOREIGN KEY (p_id) REFERENCES p (id);") ==
        "SHARE ROW EXCLUSIVE public.c;SHARE ROW EXCLUSIVE public.p;");
  CHECK(locks_of(t, "CREATE INDEX ON c (id);") == "SHARE public.c;");
  CHECK(locks_of(t, "CREATE INDEX CONCURRENTLY ON c (id);") == "SHARE UPDATE EXCLUSIVE public.c;");
  CHECK(locks_of(t, "ALTER TABLE c VALIDATE CONSTRAINT x;") == "SHARE UPDATE EXCLUSIVE public.c;");
  CHECK(locks_of(t, "ALTER TABLE c ALTER COLUMN id SET STATISTICS 100;") == "SHARE UPDATE EXCLUSIVE public.c;");
  CHECK(locks_of(t, "ALTER TABLE c ADD COLUMN x int;") == "ACCESS EXCLUSIVE public.c;");
  CHECK(locks_of(t, "ALTER TABLE c ALTER COLUMN id SET NOT NULL;") == "ACCESS EXCLUSIVE public.c;");
  CHECK(locks_of(t, "CREATE TRIGGER tr BEFORE INSERT ON c FOR EACH ROW EXECUTE FUNCTION f();") == "SHARE ROW EXCLUSIVE public.c;");
  CHECK(locks_of(t, "ALTER TABLE c SET (fillfactor = 70);") == "SHARE UPDATE EXCLUSIVE public.c;");
  CHECK(locks_of(t, "DROP INDEX c_p;") == "ACCESS EXCLUSIVE public.c;ACCESS EXCLUSIVE public.c_p;");
  CHECK(locks_of(t, "ALTER INDEX c_p RENAME TO c_p2;") == "SHARE UPDATE EXCLUSIVE public.c_p;");
  CHECK(locks_of(t, "REFRESH MATERIALIZED VIEW CONCURRENTLY mv;") == "EXCLUSIVE public.mv;");
  CHECK(locks_of(t, "LOCK TABLE c IN SHARE MODE;") == "SHARE public.c;");
  CHECK(locks_of(t, "TRUNCATE c;") == "ACCESS EXCLUSIVE public.c;");
  CHECK(locks_of(t, "ALTER TABLE p ATTACH PARTITION c FOR VALUES IN (1);") ==
        "SHARE UPDATE EXCLUSIVE public.p;ACCESS EXCLUSIVE public.c;");
}

TEST_CASE("schema: JSON and SQL dumps of the end-of-set catalog", "[plan]") {
  MigrationSet set = set_from_dir(fs::path(test::source_dir()) / "testdata" / "plan" / "locks_and_changes");
  Plan plan = build_plan(set);
  nlohmann::json j = schema_to_json(plan.catalog);
  REQUIRE(j["tables"].size() == 1);
  CHECK(j["tables"][0]["name"] == "public.users");
  CHECK(j["tables"][0]["rls_enabled"] == true);
  CHECK(j["tables"][0]["columns"].size() == 3);
  CHECK(j["tables"][0]["columns"][2]["type"] == "bigint");
  CHECK(j["tables"][0]["policies"][0]["using"] == "id = 1");
  std::ostringstream sql;
  write_schema_sql(sql, plan.catalog);
  CHECK(sql.str().find("CREATE TABLE public.users (") != std::string::npos);
  CHECK(sql.str().find("CREATE INDEX users_email_lookup ON public.users (email);") != std::string::npos);
  CHECK(sql.str().find("CREATE POLICY own ON public.users FOR all TO PUBLIC USING (id = 1);") != std::string::npos);
}

}  // namespace pgsafe
