// hardcoded-secret: the shapes it knows, what it leaves alone, and that no output carries the
// secret itself (messages show at most four characters).
#include <catch2/catch.hpp>

#include <filesystem>

#include "rules/support/secret_shapes.h"
#include "tests/support.h"

using namespace pgsafe;
using namespace pgsafe::test;
namespace secrets = pgsafe::rules::secrets;
namespace fs = std::filesystem;

namespace {
std::vector<std::string> whats(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& h : secrets::find_secrets(text)) out.push_back(h.what);
  return out;
}

// header.payload.signature with the given payload JSON (a made-up signature).
std::string jwt(const std::string& payload_json) {
  static const char* const kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  auto enc = [&](const std::string& s) {
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (unsigned char c : s) {
      buffer = (buffer << 8) | c;
      bits += 8;
      while (bits >= 6) {
        bits -= 6;
        out += kAlphabet[(buffer >> bits) & 63];
      }
    }
    if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 63];
    return out;
  };
  return enc("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + enc(payload_json) + ".c2lnbmF0dXJlLW5vdC1yZWFsLXNpZw";
}
}  // namespace

TEST_CASE("JWTs are judged by their role claim", "[hardcoded-secret]") {
  auto service = secrets::find_secrets("Bearer " + jwt(R"({"iss":"supabase","role":"service_role"})"));
  REQUIRE(service.size() == 1);
  CHECK(service[0].what == "a service_role JWT");
  CHECK(service[0].gravity == secrets::Gravity::High);
  CHECK(service[0].pos == 7);

  auto user = secrets::find_secrets(jwt(R"({"sub":"42","role":"authenticated"})"));
  REQUIRE(user.size() == 1);
  CHECK(user[0].gravity == secrets::Gravity::Low);

  CHECK(whats(jwt(R"({"iss":"supabase","role":"anon"})")).empty());
  CHECK(whats(jwt(R"({"iss":"supabase-demo","role":"service_role"})")).empty());
  CHECK(whats(jwt(R"({"sub":"x"})")) == std::vector<std::string>{"a JWT"});
  CHECK(whats("eyJhbGciOi.not-a-jwt").empty());
}

TEST_CASE("passwords in URLs, conninfo and role text", "[hardcoded-secret]") {
  CHECK(whats("postgresql://app:hunter2hunter2@db.example.com:5432/app") ==
        std::vector<std::string>{"a password in a connection URL"});
  CHECK(whats("postgresql://postgres:postgres@localhost:54322/postgres").empty());
  CHECK(whats("postgresql://app@db/app").empty());
  CHECK(whats("postgresql://app:${PGPASSWORD}@db/app").empty());
  CHECK(whats("host=db dbname=app password=pwd-Secret1 sslmode=require") ==
        std::vector<std::string>{"a password in a connection string"});
  CHECK(whats("SELECT dblink_connect('password=pwd-Secret1 host=db')") ==
        std::vector<std::string>{"a password in a connection string"});
  CHECK(whats("SELECT 1 FROM accounts WHERE user=current_user AND password=crypt($1, password)").empty());
  CHECK(whats("host=db dbname=app password=:pw").empty());
  // `password=` in code that is no connection string.
  CHECK(whats("SELECT 1 FROM users WHERE password=crypt($1, password)").empty());
  CHECK(whats("EXECUTE 'ALTER ROLE app PASSWORD ''s3cr3t-value''';") ==
        std::vector<std::string>{"a plaintext password in CREATE/ALTER ROLE text"});
  CHECK(whats("CREATE ROLE app PASSWORD 'xxxxxxxx'").empty());  // a stand-in
  CHECK(whats("CREATE ROLE app PASSWORD 'md50123456789abcdef0123456789abcdef'") ==
        std::vector<std::string>{"an MD5 password hash in CREATE/ALTER ROLE text"});
}

TEST_CASE("well-known key shapes, and obviously made-up ones", "[hardcoded-secret]") {
  CHECK(whats("AKIAZ7Q3MXR4TB2KLW9P") == std::vector<std::string>{"an AWS access key id"});
  CHECK(whats("AKIAIOSFODNN7EXAMPLE").empty());
  CHECK(whats("AKIAZ7Q3MXR4TB2KLW9PX").empty());  // too long for the shape
  CHECK(whats("sk_live_xxxxxxxxxxxxxxxxxxxxxxxx").empty());
  CHECK(whats("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----") ==
        std::vector<std::string>{"a private key"});
  CHECK(whats("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----").empty());
  CHECK(whats("the task-runner-0123456789abcdef0123456789").empty());  // sk- inside a word
  CHECK(secrets::secret_name("app.settings.jwt_secret"));
  CHECK(secrets::secret_name("app.service_role_key"));
  CHECK_FALSE(secrets::secret_name("password_encryption"));
  CHECK_FALSE(secrets::secret_name("app.settings.api_url"));
}

TEST_CASE("no diagnostic repeats a secret it reports", "[hardcoded-secret]") {
  fs::path dir = fs::path(source_dir()) / "testdata" / "rules" / "hardcoded-secret";
  size_t checked = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".sql") continue;
    std::string text = read_file(e.path().string());
    LintOptions o;
    o.select = {"hardcoded-secret"};
    o.jobs = 1;
    auto r = lint_memory({{"migrations/20240101000000_x.sql", text}}, o);
    for (const auto& d : r.diagnostics) {
      std::string secret = text.substr(d.range.start.offset, d.range.end.offset - d.range.start.offset);
      INFO(e.path().filename().string() << ": " << d.message);
      REQUIRE(secret.size() >= 3);
      CHECK(d.message.find(secret) == std::string::npos);
      CHECK(d.help.find(secret) == std::string::npos);
      CHECK_FALSE(d.fix);
      // At most its first four characters are shown: never its end.
      if (secret.size() >= 8) CHECK(d.message.find(secret.substr(secret.size() - 5)) == std::string::npos);
      ++checked;
    }
  }
  CHECK(checked >= 20);
}
