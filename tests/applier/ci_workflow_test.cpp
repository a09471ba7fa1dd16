// The CI/CD workflows a user gets from `pgsafe init --ci github`, run job by job by the local
// runner (tests/ci/run-workflow.mjs) exactly as written: the Action's steps (action.yml and
// action/*.sh) run for real, against a real PostgreSQL standing in for staging and production,
// and a stand-in for GitHub's REST API (tests/ci/github-api-stub.mjs) receives the comment and
// answers who approved the deployment.
//
// What GitHub itself does is played by the test: a required reviewer's approval is running the
// apply job after the plan job, with the plan job's outputs as `needs`.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/applier/harness.h"
#include "tests/support.h"

using namespace pgsafe::test;
using namespace pgsafe::test::pg;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

std::string bin_dir() { return fs::path(PGSAFE_BINARY).parent_path().string(); }

// A git repository with a migrations folder and the workflows `pgsafe init --ci github` writes.
struct Repo {
  std::string dir;

  void add(const std::string& name, const std::string& sql) const { write_file(dir + "/migrations/" + name, sql); }
  std::string commit(const std::string& message) const {
    git(dir, {"add", "-A"});
    git(dir, {"commit", "-q", "-m", message});
    return head();
  }
  std::string head() const {
    std::string h = git(dir, {"rev-parse", "HEAD"}).out;
    return h.substr(0, h.find('\n'));
  }
  std::string workflow(const std::string& name) const { return dir + "/.github/workflows/" + name; }
};

Repo make_repo(const std::string& hint) {
  Repo r{temp_dir(hint)};
  git(r.dir, {"init", "-q", "-b", "main"});
  fs::create_directories(r.dir + "/migrations");
  write_file(r.dir + "/.gitignore", "pgsafe.sarif\n");  // what the lint job writes into the workspace
  r.add("20260101000000_accounts.sql",
        "CREATE TABLE IF NOT EXISTS accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);\n");
  ProcessResult init = run_command({PGSAFE_BINARY, "init", "--ci", "github"}, "", r.dir);
  INFO(init.out << init.err);
  REQUIRE(init.exit_code == 0);
  r.commit("accounts");
  return r;
}

// The GitHub API stand-in, stopped when the test ends.
struct ApiStub {
  pid_t pid = -1;
  std::string url, log;
  explicit ApiStub(const std::string& approver) {
    std::string dir = temp_dir("api-stub");
    std::string port_file = dir + "/port";
    log = dir + "/requests.jsonl";
    write_file(log, "");
    std::string script = source_dir() + "/tests/ci/github-api-stub.mjs";
    pid = fork();
    if (pid == 0) {
      execlp("node", "node", script.c_str(), port_file.c_str(), log.c_str(), approver.c_str(), nullptr);
      _exit(127);
    }
    REQUIRE(pid > 0);
    REQUIRE(eventually([&] { return fs::exists(port_file) && fs::file_size(port_file) > 0; }, 20));
    url = "http://127.0.0.1:" + read_file(port_file);
  }
  ~ApiStub() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
  }
  std::vector<Json> requests() const {
    std::vector<Json> out;
    std::istringstream in(read_file(log));
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) out.push_back(Json::parse(line));
    return out;
  }
};

// One job of a workflow, run by the local runner; the runner's document plus its log.
struct JobRun {
  Json doc;
  std::string log;
  std::string result() const { return doc["result"]; }
  const Json& step(const std::string& name) const {
    for (const auto& s : doc["steps"])
      if (s["name"] == name || (s.contains("id") && s["id"] == name)) return s;
    FAIL("no step " << name << " in " << doc.dump(2));
    static Json none;
    return none;
  }
  std::string summary() const { return doc["summary"]; }
};

