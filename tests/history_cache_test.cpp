// The history cache (issue 9, docs/cache.md): linting one new file against its history restores
// the state the history leaves (catalog, last up file, API evidence) instead of replaying it.
// Results are identical warm, cold, without the cache and with a corrupt one; any change to the
// history files or to the options is a miss; a cache that cannot be written is no cache.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>

#include "analyzer/catalog_codec.h"
#include "analyzer/history_cache.h"
#include "parser/parser.h"
#include "tests/support.h"

namespace fs = std::filesystem;
using namespace pgsafe;
using namespace pgsafe::test;

namespace {

// A Supabase-like project: a history whose catalog, policies and index names the new file's
// findings depend on.
const std::vector<std::pair<std::string, std::string>> kHistory = {
    {"20240101000000_accounts.sql",
     "CREATE TABLE accounts (id bigint PRIMARY KEY, email varchar(200), name varchar(100));\n"
     "ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;\n"
     "CREATE POLICY own ON accounts USING (auth.uid() IS NOT NULL);\n"},
    {"20240102000000_orders.sql",
     "CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts (id), total numeric(10,2));\n"},
    {"20240103000000_index.sql", "CREATE INDEX CONCURRENTLY orders_total_idx ON orders (total);\n"},
    {"20240104000000_more.sql", "ALTER TABLE accounts ADD COLUMN created_at timestamptz;\n"},
};
const char* kNewName = "20240201000000_new.sql";
const char* kNewFile =
    "ALTER TABLE accounts ALTER COLUMN name TYPE varchar(50);\n"
    "CREATE INDEX orders_total_idx2 ON orders (total);\n"
    "CREATE TABLE notes (id int PRIMARY KEY, body text);\n"
    "ALTER TABLE orders DROP COLUMN total;\n";

struct Project {
  std::string root;
  std::string migrations;
  std::string new_file;
};

Project make_project(const std::string& hint) {
  Project p;
  p.root = temp_dir(hint);
  p.migrations = p.root + "/migrations";
  fs::create_directories(p.migrations);
  for (const auto& [name, text] : kHistory) write_file(p.migrations + "/" + name, text);
  p.new_file = p.migrations + "/" + kNewName;
  write_file(p.new_file, kNewFile);
  return p;
}

MigrationSet history_set(const Project& p) {
  DiscoverOptions d;
  d.migrations_dir = p.migrations;
  std::vector<InputError> errors;
  MigrationSet set = discover({p.new_file}, d, errors);
  REQUIRE(errors.empty());
  return set;
}

struct Outcome {
  std::string lines;
  std::string note;
  size_t errors = 0;
  size_t from_cache = 0;
  bool written = false;
};

Outcome run_lib(const Project& p, const std::string& cache, LintOptions opts = {}) {
  opts.history_cache_file = cache;
  LintResult r = lint(history_set(p), opts);
  return Outcome{golden_lines(r), r.exposure_note, r.errors.size(), r.history_files_from_cache, r.history_cache_written};
}

std::vector<fs::path> cache_files(const std::string& root) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(root) / ".pgsafe" / "cache", ec))
    if (e.path().extension() == ".bin") out.push_back(e.path());
  return out;
}

ProcessResult lint_cli(const Project& p, const std::string& format, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"lint", "--format", format, "--migrations-dir", "migrations"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(std::string("migrations/") + kNewName);
  return run_pgsafe(args, "", p.root);
}

}  // namespace

TEST_CASE("history cache: a warm run restores the history without reading or parsing it", "[history-cache]") {
  Project p = make_project("hc-warm");
  std::string cache = p.root + "/cache/history.bin";
  Outcome none = run_lib(p, "");
  Outcome cold = run_lib(p, cache);
  Outcome warm = run_lib(p, cache);
  CHECK(none.from_cache == 0);
  CHECK_FALSE(none.written);
  CHECK(cold.from_cache == 0);
  CHECK(cold.written);
  CHECK(warm.from_cache == kHistory.size());
  CHECK_FALSE(warm.written);
  CHECK_FALSE(none.lines.empty());
  CHECK(cold.lines == none.lines);
  CHECK(warm.lines == none.lines);
  CHECK(warm.note == none.note);
  // The history's policy is what turns the API checks on: restored with the catalog.
  CHECK(warm.note.find("RLS and grant checks: on") != std::string::npos);
  CHECK(warm.lines.find("table-without-rls") != std::string::npos);
  CHECK(warm.lines.find("changing-column-type") != std::string::npos);

  SECTION("warm runs on one thread and on several agree") {
    LintOptions one;
    one.jobs = 1;
    LintOptions two;
    two.jobs = 2;
    CHECK(run_lib(p, cache, one).lines == none.lines);
    CHECK(run_lib(p, cache, two).lines == none.lines);
  }
  SECTION("an unreadable history file is replayed (its error reported), never cached") {
    std::string bad = p.migrations + "/20240105000000_bad.sql";
    write_file(bad, std::string("SELECT 1;\n\xff\xfe\n"));
    Outcome a = run_lib(p, cache);
    Outcome b = run_lib(p, cache);
    CHECK(a.errors == 1);
    CHECK(b.errors == 1);
    CHECK(b.from_cache == 0);
    CHECK(b.lines == a.lines);
  }
}

