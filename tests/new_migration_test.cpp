// `pgsafe new`: names and versions in every layout (same second, clock behind the newest file,
// sequences), the files it writes (never replacing one, nothing left behind on failure), the
// template language of the patterns, and the pattern docs kept in step with the data files.
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "analyzer/migration_set.h"
#include "analyzer/new_migration.h"
#include "analyzer/pattern_template.h"
#include "analyzer/patterns.h"
#include "tests/support.h"

using namespace pgsafe;
using namespace pgsafe::test;
namespace fs = std::filesystem;

namespace {

constexpr std::time_t kNow = 1764072000;  // 2025-11-25 12:00:00 UTC

std::vector<MigrationFile> files_in(Layout layout, const std::vector<std::string>& paths) {
  std::vector<MigrationFile> out;
  for (const auto& p : paths) out.push_back(make_migration_file(p, layout));
  return out;
}

NewMigrationPlan plan_for(Layout layout, const std::vector<std::string>& existing, const std::string& description = "add due date",
                          std::vector<patterns::RenderedStep> steps = {}) {
  NewMigrationRequest r;
  r.description = description;
  r.dir = "m";
  r.layout = layout;
  r.existing = files_in(layout, existing);
  r.now = kNow;
  r.steps = std::move(steps);
  auto plan = plan_new_migration(r);
  REQUIRE(plan.errors.empty());
  return plan;
}

std::vector<std::string> paths_of(const NewMigrationPlan& p) {
  std::vector<std::string> out;
  for (const auto& f : p.files) out.push_back(f.path);
  return out;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    if (nl > start) out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("migration slugs", "[new]") {
  CHECK(migration_slug("Add customer VAT id!") == "add_customer_vat_id");
  CHECK(migration_slug("  --  ") == "");
  CHECK(migration_slug("rename users.name -> full_name") == "rename_users_name_full_name");
  CHECK(migration_slug(std::string(100, 'a')).size() == 60);
}

TEST_CASE("timestamp versions: now, or after the newest when the clock is behind or in the same second", "[new]") {
  CHECK(paths_of(plan_for(Layout::Timestamp, {"m/20240101000000_a.sql"})) ==
        std::vector<std::string>{"m/20251125120000_add_due_date.sql"});
  // The newest file is in the future (another machine's clock): one second after it.
  CHECK(paths_of(plan_for(Layout::Timestamp, {"m/20991231235959_a.sql"})) ==
        std::vector<std::string>{"m/21000101000000_add_due_date.sql"});
  // Two files in the same second: the second one's version is strictly after the first.
  auto first = plan_for(Layout::Timestamp, {});
  auto second = plan_for(Layout::Timestamp, paths_of(first), "second");
  CHECK(paths_of(second) == std::vector<std::string>{"m/20251125120001_second.sql"});
  // A set numbered by sequence, not time, goes on counting.
  CHECK(paths_of(plan_for(Layout::Timestamp, {"m/00000000000007_a.sql"}))[0] == "m/00000000000008_add_due_date.sql");
}

TEST_CASE("every layout: names that parse back, versions after every existing one", "[new]") {
  struct Case {
    Layout layout;
    std::vector<std::string> existing;
    std::vector<std::string> expected;  // with a two-step pattern (one down each)
  };
  std::vector<Case> cases = {
      {Layout::Timestamp, {"m/20240101000000_a.sql"},
       {"m/20251125120000_x_one.sql", "m/20251125120001_x_two.sql"}},
      {Layout::Prisma, {"m/20240101000000_a/migration.sql"},
       {"m/20251125120000_x_one/migration.sql", "m/20251125120001_x_two/migration.sql"}},
      {Layout::Diesel, {"m/2099-01-15-123456-0000_a/up.sql"},
       {"m/2099-01-15-123457-0000_x_one/up.sql", "m/2099-01-15-123457-0000_x_one/down.sql",
        "m/2099-01-15-123458-0000_x_two/up.sql", "m/2099-01-15-123458-0000_x_two/down.sql"}},
      {Layout::Diesel, {"m/2024-01-01-000000_a/up.sql", "m/2024-01-01-000000_a/down.sql"},
       {"m/2025-11-25-120000_x_one/up.sql", "m/2025-11-25-120000_x_one/down.sql", "m/2025-11-25-120001_x_two/up.sql",
        "m/2025-11-25-120001_x_two/down.sql"}},
      {Layout::GolangMigrate, {"m/000041_a.up.sql", "m/000041_a.down.sql"},
       {"m/000042_x_one.up.sql", "m/000042_x_one.down.sql", "m/000043_x_two.up.sql", "m/000043_x_two.down.sql"}},
      {Layout::GolangMigrate, {"m/20240101000000_a.up.sql"},
       {"m/20251125120000_x_one.up.sql", "m/20251125120000_x_one.down.sql", "m/20251125120001_x_two.up.sql",
        "m/20251125120001_x_two.down.sql"}},
      {Layout::Flyway, {"m/V1__a.sql", "m/V1.9__b.sql", "m/R__views.sql"}, {"m/V1.10__x_one.sql", "m/V1.11__x_two.sql"}},
      {Layout::Flyway, {"m/V9__a.sql"}, {"m/V10__x_one.sql", "m/V11__x_two.sql"}},
      {Layout::Flyway, {}, {"m/V1__x_one.sql", "m/V2__x_two.sql"}},
      {Layout::Drizzle, {"m/0000_a.sql", "m/0009_b.sql"}, {"m/0010_x_one.sql", "m/0011_x_two.sql"}},
  };
  std::vector<patterns::RenderedStep> steps = {{"one", false, "SELECT 1;\n", "SELECT 2;\n"},
                                               {"two", false, "SELECT 3;\n", "SELECT 4;\n"}};
  for (const auto& c : cases) {
    INFO(to_string(c.layout) << " after " << (c.existing.empty() ? "nothing" : c.existing.back()));
    auto plan = plan_for(c.layout, c.existing, "x", steps);
    CHECK(paths_of(plan) == c.expected);
    std::vector<std::string> all = c.existing;
    for (const auto& p : paths_of(plan)) all.push_back(p);
    if (!c.existing.empty()) CHECK(detect_layout(all) == c.layout);
    // Each new up file sorts after every existing version, in the order written.
    std::string previous;
    for (const auto& e : c.existing) {
      auto n = parse_name(e, c.layout);
      if (!n.version.empty() && (previous.empty() || compare_versions(n.version, previous) > 0)) previous = n.version;
    }
    for (const auto& f : plan.files) {
      auto n = parse_name(f.path, c.layout);
      CHECK(n.matches);
      if (n.direction != Direction::Up) continue;
      CHECK(compare_versions(n.version, previous) > 0);
      previous = n.version;
      CHECK(f.content.rfind("-- intent: x\n", 0) == 0);
    }
  }
}

TEST_CASE("no-transaction steps: one statement per file, marked", "[new]") {
  std::vector<patterns::RenderedStep> steps = {
      {"column", false, "ALTER TABLE t ADD COLUMN c int;\n", "ALTER TABLE t DROP COLUMN c;\n"},
      {"indexes", true, "-- first\nCREATE INDEX CONCURRENTLY a ON t (c);\n-- second\nCREATE INDEX CONCURRENTLY b ON t (c, id);\n",
       "DROP INDEX CONCURRENTLY a;\nDROP INDEX CONCURRENTLY b;\n"}};
  auto plan = plan_for(Layout::GolangMigrate, {"m/000001_a.up.sql"}, "idx", steps);
  REQUIRE(paths_of(plan) == std::vector<std::string>{"m/000002_idx_column.up.sql", "m/000002_idx_column.down.sql",
                                                      "m/000003_idx_indexes_1.up.sql", "m/000003_idx_indexes_1.down.sql",
                                                      "m/000004_idx_indexes_2.up.sql", "m/000004_idx_indexes_2.down.sql"});
  CHECK(plan.files[2].content.find("-- pgsafe:no-transaction\n") != std::string::npos);
  CHECK(plan.files[2].content.find("-- first\nCREATE INDEX CONCURRENTLY a ON t (c);") != std::string::npos);
  CHECK(plan.files[2].content.find("CREATE INDEX CONCURRENTLY b") == std::string::npos);
  CHECK(plan.files[3].content.find("DROP INDEX CONCURRENTLY a;") != std::string::npos);
  CHECK(plan.files[5].content.find("DROP INDEX CONCURRENTLY b;") != std::string::npos);
  CHECK(plan.files[0].content.find("-- 1 of 3: column") != std::string::npos);
  // Diesel: a migration that cannot run in a transaction says so in its metadata.toml.
  auto diesel = plan_for(Layout::Diesel, {"m/2024-01-01-000000_a/up.sql"}, "idx", steps);
  bool metadata = false;
  for (const auto& f : diesel.files)
    if (f.path.find("idx_indexes_1/metadata.toml") != std::string::npos)
      metadata = f.content.find("run_in_transaction = false") != std::string::npos;
  CHECK(metadata);
}

TEST_CASE("Drizzle: the new files join meta/_journal.json; dbmate files get their markers", "[new]") {
  std::string dir = temp_dir("new-drizzle");
  fs::create_directories(dir + "/meta");
  write_file(dir + "/0000_init.sql", "CREATE TABLE a (id bigint);\n");
  write_file(dir + "/meta/_journal.json",
             R"({"version":"7","dialect":"postgresql","entries":[{"idx":0,"version":"7","when":1900000000000,"tag":"0000_init","breakpoints":true}]})");
  NewMigrationRequest r;
  r.description = "add b";
  r.dir = dir;
  r.layout = Layout::Drizzle;
  r.existing = files_in(Layout::Drizzle, {dir + "/0000_init.sql"});
  r.now = kNow;
  auto plan = plan_new_migration(r);
  REQUIRE(plan.errors.empty());
  std::string error;
  REQUIRE(write_new_migration(plan, error));
  auto j = nlohmann::json::parse(read_file(dir + "/meta/_journal.json"));
  REQUIRE(j["entries"].size() == 2);
  CHECK(j["entries"][1]["tag"] == "0001_add_b");
  CHECK(j["entries"][1]["idx"] == 1);
  CHECK(j["entries"][1]["when"].get<long long>() == 1900000000001);  // after the newest, not the clock
  CHECK(j["dialect"] == "postgresql");                                 // the rest is kept
  CHECK(fs::exists(dir + "/0001_add_b.sql"));

  NewMigrationRequest d;
  d.description = "concurrent";
  d.dir = "db/migrations";
  d.layout = Layout::Timestamp;
  d.dbmate = true;
  d.now = kNow;
  d.steps = {{"", true, "CREATE INDEX CONCURRENTLY i ON t (c);\n", ""}};
  auto dp = plan_new_migration(d);
  REQUIRE(dp.files.size() == 1);
  CHECK(dp.files[0].content.find("-- migrate:up transaction:false\n") != std::string::npos);
  CHECK(dp.files[0].content.find("\n-- migrate:down\n") != std::string::npos);
}

TEST_CASE("writing: never replaces a file, leaves nothing behind when one cannot be written", "[new]") {
  std::string dir = temp_dir("new-write");
  NewMigrationPlan plan;
  plan.files = {{dir + "/a/1_x/up.sql", "SELECT 1;\n"}, {dir + "/b.sql", "SELECT 2;\n"}};
  write_file(dir + "/b.sql", "keep me\n");
  std::string error;
  CHECK_FALSE(write_new_migration(plan, error));
  CHECK(error.find("already exists") != std::string::npos);
  CHECK(read_file(dir + "/b.sql") == "keep me\n");
  CHECK_FALSE(fs::exists(dir + "/a"));  // the folders made for the first file are gone again
}

TEST_CASE("pgsafe new from the command line", "[new][cli]") {
  std::string root = temp_dir("new-cli");
  fs::create_directories(root + "/supabase/migrations");
  write_file(root + "/supabase/migrations/20240101000000_base.sql",
             "-- intent: base\nCREATE TABLE public.customers (id uuid PRIMARY KEY DEFAULT gen_random_uuid());\n"
             "ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY;\n"
             "CREATE POLICY customers_self ON public.customers FOR SELECT TO authenticated USING (id = (select auth.uid()));\n");
  // The folder is found by convention; two files in a row get increasing versions.
  auto one = run_pgsafe({"new", "first change"}, "", root);
  auto two = run_pgsafe({"new", "second change"}, "", root);
  REQUIRE(one.exit_code == 0);
  REQUIRE(two.exit_code == 0);
  auto p1 = lines(one.out), p2 = lines(two.out);
  REQUIRE(p1.size() == 1);
  REQUIRE(p2.size() == 1);
  CHECK(p1[0].rfind("supabase/migrations/", 0) == 0);
  CHECK(compare_versions(parse_name(p2[0], Layout::Timestamp).version, parse_name(p1[0], Layout::Timestamp).version) > 0);
  CHECK(read_file(root + "/" + p1[0]) == "-- intent: first change\n\n");
  // The intent line is what require-intent checks.
  auto lint = run_pgsafe({"lint", "--select", "require-intent", p1[0]}, "", root);
  CHECK(lint.exit_code == 0);

  // A pattern, dry run: printed, nothing written.
  auto dry = run_pgsafe({"new", "orders", "--pattern", "table", "--table", "orders", "--dry-run"}, "", root);
  REQUIRE(dry.exit_code == 0);
  CHECK(dry.out.find("CREATE TABLE public.orders") != std::string::npos);
  CHECK(dry.out.find("id uuid PRIMARY KEY") != std::string::npos);  // the project's key type
  CHECK(dry.out.find("ENABLE ROW LEVEL SECURITY") != std::string::npos);  // Supabase: exposed
  CHECK(fs::directory_iterator(root + "/supabase/migrations") != fs::directory_iterator());
  size_t count = 0;
  for (const auto& e : fs::directory_iterator(root + "/supabase/migrations")) count += e.is_regular_file();
  CHECK(count == 3);

  // Mistakes are refused with the reason, exit 2, nothing written.
  auto unknown = run_pgsafe({"new", "x", "--pattern", "tabel"}, "", root);
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("did you mean 'table'") != std::string::npos);
  auto no_table = run_pgsafe({"new", "x", "--pattern", "foreign-key", "--table", "ordres", "--references", "customers"}, "", root);
  CHECK(no_table.exit_code == 2);
  CHECK(no_table.err.find("no such table") != std::string::npos);
  auto loose = run_pgsafe({"new", "x", "--table", "customers"}, "", root);
  CHECK(loose.exit_code == 2);
  CHECK(loose.err.find("give --pattern too") != std::string::npos);
  auto two_lines = run_pgsafe({"new", "x\nDROP TABLE customers;"}, "", root);
  CHECK(two_lines.exit_code == 2);
  auto bad_name = run_pgsafe({"new", "x", "--pattern", "table", "--table", "a.b.c"}, "", root);
  CHECK(bad_name.exit_code == 2);
  CHECK(bad_name.err.find("not a table name") != std::string::npos);
  count = 0;
  for (const auto& e : fs::directory_iterator(root + "/supabase/migrations")) count += e.is_regular_file();
  CHECK(count == 3);
  // Values that would smuggle SQL, and requests PostgreSQL would refuse, are refused here.
  write_file(root + "/supabase/migrations/20240102000000_orders.sql",
             "-- intent: orders\nCREATE TABLE public.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text);\n"
             "ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY;\n"
             "CREATE TYPE public.order_status AS ENUM ('new', 'paid');\n");
  struct Refusal {
    std::vector<std::string> args;
    const char* says;
  };
  const Refusal refusals[] = {
      {{"--pattern", "not-null-column", "--table", "orders", "--column", "c", "--type", "text --", "--default", "'a'"},
       "no ';' or comments"},
      {{"--pattern", "not-null-column", "--table", "orders", "--column", "c", "--type", "text", "--backfill", "'$pgsafe$'"},
       "$pgsafe$"},
      {{"--pattern", "foreign-key", "--table", "orders", "--references", "orders", "--references-column", "note"},
       "is not a key of orders"},
      {{"--pattern", "enum-value", "--type", "order_status", "--value", "x", "--before", "new", "--after", "paid"},
       "not both"},
      {{"--pattern", "table", "--table", "a;drop table orders"}, "not a table name"},
      {{"--pattern", "rls-owner", "--table", "orders", "--column", "id"}, "must be uuid"},
      {{"--pattern", "timestamps", "--table", "orders", "--column", "x y"}, "not a name"},
  };
  for (const auto& r : refusals) {
    std::vector<std::string> args{"new", "x"};
    args.insert(args.end(), r.args.begin(), r.args.end());
    auto out = run_pgsafe(args, "", root);
    INFO(r.args[1] << ": " << out.err);
    CHECK(out.exit_code == 2);
    CHECK(out.err.find(r.says) != std::string::npos);
  }
  // Long names keep their suffix when cut to 63 bytes.
  std::string long_table(60, 'l');
  write_file(root + "/supabase/migrations/20240103000000_long.sql",
             "-- intent: long\nCREATE TABLE public." + long_table + " (id bigint PRIMARY KEY, customer_id uuid);\n"
             "ALTER TABLE public." + long_table + " ENABLE ROW LEVEL SECURITY;\n");
  auto fk = run_pgsafe({"new", "x", "--pattern", "foreign-key", "--table", long_table, "--references", "customers",
                        "--column", "buyer_id", "--dry-run"}, "", root);
  REQUIRE(fk.exit_code == 0);
  // As PostgreSQL shortens the names it makes: the table part gives way, the column and suffix stay.
  CHECK(fk.out.find(" " + std::string(50, 'l') + "_buyer_id_idx ON") != std::string::npos);
  CHECK(fk.out.find(" " + std::string(49, 'l') + "_buyer_id_fkey FOREIGN KEY") != std::string::npos);

  // No migrations folder anywhere: said so.
  auto nowhere = run_pgsafe({"new", "x"}, "", temp_dir("new-nowhere"));
  CHECK(nowhere.exit_code == 2);
  CHECK(nowhere.err.find("no migrations folder") != std::string::npos);
}

TEST_CASE("pattern templates", "[new][template]") {
  using patterns::render_template;
  nlohmann::json ctx = {{"t", {{"sql", "public.t"}, {"rls", true}}}, {"cols", {"a", "b"}}, {"none", ""}};
  CHECK(render_template("x {{t}} y", ctx) == "x public.t y");
  CHECK(render_template("{{#if t.rls}}on{{else}}off{{/if}}", ctx) == "on");
  CHECK(render_template("{{#unless none}}empty{{/unless}}", ctx) == "empty");
  CHECK(render_template("{{#each cols}}{{.}}{{#unless @last}}, {{/unless}}{{/each}}", ctx) == "a, b");
  // A block tag alone on its line takes the line with it.
  CHECK(render_template("a\n{{#if t.rls}}\nb\n{{/if}}\nc\n", ctx) == "a\nb\nc\n");
  CHECK(render_template("{{> f}}!", ctx, {{"f", "[{{t}}]"}}) == "[public.t]!");
  // A field of an option that was not given is empty, not an error.
  CHECK(render_template("[{{none.bare}}]", ctx) == "[]");
  CHECK_THROWS_AS(render_template("{{missing}}", ctx), patterns::TemplateError);
  CHECK_THROWS_AS(render_template("{{#if t}}x", ctx), patterns::TemplateError);
  CHECK_THROWS_AS(render_template("{{#each t}}{{/each}}", ctx), patterns::TemplateError);
  CHECK_THROWS_AS(render_template("{{/if}}", ctx), patterns::TemplateError);
  CHECK(!patterns::check_template_syntax("{{#if a}}").empty());
}

TEST_CASE("every pattern loads, and docs/patterns is generated from the data files", "[new][docs]") {
  const auto& all = patterns::all_patterns();
  std::set<std::string> names;
  for (const auto& p : all) names.insert(p.name);
  CHECK(names == std::set<std::string>{"enum-value", "foreign-key", "not-null-column", "rename-column", "rls-admin",
                                       "rls-owner", "soft-delete", "table", "timestamps"});
  for (const auto& p : all) {
    INFO(p.name);
    CHECK(!p.summary.empty());
    CHECK(!p.description.empty());
    CHECK(p.example.find("--pattern " + p.name) != std::string::npos);
    for (const auto& s : p.steps) {
      CHECK(patterns::check_template_syntax(s.up).empty());
      CHECK(patterns::check_template_syntax(s.down).empty());
    }
    for (const auto& o : p.options) CHECK(!o.help.empty());
  }
  auto r = run_pgsafe({"patterns", "docs", "--check", "--out", source_dir() + "/docs/patterns"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
}