JobRun run_job(const Repo& repo, const std::string& workflow, const std::string& job, Json context) {
  context["env"]["PGSAFE_BIN_DIR"] = bin_dir();
  std::string ctx_file = temp_dir("ctx") + "/context.json";
  write_file(ctx_file, context.dump());
  ProcessResult r = run_command({"node", source_dir() + "/tests/ci/run-workflow.mjs", "--workflow", repo.workflow(workflow),
                                 "--job", job, "--workspace", repo.dir, "--context", ctx_file},
                                "", source_dir(), 600);
  INFO("runner stderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  JobRun run{Json::parse(r.out), r.err};
  return run;
}

std::string role_url(const std::string& role, const std::string& password, const std::string& db) {
  return "postgresql://" + role + ":" + password + "@127.0.0.1:" + std::to_string(port()) + "/" + db;
}

bool has_table(const std::string& db, const std::string& table) {
  return scalar(db, "SELECT to_regclass('public." + table + "') IS NOT NULL") == "t";
}

}  // namespace

TEST_CASE("ci: pull request: only the changed migration is judged, with annotations, SARIF, a summary and one comment updated on each push",
          "[ci]") {
  Repo repo = make_repo("ci-pr");
  std::string base = repo.head();
  git(repo.dir, {"checkout", "-q", "-b", "feature"});
  repo.add("20260102000000_invoices.sql",
           "CREATE TABLE IF NOT EXISTS invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
           "  account_id bigint NOT NULL REFERENCES accounts (id));\n");
  std::string head = repo.commit("invoices");
  ApiStub api("alice");
  Json ctx = {{"event_name", "pull_request"},
              {"event", {{"pull_request", {{"number", 7}, {"base", {{"sha", base}}}, {"head", {{"sha", head}}}}}}},
              {"github", {{"sha", head}, {"api_url", api.url}}}};

  JobRun first = run_job(repo, "pgsafe-pull-request.yml", "lint", ctx);
  INFO(first.log);
  CHECK(first.result() == "failure");  // a warning fails the job (fail-on: warning)
  const Json& lint = first.step("pgsafe");
  CHECK(lint["outcome"] == "failure");
  CHECK(lint["outputs"]["files"] == "1");  // the changed file only; accounts is history
  CHECK(lint["outputs"]["warnings"] == "1");
  CHECK(lint["outputs"]["errors"] == "0");
  CHECK(lint["outputs"]["exit-code"] == "1");
  // The annotation names the new file and its line; the history file gets none.
  CHECK(first.log.find("::warning file=migrations/20260102000000_invoices.sql,line=2") != std::string::npos);
  CHECK(first.log.find("20260101000000_accounts.sql,line") == std::string::npos);
  // SARIF written and accepted by the upload step (which runs although the lint step failed).
  CHECK(fs::exists(repo.dir + "/pgsafe.sarif"));
  CHECK(first.step("Upload to code scanning")["outcome"] == "success");
  // The job summary has the markdown report.
  CHECK(first.summary().find("unindexed-foreign-key") != std::string::npos);
  // One comment, with the marker the next push finds.
  auto requests = api.requests();
  int posts = 0;
  for (const auto& q : requests)
    if (q["method"] == "POST") {
      ++posts;
      CHECK(q["path"] == "/repos/acme/app/issues/7/comments");
      std::string body = Json::parse(q["body"].get<std::string>())["body"];
      CHECK(body.starts_with("<!-- pgsafe:lint-report -->"));
      CHECK(body.find("unindexed-foreign-key") != std::string::npos);
    }
  CHECK(posts == 1);

  // The author fixes the finding and pushes: the same comment is updated, no second one posted.
  repo.add("20260102000000_invoices.sql",
           "CREATE TABLE IF NOT EXISTS invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
           "  account_id bigint NOT NULL REFERENCES accounts (id));\n"
           "CREATE INDEX IF NOT EXISTS invoices_account_id_idx ON invoices (account_id);\n");
  head = repo.commit("index the foreign key");
  ctx["github"]["sha"] = head;
  JobRun second = run_job(repo, "pgsafe-pull-request.yml", "lint", ctx);
  INFO(second.log);
  CHECK(second.result() == "success");
  CHECK(second.step("pgsafe")["outputs"]["warnings"] == "0");
  requests = api.requests();
  posts = 0;
  int patches = 0;
  for (const auto& q : requests) {
    if (q["method"] == "POST") ++posts;
    if (q["method"] == "PATCH") {
      ++patches;
      CHECK(q["path"] == "/repos/acme/app/issues/comments/1000");
      std::string body = Json::parse(q["body"].get<std::string>())["body"];
      CHECK(body.find("unindexed-foreign-key") == std::string::npos);
    }
  }
  CHECK(posts == 1);
  CHECK(patches == 1);

  // A pull request that changes no migration: nothing to judge, a clean job, no comment.
  git(repo.dir, {"checkout", "-q", "main"});
  git(repo.dir, {"checkout", "-q", "-b", "docs"});
  write_file(repo.dir + "/README.md", "docs\n");
  std::string docs_head = repo.commit("docs");
  Json docs_ctx = ctx;
  docs_ctx["event"]["pull_request"]["number"] = 8;
  docs_ctx["github"]["sha"] = docs_head;
  JobRun docs = run_job(repo, "pgsafe-pull-request.yml", "lint", docs_ctx);
  CHECK(docs.result() == "success");
  CHECK(docs.step("pgsafe")["outputs"]["files"] == "0");
  CHECK(docs.summary().find("changes no migration") != std::string::npos);
  // It looks for an earlier comment to update (there is none of its own) and posts nothing.
  int looked = 0;
  for (const auto& q : api.requests())
    if (q["path"].get<std::string>().find("/issues/8/") != std::string::npos) {
      CHECK(q["method"] == "GET");
      ++looked;
    }
  CHECK(looked >= 1);
  // A person's comment that imitates the marker was never touched.
  for (const auto& q : api.requests()) CHECK(q["path"] != "/repos/acme/app/issues/comments/1");
}