TEST_CASE("history cache: a down file right after its cached up file starts from it", "[history-cache]") {
  std::string root = temp_dir("hc-down");
  std::string dir = root + "/migrations";
  fs::create_directories(dir);
  write_file(dir + "/0001_base.up.sql", "CREATE TABLE base (id bigint PRIMARY KEY);\n");
  write_file(dir + "/0002_items.up.sql",
             "CREATE TABLE items (id bigint PRIMARY KEY);\nALTER TABLE base ADD COLUMN note text;\n");
  write_file(dir + "/0002_items.down.sql", "DROP TABLE items;\nALTER TABLE base DROP COLUMN note;\n");
  DiscoverOptions d;
  d.migrations_dir = dir;
  std::vector<InputError> errors;
  MigrationSet set = discover({dir + "/0002_items.down.sql"}, d, errors);
  REQUIRE(errors.empty());
  REQUIRE(set.files.back().direction == Direction::Down);
  LintOptions opts;
  LintResult none = lint(set, opts);
  opts.history_cache_file = root + "/c.bin";
  LintResult cold = lint(set, opts);
  LintResult warm = lint(set, opts);
  CHECK(warm.history_files_from_cache == 2);
  CHECK(golden_lines(cold) == golden_lines(none));
  CHECK(golden_lines(warm) == golden_lines(none));
  // Undoing what the up file did is not reported.
  CHECK(golden_lines(warm).find("ban-drop-table") == std::string::npos);
  CHECK(golden_lines(warm).find("ban-drop-column") == std::string::npos);
}

TEST_CASE("history cache: any change to a history file is a miss", "[history-cache]") {
  Project p = make_project("hc-inval");
  std::string cache = p.root + "/c.bin";
  auto expect_fresh = [&](const std::string& what) {
    INFO(what);
    Outcome after = run_lib(p, cache);
    Outcome truth = run_lib(p, "");
    CHECK(after.from_cache == 0);
    CHECK(after.written);
    CHECK(after.lines == truth.lines);
    CHECK(after.note == truth.note);
    Outcome again = run_lib(p, cache);
    CHECK(again.from_cache > 0);
    CHECK(again.lines == truth.lines);
    return truth;
  };
  Outcome first = run_lib(p, cache);
  REQUIRE(run_lib(p, cache).from_cache == kHistory.size());

  SECTION("edit, same size, same modification time") {
    std::string path = p.migrations + "/20240101000000_accounts.sql";
    struct stat before {};
    REQUIRE(::stat(path.c_str(), &before) == 0);
    std::string text = read_file(path);
    // varchar(100) -> varchar(900): the new file's type change is now a narrowing of 900.
    auto at = text.find("varchar(100)");
    REQUIRE(at != std::string::npos);
    text[at + 8] = '9';
    write_file(path, text);
    struct timespec times[2] = {before.st_atim, before.st_mtim};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
    Outcome truth = expect_fresh("edited");
    CHECK(truth.lines != first.lines);
  }
  SECTION("edit that changes what the history shows of an API") {
    std::string path = p.migrations + "/20240101000000_accounts.sql";
    write_file(path, "CREATE TABLE accounts (id bigint PRIMARY KEY, email varchar(200), name varchar(100));\n");
    Outcome truth = expect_fresh("no policy");
    CHECK(truth.note != first.note);
  }
  SECTION("a history file added") {
    write_file(p.migrations + "/20240105000000_text.sql", "ALTER TABLE accounts ALTER COLUMN name TYPE text;\n");
    Outcome truth = expect_fresh("added");
    CHECK(truth.lines != first.lines);
  }
  SECTION("a history file removed") {
    fs::remove(p.migrations + "/20240103000000_index.sql");
    Outcome truth = expect_fresh("removed");
    CHECK(truth.lines != first.lines);
  }
  SECTION("a history file renamed") {
    fs::rename(p.migrations + "/20240104000000_more.sql", p.migrations + "/20240104000000_renamed.sql");
    expect_fresh("renamed");
  }
  SECTION("a history file renamed so that it runs after the new file") {
    fs::rename(p.migrations + "/20240101000000_accounts.sql", p.migrations + "/20240301000000_accounts.sql");
    Outcome truth = expect_fresh("reordered");
    CHECK(truth.lines != first.lines);
  }
}

