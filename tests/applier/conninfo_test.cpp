// The connection string without a server: what is refused before libpq sees it, what redact()
// hides whatever the string's shape, and the --wait / --lock-wait numbers.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "applier/conninfo.h"
#include "applier/pg.h"
#include "applier/session.h"
#include "tests/support.h"

using namespace pgsafe::applier;
using pgsafe::test::ScopedEnv;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string problem(const std::string& conninfo) {
  auto p = check_conninfo(conninfo, "--db");
  return p ? *p : std::string("<accepted>");
}


}  // namespace

TEST_CASE("conninfo: an unparsable URL or conninfo is refused without its password", "[conninfo][secrets]") {
  // The issue's reproductions: a '%' left unencoded, a scheme typo, an unquoted blank.
  std::string pct = problem("postgresql://alice:S3cr3t%zz@host/db");
  INFO(pct);
  CHECK(has(pct, "--db is not a valid connection string"));
  CHECK(has(pct, "percent"));
  CHECK_FALSE(has(pct, "S3cr3t"));

  std::string scheme = problem("postgersql://alice:Pw0rdTypo@host/db");
  INFO(scheme);
  CHECK(has(scheme, "postgersql://"));
  CHECK(has(scheme, "postgresql:// or postgres://"));
  CHECK_FALSE(has(scheme, "Pw0rdTypo"));
  CHECK_FALSE(has(scheme, "alice"));

  // libpq quotes the token after the blank ("Tail9"), which is half of the password meant.
  std::string blank = problem("host=x password=Sekr1t Tail9");
  INFO(blank);
  CHECK(has(blank, "not a valid connection string"));
  CHECK(has(blank, "password='a b'"));
  CHECK_FALSE(has(blank, "Sekr1t"));
  CHECK_FALSE(has(blank, "Tail9"));
  std::string blank2 = problem("host=x password=Sekr1t Tail9=1 port=5432");
  INFO(blank2);
  CHECK(blank2 != "<accepted>");
  CHECK_FALSE(has(blank2, "Tail9"));

  // More shapes: an unterminated quote, an unterminated IPv6 bracket (libpq quotes the whole
  // URL), a broken query password, an upper-case scheme, no scheme at all.
  for (const std::string& bad :
       {std::string("host=x password='Sekr1t"), std::string("postgresql://alice:Sekr1t@[::1/db"),
        std::string("postgresql://host/db?password=Sekr1t%zz"), std::string("postgresql://host/db?sslpassword=Sekr1t%g0"),
        std::string("POSTGRESQL://alice:Sekr1t@host/db"), std::string("alice:Sekr1t@host/db"),
        std::string("postgresql://alice:Sekr1t@host/db?password"), std::string("Sekr1t")}) {
    std::string p = problem(bad);
    INFO(bad << " -> " << p);
    CHECK(p != "<accepted>");
    CHECK(has(p, "--db "));
    CHECK_FALSE(has(p, "Sekr1t"));
    CHECK_FALSE(has(p, "ekr1"));
  }
  CHECK(has(problem("POSTGRESQL://alice:Sekr1t@host/db"), "lower case"));
  CHECK(has(problem("mydb"), "dbname=NAME"));
  CHECK(has(problem("host=x password=" + std::string(70000, 'S')), "bytes long"));
  CHECK_FALSE(has(problem("host=x password=" + std::string(70000, 'S')), "SS"));
  CHECK(has(problem(""), "empty"));
  // What is not a secret is still named, so the message helps.
  CHECK(has(problem("host=x bogus=1 password=Sekr1t"), "\"bogus\""));
  CHECK(has(problem("postgresql://alice:Sekr1t@host/db?bogus"), "\"bogus\""));
  CHECK_FALSE(has(problem("postgresql://alice:Sekr1t@host/db?bogus"), "Sekr1t"));
}