TEST_CASE("ci: merge to main reaches staging; production applies only the plan a reviewer approved; a failure says how to recover",
          "[ci]") {
  Repo repo = make_repo("ci-deploy");
  repo.add("20260102000000_invoices.sql",
           "CREATE TABLE IF NOT EXISTS invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
           "  account_id bigint NOT NULL REFERENCES accounts (id));\n"
           "CREATE INDEX IF NOT EXISTS invoices_account_id_idx ON invoices (account_id);\n");
  std::string round1 = repo.commit("invoices");
  std::string staging = create_database("ci_staging");
  std::string prod = create_database("ci_prod");
  // The plan job's read-only role, set up as docs/ci.md says (before the first deploy).
  std::string reader = "ci_reader_" + std::to_string(getpid());
  exec(prod, "CREATE ROLE " + reader + " LOGIN PASSWORD 'readpw'");
  exec(prod, "SET ROLE " + std::string(kUser) + "; CREATE SCHEMA IF NOT EXISTS pgsafe; GRANT USAGE ON SCHEMA pgsafe TO " +
                 reader + "; ALTER DEFAULT PRIVILEGES IN SCHEMA pgsafe GRANT SELECT ON TABLES TO " + reader);
  ApiStub api("alice");
  // As GitHub keeps them: the environments' secrets are seen only by their jobs.
  Json secrets = {{"PRODUCTION_READONLY_DATABASE_URL", role_url(reader, "readpw", prod)}};
  Json env_secrets = {{"staging", {{"STAGING_DATABASE_URL", url(staging)}}},
                      {"production", {{"PRODUCTION_DATABASE_URL", url(prod)}}}};

  // Merge to main: drift check, then apply to staging.
  JobRun stage = run_job(repo, "pgsafe-staging.yml", "apply",
                         {{"event_name", "push"}, {"secrets", secrets}, {"environment_secrets", env_secrets}, {"github", {{"sha", round1}, {"api_url", api.url}}}});
  INFO(stage.log);
  REQUIRE(stage.result() == "success");
  CHECK(stage.step("Drift check")["outputs"]["drift"] == "false");
  CHECK(stage.step("Apply")["outputs"]["applied"] == "2");
  CHECK(has_table(staging, "invoices"));
  CHECK(stage.summary().find("Applied 2 migration(s)") != std::string::npos);

  // Staging succeeded: production's plan job, with the read-only role.
  Json prod_event = {{"event_name", "workflow_run"},
                     {"event", {{"workflow_run", {{"conclusion", "success"}, {"head_sha", round1}}}}},
                     {"secrets", secrets},
                     {"environment_secrets", env_secrets},
                     {"github", {{"sha", "0000000000000000000000000000000000000000"}, {"api_url", api.url}}}};
  JobRun plan = run_job(repo, "pgsafe-production.yml", "plan", prod_event);
  INFO(plan.log);
  REQUIRE(plan.result() == "success");
  std::string hash = plan.doc["outputs"]["plan-hash"];
  CHECK(hash.size() == 16);
  CHECK(plan.doc["outputs"]["pending"] == "2");
  CHECK(plan.step("actions/checkout@v4")["checked_out"] == round1);  // exactly what staging got
  // The reviewer sees the plan, its hash and the command it approves, before approving.
  CHECK(plan.summary().find("20260102000000_invoices.sql") != std::string::npos);
  CHECK(plan.summary().find("--approve " + hash) != std::string::npos);
  CHECK_FALSE(has_table(prod, "accounts"));  // planning changed nothing

  // A plan whose "pending" is 0 never reaches the approval gate.
  Json nothing = prod_event;
  nothing["needs"] = {{"plan", {{"result", "success"}, {"outputs", {{"plan-hash", hash}, {"pending", "0"}}}}}};
  CHECK(run_job(repo, "pgsafe-production.yml", "apply", nothing).result() == "skipped");

  // The reviewer approves: the apply job runs with the plan job's hash.
  Json approved = prod_event;
  approved["needs"] = {{"plan", {{"result", "success"}, {"outputs", {{"plan-hash", hash}, {"pending", "2"}}}}}};
  JobRun apply = run_job(repo, "pgsafe-production.yml", "apply", approved);
  INFO(apply.log);
  REQUIRE(apply.result() == "success");
  CHECK(has_table(prod, "invoices"));
  CHECK(apply.summary().find("Approved by alice") != std::string::npos);
  // The audit trail: the hash, and the reviewer GitHub reports (not the runner's OS user).
  CHECK(scalar(prod, "SELECT string_agg(DISTINCT plan_hash || '/' || approved_by, ',') FROM pgsafe.pgsafe_migrations") ==
        hash + "/alice");
  CHECK(scalar(prod, "SELECT value FROM pgsafe.pgsafe_meta WHERE key = 'environment'") == "production");

  // Round 2: a unique index, built concurrently (outside a transaction). Staging has no
  // duplicate emails; production does.
  exec(prod, "INSERT INTO accounts (email) VALUES ('a@example.com'), ('a@example.com')");
  repo.add("20260103000000_unique_email.sql",
           "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS accounts_email_key ON accounts (email);\n");
  std::string round2 = repo.commit("unique email");
  stage = run_job(repo, "pgsafe-staging.yml", "apply",
                  {{"event_name", "push"}, {"secrets", secrets}, {"environment_secrets", env_secrets}, {"github", {{"sha", round2}, {"api_url", api.url}}}});
  REQUIRE(stage.result() == "success");

  // The old approval does not cover the new file: refused, nothing applied.
  Json stale = prod_event;
  stale["event"]["workflow_run"]["head_sha"] = round2;
  stale["needs"] = approved["needs"];
  JobRun refused = run_job(repo, "pgsafe-production.yml", "apply", stale);
  INFO(refused.log);
  CHECK(refused.result() == "failure");
  CHECK(refused.doc["steps"][1]["outputs"]["exit-code"] == "8");
  CHECK(refused.summary().find("does not match the current plan") != std::string::npos);
  CHECK(scalar(prod, "SELECT count(*) FROM pgsafe.pgsafe_migrations") == "2");

  // Planned and approved again; it fails on production's data. The summary says what failed,
  // where, and the recovery steps with the repair command.
  Json plan2_event = prod_event;
  plan2_event["event"]["workflow_run"]["head_sha"] = round2;
  JobRun plan2 = run_job(repo, "pgsafe-production.yml", "plan", plan2_event);
  REQUIRE(plan2.result() == "success");
  CHECK(plan2.doc["outputs"]["pending"] == "1");
  std::string hash2 = plan2.doc["outputs"]["plan-hash"];
  CHECK(hash2 != hash);
  Json approved2 = plan2_event;
  approved2["needs"] = {{"plan", {{"result", "success"}, {"outputs", {{"plan-hash", hash2}, {"pending", "1"}}}}}};
  JobRun failed = run_job(repo, "pgsafe-production.yml", "apply", approved2);
  INFO(failed.log);
  CHECK(failed.result() == "failure");
  CHECK(failed.doc["steps"][1]["outputs"]["exit-code"] == "7");
  std::string s = failed.summary();
  INFO(s);
  CHECK(s.find("`20260103000000_unique_email.sql:1:1`") != std::string::npos);
  CHECK(s.find("23505") != std::string::npos);
  CHECK(s.find("Next steps") != std::string::npos);
  CHECK(s.find("1. DROP INDEX CONCURRENTLY IF EXISTS accounts\\_email\\_key;") != std::string::npos);
  CHECK(s.find("`pgsafe repair --mark-rolled-back 20260103000000 --reason \"dropped the invalid index\"`") !=
        std::string::npos);
}