TEST_CASE("history cache: a change of options is a miss", "[history-cache]") {
  Project p = make_project("hc-opts");
  std::string cache = p.root + "/c.bin";
  run_lib(p, cache);
  REQUIRE(run_lib(p, cache).from_cache == kHistory.size());
  std::vector<std::pair<std::string, std::function<void(LintOptions&)>>> changes = {
      {"pg_version", [](LintOptions& o) { o.config.settings.pg_version = 13; }},
      {"assume_in_transaction", [](LintOptions& o) { o.config.settings.assume_in_transaction = false; }},
      {"exposed_schemas", [](LintOptions& o) {
         o.config.settings.exposed_schemas_auto = false;
         o.config.settings.exposed_schemas = {"api"};
       }},
      {"select", [](LintOptions& o) { o.select = {"changing-column-type"}; }},
      {"ignore", [](LintOptions& o) { o.ignore = {"changing-column-type"}; }},
      {"rule severity", [](LintOptions& o) { o.config.rules["ban-drop-column"].severity = Severity::Info; }},
      {"templates", [](LintOptions& o) { o.config.template_placeholders = {{"{{", "}}"}}; }},
      {"layout", [](LintOptions& o) { o.config.layout = Layout::Timestamp; }},
  };
  for (const auto& [what, change] : changes) {
    INFO(what);
    LintOptions changed;
    change(changed);
    Outcome truth = run_lib(p, "", changed);
    Outcome after = run_lib(p, cache, changed);
    CHECK(after.from_cache == 0);
    CHECK(after.lines == truth.lines);
    CHECK(after.note == truth.note);
    CHECK(run_lib(p, cache, changed).from_cache == kHistory.size());
    // And back: the default options' cache was replaced, so this is a miss again.
    CHECK(run_lib(p, cache).from_cache == 0);
  }
}

TEST_CASE("history cache: corrupt, truncated, foreign and unwritable caches", "[history-cache]") {
  Project p = make_project("hc-corrupt");
  std::string cache = p.root + "/c.bin";
  Outcome truth = run_lib(p, "");
  run_lib(p, cache);
  std::string good = read_file(cache);
  REQUIRE(good.size() > 64);
  std::vector<std::pair<std::string, std::string>> damaged = {
      {"empty", ""},
      {"truncated", good.substr(0, good.size() / 2)},
      {"one byte short", good.substr(0, good.size() - 1)},
      {"a flipped byte", [&] { std::string s = good; s[s.size() / 2] ^= 0x20; return s; }()},
      {"foreign", "{\"not\": \"a pgsafe cache\"}\n"},
      {"another format", [&] { std::string s = good; s[8] = static_cast<char>(s[8] + 1); return s; }()},
  };
  for (const auto& [what, bytes] : damaged) {
    INFO(what);
    write_file(cache, bytes);
    Outcome o = run_lib(p, cache);
    CHECK(o.from_cache == 0);
    CHECK(o.written);  // replaced
    CHECK(o.lines == truth.lines);
    CHECK(o.note == truth.note);
    CHECK(run_lib(p, cache).from_cache == kHistory.size());
  }
  SECTION("a cache folder that cannot be created") {
    write_file(p.root + "/blocker", "a file where the cache folder would be\n");
    Outcome o = run_lib(p, p.root + "/blocker/cache/history.bin");
    CHECK_FALSE(o.written);
    CHECK(o.from_cache == 0);
    CHECK(o.lines == truth.lines);
  }
}