TEST_CASE("conninfo: '@' or '/' left unencoded in the user info is refused", "[conninfo][secrets]") {
  // libpq would read "ss@host" as the host, and print it.
  for (const char* bad : {"postgresql://alice:p@ss@host/db", "postgresql://alice:pa/ss@host/db",
                          "postgresql://alice:pa/ss@host", "postgres://alice:x@y@z/db?sslmode=require"}) {
    std::string p = problem(bad);
    INFO(bad << " -> " << p);
    CHECK(has(p, "percent-encoded"));
    CHECK_FALSE(has(p, "ss@"));
    CHECK_FALSE(has(p, "alice"));
  }
}

TEST_CASE("conninfo: control characters are refused, never echoed", "[conninfo][secrets]") {
  std::string nl = problem("postgresql://alice:Sekr1t@host/db\nINJECTED: applied 0 files");
  INFO(nl);
  CHECK(has(nl, "line feed"));
  CHECK_FALSE(has(nl, "INJECTED"));
  CHECK_FALSE(has(nl, "Sekr1t"));
  CHECK(nl.find('\n') == std::string::npos);
  CHECK(has(problem("host=x password=Sekr1t\r"), "carriage return"));
  CHECK(has(problem("host=x\tpassword=Sekr1t"), "tab"));
  CHECK(has(problem(std::string("host=x password=Sek\x1b[2Kr1t")), "0x1b"));
  CHECK(has(problem(std::string("host=x password=Sek\x7fr1t")), "DEL"));
  CHECK(has(problem(std::string("host=x password=Sek\0r1t", 23)), "0x00"));
}

TEST_CASE("conninfo: well-formed strings are accepted", "[conninfo]") {
  for (const char* ok : {"postgresql://alice:S3cr3t@host:5432/db?sslmode=require",
                         "postgres://alice%40corp:p%40ss%2Fw0rd@host/db", "postgresql://host/db?user=alice@corp",
                         "postgresql://", "postgresql:///db?host=/var/run/postgresql",
                         "host=h dbname=d password='a b\\'c'", "  host=h port=5432", "dbname=app",
                         "postgresql://alice:S3cr3t@[::1]:5432/db"}) {
    INFO(ok);
    CHECK(problem(ok) == "<accepted>");
  }
}

TEST_CASE("redact: passwords in every shape, fragments included, other text kept", "[conninfo][secrets]") {
  // The spans are what the user meant as the password.
  auto span_text = [](const std::string& s) {
    std::string out;
    for (const auto& sp : password_spans(s)) out += "[" + s.substr(sp.begin, sp.end - sp.begin) + "]";
    return out;
  };
  CHECK(span_text("host=x password=a b port=5") == "[a b]");
  CHECK(span_text("host=x password = 'q\\'uo ted' port=5") == "[q\\'uo ted]");
  CHECK(span_text("postgresql://alice:pw@host/db?sslpassword=k1&sslmode=require") == "[pw][k1]");
  CHECK(span_text("postgersql://alice:pw@host/db") == "[pw]");
  CHECK(span_text("postgresql://alice:p@ss@host/db") == "[p@ss]");
  CHECK(span_text("postgresql://alice@host/db") == "");
  CHECK(span_text("host=x user=bob") == "");

  const std::string url = "postgresql://alice:S3cr3t%21@db.example.com:5432/app";
  // The raw and the decoded password, wherever they appear.
  CHECK(redact("auth failed for S3cr3t! and S3cr3t%21", url) == "auth failed for *** and ***");
  // A URL with another password in the text itself.
  CHECK(redact("see postgresql://bob:Other123@x/y now", url) == "see postgresql://bob:***@x/y now");
  CHECK(redact("options password=Other123 port=5", url) == "options password=*** port=5");
  // A quoted fragment of the password (libpq's "missing = after" token) goes; other tokens stay.
  const std::string kv = "host=db.example.com password=Sekr1t Tail9 bogus";
  CHECK(redact("missing \"=\" after \"Tail9\" in connection info string", kv) ==
        "missing \"=\" after \"***\" in connection info string");
  CHECK(redact("could not translate host name \"db.example.com\" to address", kv) ==
        "could not translate host name \"db.example.com\" to address");
  // Nothing to hide: the text comes back as it was.
  CHECK(redact("FATAL:  password authentication failed for user \"alice\"", url) ==
        "FATAL:  password authentication failed for user \"alice\"");
  CHECK(redact("x", "") == "x");
  {
    ScopedEnv env("PGPASSWORD", "FromTheEnv77");
    CHECK(redact("password FromTheEnv77 rejected", "") == "password *** rejected");
  }
}