TEST_CASE("ci: the emergency workflow applies a hotfix without a plan approval and records why", "[ci]") {
  Repo repo = make_repo("ci-emergency");
  std::string prod = create_database("ci_emergency");
  ApiStub api("alice");
  Json env_secrets = {{"production", {{"PRODUCTION_DATABASE_URL", url(prod)}}}};
  // Production is tagged and up to date.
  ProcessResult first = run_command({PGSAFE_BINARY, "plan", "--db", url(prod), "--format", "json"}, "", repo.dir);
  REQUIRE(first.exit_code == 0);
  std::string h = Json::parse(first.out)["plan_hash"];
  REQUIRE(run_command({PGSAFE_BINARY, "apply", "--db", url(prod), "--env", "production", "--approve", h}, "", repo.dir)
              .exit_code == 0);
  repo.add("20260105000000_hotfix.sql", "ALTER TABLE accounts ADD COLUMN IF NOT EXISTS disabled boolean;\n");
  std::string fix = repo.commit("hotfix");
  // Without approval a production apply is refused (exit 8)...
  CHECK(run_command({PGSAFE_BINARY, "apply", "--db", url(prod), "--env", "production"}, "", repo.dir).exit_code == 8);
  // ...the emergency path applies it, with the reason and who started it in the audit trail.
  JobRun run = run_job(repo, "pgsafe-emergency.yml", "apply",
                       {{"event_name", "workflow_dispatch"},
                        {"inputs", {{"reason", "accounts must be disabled now"}, {"ref", fix}}},
                        {"environment_secrets", env_secrets},
                        {"github", {{"sha", fix}, {"actor", "bob"}, {"run_id", "4242"}, {"api_url", api.url}}}});
  INFO(run.log);
  REQUIRE(run.result() == "success");
  CHECK(scalar(prod, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'disabled'") == "1");
  CHECK(scalar(prod, "SELECT reason FROM pgsafe.pgsafe_migration_events WHERE kind = 'emergency'") ==
        "accounts must be disabled now (started by bob, run 4242)");
  CHECK(run.summary().find("Emergency run without approval") != std::string::npos);
}

TEST_CASE("ci: a hand-made change on staging stops the deploy; captured as a migration, it deploys", "[ci]") {
  Repo repo = make_repo("ci-hotfix");
  std::string staging = create_database("ci_hotfix");
  Json env_secrets = {{"staging", {{"STAGING_DATABASE_URL", url(staging)}}}};
  auto deploy = [&] {
    return run_job(repo, "pgsafe-staging.yml", "apply",
                   {{"event_name", "push"}, {"environment_secrets", env_secrets}, {"github", {{"sha", repo.head()}}}});
  };
  REQUIRE(deploy().result() == "success");
  exec(staging, "ALTER TABLE accounts ADD COLUMN note text");  // a fix made in the dashboard
  repo.add("20260102000000_plan.sql", "ALTER TABLE accounts ADD COLUMN IF NOT EXISTS plan text;\n");
  repo.commit("plan");
  JobRun blocked = deploy();
  INFO(blocked.log);
  CHECK(blocked.result() == "failure");
  CHECK(blocked.step("Drift check")["outputs"]["drift"] == "true");
  CHECK(blocked.step("Apply")["outcome"] == "skipped");
  CHECK(blocked.summary().find("drift --emit-migration") != std::string::npos);
  CHECK(scalar(staging, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'plan'") == "0");
  // Captured as code and merged: the pending capture accounts for the difference, so the drift
  // check passes and apply runs both files.
  ProcessResult capture = run_command({PGSAFE_BINARY, "drift", "--db", url(staging), "--emit-migration", "migrations"}, "", repo.dir);
  INFO(capture.out << capture.err);
  REQUIRE(capture.exit_code == 1);
  repo.commit("capture the dashboard change");
  JobRun fixed = deploy();
  INFO(fixed.log);
  CHECK(fixed.result() == "success");
  CHECK(fixed.step("Drift check")["outputs"]["drift"] == "false");
  CHECK(fixed.step("Apply")["outputs"]["applied"] == "2");
}

TEST_CASE("ci: a project inside a larger repository: only its changed files, annotations placed from the repository root", "[ci]") {
  std::string root = temp_dir("ci-mono");
  git(root, {"init", "-q", "-b", "main"});
  write_file(root + "/.gitignore", "pgsafe.sarif\n");
  fs::create_directories(root + "/apps/web/migrations");
  write_file(root + "/apps/web/migrations/20260101000000_accounts.sql",
             "CREATE TABLE IF NOT EXISTS accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n");
  REQUIRE(run_command({PGSAFE_BINARY, "init", "--ci", "github", "--branch", "main"}, "", root + "/apps/web").exit_code == 0);
  Repo repo{root};
  std::string base = repo.commit("init");
  git(root, {"checkout", "-q", "-b", "feature"});
  write_file(root + "/apps/web/migrations/20260102000000_invoices.sql",
             "CREATE TABLE IF NOT EXISTS invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
             "  account_id bigint NOT NULL REFERENCES accounts (id));\n");
  write_file(root + "/other.sql", "DROP TABLE everything;\n");  // outside the project: not linted
  std::string head = repo.commit("invoices");
  JobRun run = run_job(repo, "pgsafe-pull-request.yml", "lint",
                       {{"event_name", "pull_request"},
                        {"event", {{"pull_request", {{"number", 3}, {"base", {{"sha", base}}}}}}},
                        {"github", {{"sha", head}, {"api_url", "http://127.0.0.1:9"}}}});
  INFO(run.log);
  const Json& lint = run.step("pgsafe");
  CHECK(lint["outputs"]["files"] == "1");
  CHECK(lint["outputs"]["warnings"] == "1");
  CHECK(run.log.find("::warning file=apps/web/migrations/20260102000000_invoices.sql,line=2") != std::string::npos);
  CHECK(lint["outputs"]["sarif-file"] == fs::weakly_canonical(root).string() + "/apps/web/pgsafe.sarif");
  CHECK(run.step("Upload to code scanning")["outcome"] == "success");
}