TEST_CASE("history cache: the CLI output is identical warm, cold, without and with a broken cache",
          "[history-cache]") {
  Project p = make_project("hc-cli");
  for (const std::string format : {"json", "text", "concise", "sarif", "github"}) {
    INFO(format);
    fs::remove_all(fs::path(p.root) / ".pgsafe");
    ProcessResult none = lint_cli(p, format, {"--no-cache"});
    CHECK(cache_files(p.root).empty());
    ProcessResult cold = lint_cli(p, format);
    auto files = cache_files(p.root);
    REQUIRE(files.size() == 1);
    CHECK(fs::exists(fs::path(p.root) / ".pgsafe" / "cache" / ".gitignore"));
    ProcessResult warm = lint_cli(p, format);
    write_file(files[0].string(), "garbage");
    ProcessResult corrupt = lint_cli(p, format);
    std::string good = read_file(files[0].string());
    write_file(files[0].string(), good.substr(0, good.size() / 3));
    ProcessResult truncated = lint_cli(p, format);
    CHECK(none.exit_code == 1);
    for (const ProcessResult* r : {&cold, &warm, &corrupt, &truncated}) {
      CHECK(r->exit_code == none.exit_code);
      CHECK(r->out == none.out);
      CHECK(r->err == none.err);
    }
  }
  SECTION("a cache folder that cannot be created changes nothing") {
    fs::remove_all(fs::path(p.root) / ".pgsafe");
    write_file(p.root + "/.pgsafe", "not a folder\n");
    ProcessResult none = lint_cli(p, "json", {"--no-cache"});
    ProcessResult blocked = lint_cli(p, "json");
    CHECK(blocked.exit_code == none.exit_code);
    CHECK(blocked.out == none.out);
    CHECK(blocked.err == none.err);
    fs::remove(p.root + "/.pgsafe");
  }
  SECTION("the cache sits beside .pgsafe.toml when there is one") {
    fs::remove_all(fs::path(p.root) / ".pgsafe");
    std::string sub = p.root + "/sub";
    fs::create_directories(sub);
    write_file(sub + "/.pgsafe.toml", "pg_version = 16\n");
    auto r = run_pgsafe({"lint", "--format", "json", "--migrations-dir", "../migrations",
                         std::string("../migrations/") + kNewName},
                        "", sub);
    CHECK(r.exit_code == 1);
    CHECK(cache_files(sub).size() == 1);
    CHECK(cache_files(p.root).empty());
  }
  SECTION("a whole folder has no history: no cache") {
    fs::remove_all(fs::path(p.root) / ".pgsafe");
    auto r = run_pgsafe({"lint", "--format", "json", "migrations"}, "", p.root);
    CHECK(r.exit_code == 1);
    CHECK(cache_files(p.root).empty());
  }
}

TEST_CASE("history cache: the catalog codec round-trips a replayed catalog", "[history-cache]") {
  Project p = make_project("hc-codec");
  std::string cache = p.root + "/c.bin";
  run_lib(p, cache);
  // Decoding what was encoded and encoding it again gives the same bytes.
  std::string bytes = read_file(cache);
  CHECK(content_hash(bytes) != content_hash(bytes.substr(1)));
  Catalog c;
  c.apply(*parser::parse_sql("CREATE TABLE t (a int PRIMARY KEY, b text NOT NULL DEFAULT 'x');").statements()[0].node,
          SourceRef{0, 0, 10, 0});
  ByteWriter w;
  encode_catalog(w, c);
  ByteReader r(w.bytes());
  Catalog d;
  REQUIRE(decode_catalog(r, d));
  CHECK(r.at_end());
  ByteWriter w2;
  encode_catalog(w2, d);
  CHECK(w2.bytes() == w.bytes());
  REQUIRE(d.find_table("public.t"));
  CHECK(d.find_table("public.t")->columns.size() == 2);
  CHECK(d.indexes_on("public.t").size() == 1);
  // Every truncation fails cleanly.
  for (size_t n = 0; n < w.bytes().size(); ++n) {
    ByteReader t(std::string_view(w.bytes()).substr(0, n));
    Catalog e;
    CHECK_FALSE((decode_catalog(t, e) && t.at_end()));
  }
}

// A field added to a catalog struct (or to FileState) must be stored by the history cache too
// (analyzer/catalog_codec.cpp writes every field by name): these sizes, on the platform the codec
// was written on, make such an addition fail here until the codec and these numbers are updated.
#if defined(__x86_64__) && defined(__GLIBCXX__) && !defined(_GLIBCXX_DEBUG)
static_assert(sizeof(SourceRef) == 16 && sizeof(ColumnType) == 128 && sizeof(Column) == 304);
static_assert(sizeof(Constraint) == 248 && sizeof(Index) == 264 && sizeof(Policy) == 184);
static_assert(sizeof(Table) == 280 && sizeof(View) == 144 && sizeof(Function) == 240);
static_assert(sizeof(UserType) == 296 && sizeof(Schema) == 48 && sizeof(IndexSet) == 192);
static_assert(sizeof(Catalog) == 624 && sizeof(FileState) == 528);
#endif