TEST_CASE("redact: hostile shapes near the length limit are redacted whole", "[conninfo][secrets]") {
  // Many pairs, many URLs, many parameters: every password-like value goes, and the scan stays
  // linear (these would take minutes if it were not).
  std::string pairs, urls, params = "postgresql://h/db?";
  for (int i = 0; i < 5000; ++i) pairs += "xpassword=Sek" + std::to_string(i) + " ";
  for (int i = 0; i < 5000; ++i) urls += "a://u:Sek" + std::to_string(i) + "@h";
  for (int i = 0; i < 5000; ++i) params += (i ? "&password=Sek" : "password=Sek") + std::to_string(i);
  for (const std::string* s : {&pairs, &urls, &params}) {
    std::string r = redact("echo: " + *s + " \"Sek4999\"", *s);
    CHECK_FALSE(has(r, "Sek"));
    CHECK_FALSE(has(problem(*s), "Sek"));
  }
}

TEST_CASE("seconds: --wait and --lock-wait take a plain, bounded number", "[conninfo][wait]") {
  for (const char* ok : {"0", "30", "2.5", "0.001", "86400", "007"}) {
    double v = -1;
    std::string why;
    INFO(ok);
    CHECK(parse_seconds(ok, kMaxWaitSeconds, v, why));
    CHECK(v == Approx(std::strtod(ok, nullptr)));
  }
  for (const char* bad : {"inf", "nan", "1e300", "-1", "abc", "0x10", " 5", "5 ", "5s", "", "1.", ".5", "86400.5",
                          "86401", "99999999999999999999999", "+5", "1e3"}) {
    double v = -1;
    std::string why;
    INFO(bad);
    CHECK_FALSE(parse_seconds(bad, kMaxWaitSeconds, v, why));
    CHECK(v == -1);
    CHECK(has(why, "seconds"));
  }
  // What a library caller passes is checked the same way.
  std::ostringstream err;
  for (double bad : {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(), 1e300, -1.0,
                     86400.5}) {
    INFO(bad);
    CHECK_FALSE(check_seconds("--wait", bad, err));
  }
  CHECK(check_seconds("--wait", 0, err));
  CHECK(check_seconds("--wait", 86400, err));
  // And the clock arithmetic never sees an out-of-range value, checked or not.
  CHECK(wait_duration(std::numeric_limits<double>::quiet_NaN()).count() == 0);
  CHECK(wait_duration(-5).count() == 0);
  CHECK(wait_duration(2.5).count() == 2500);
  CHECK(wait_duration(std::numeric_limits<double>::infinity()).count() == 365LL * 24 * 3600 * 1000);
  CHECK(wait_duration(1e300).count() == 365LL * 24 * 3600 * 1000);
}

TEST_CASE("check_common: a bad --db or $DATABASE_URL is a usage error naming its source", "[conninfo][secrets]") {
  StatusOptions o;
  std::ostringstream err;
  o.db = "postgresql://alice:S3cr3t%zz@host/db";
  CHECK_FALSE(check_common(o, err));
  CHECK(has(err.str(), "--db"));
  CHECK_FALSE(has(err.str(), "S3cr3t"));

  o.db.reset();
  ScopedEnv env("DATABASE_URL", "postgresql://alice:S3cr3t@host/db\n");
  std::ostringstream err2;
  CHECK_FALSE(check_common(o, err2));
  CHECK(has(err2.str(), "$DATABASE_URL"));
  CHECK(has(err2.str(), "line feed"));
  CHECK_FALSE(has(err2.str(), "S3cr3t"));

  o.wait = std::numeric_limits<double>::infinity();
  o.db = "postgresql://alice:S3cr3t@host/db";
  std::ostringstream err3;
  CHECK_FALSE(check_common(o, err3));
  CHECK(has(err3.str(), "--wait"));
}