TEST_CASE("history cache: the shared corpus gives the same findings warm and without the cache",
          "[history-cache][corpus]") {
  auto shared = shared_dir();
  if (!shared) {
    WARN("../shared is absent: corpus history cache test skipped");
    return;
  }
  for (const auto& e : fs::directory_iterator(fs::path(*shared) / "corpus")) {
    if (!e.is_directory()) continue;
    INFO(e.path().string());
    // The project's last migration, with everything before it as history.
    std::vector<InputError> errors;
    MigrationSet whole = discover({e.path().string()}, DiscoverOptions{}, errors);
    if (whole.files.size() < 2) continue;
    std::string last = whole.files.back().path;
    DiscoverOptions d;
    d.migrations_dir = e.path().string();
    errors.clear();
    MigrationSet set = discover({last}, d, errors);
    REQUIRE(errors.empty());
    LintOptions opts;
    LintResult none = lint(set, opts);
    opts.history_cache_file = temp_dir("hc-corpus") + "/c.bin";
    LintResult cold = lint(set, opts);
    LintResult warm = lint(set, opts);
    CHECK(golden_lines(cold) == golden_lines(none));
    CHECK(golden_lines(warm) == golden_lines(none));
    CHECK(warm.exposure_note == none.exposure_note);
    CHECK(warm.errors.size() == none.errors.size());
    // A history with an input error (a file not in UTF-8) is never cached.
    if (none.errors.empty()) CHECK(warm.history_files_from_cache == set.files.size() - 1);
  }
}

TEST_CASE("history cache: trusted stats, and an edit that keeps size and modification time", "[history-cache]") {
  Project p = make_project("hc-stat");
  std::string cache = p.root + "/c.bin";
  Outcome truth = run_lib(p, "");
  // Written right after the files: their stats are too recent to be trusted, so their bytes are
  // hashed on the next run, which records them as trusted once they are old enough.
  CHECK(run_lib(p, cache).written);
  std::string first_cache = read_file(cache);
  ::usleep(2'200'000);
  Outcome warm = run_lib(p, cache);
  CHECK(warm.from_cache == kHistory.size());
  CHECK(warm.lines == truth.lines);
  CHECK(read_file(cache) != first_cache);  // restamped
  std::string restamped = read_file(cache);
  CHECK(run_lib(p, cache).from_cache == kHistory.size());
  CHECK(read_file(cache) == restamped);  // nothing more to restamp

  // Same size, modification time put back: the change time still differs, so the bytes decide.
  std::string path = p.migrations + "/20240102000000_orders.sql";
  struct stat before {};
  REQUIRE(::stat(path.c_str(), &before) == 0);
  std::string text = read_file(path);
  auto at = text.find("numeric(10,2)");
  REQUIRE(at != std::string::npos);
  text.replace(at, 13, "numeric(12,2)");
  write_file(path, text);
  struct timespec times[2] = {before.st_atim, before.st_mtim};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
  Outcome after = run_lib(p, cache);
  CHECK(after.from_cache == 0);
  CHECK(after.lines == run_lib(p, "").lines);
}

// Not run by default (`pgsafe_tests "[.bench]"`): how long restoring the largest corpus
// project's history takes, against replaying it.
TEST_CASE("history cache: load time over the corpus", "[.bench]") {
  auto shared = shared_dir();
  if (!shared) return;
  for (const auto& e : fs::directory_iterator(fs::path(*shared) / "corpus")) {
    if (!e.is_directory()) continue;
    std::vector<InputError> errors;
    MigrationSet whole = discover({e.path().string()}, DiscoverOptions{}, errors);
    if (whole.files.size() < 2) continue;
    DiscoverOptions d;
    d.migrations_dir = e.path().string();
    MigrationSet set = discover({whole.files.back().path}, d, errors);
    LintOptions opts;
    opts.history_cache_file = temp_dir("hc-bench") + "/c.bin";
    auto t0 = std::chrono::steady_clock::now();
    lint(set, opts);
    auto t1 = std::chrono::steady_clock::now();
    std::string key = history_options_key(set, opts);
    const int n = 20;
    size_t restored = 0;
    for (int i = 0; i < n; ++i)
      restored += load_history_cache(opts.history_cache_file, set, set.files.size() - 1, key, opts.config.max_file_size) ? 1 : 0;
    auto t2 = std::chrono::steady_clock::now();
    LintResult warm = lint(set, opts);
    auto t3 = std::chrono::steady_clock::now();
    auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
    WARN(e.path().filename().string() << ": " << set.files.size() - 1 << " history files, cache "
                                      << fs::file_size(opts.history_cache_file) << " bytes; cold lint " << ms(t0, t1)
                                      << " ms, load " << ms(t1, t2) / n << " ms (" << restored << "/" << n
                                      << " hits), warm lint " << ms(t2, t3) << " ms (" << warm.history_files_from_cache
                                      << " from cache)");
  }
}
