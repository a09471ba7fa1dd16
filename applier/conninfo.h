#pragma once
// The connection string (--db, $DATABASE_URL) is the one secret pgsafe handles. It is checked
// before libpq sees it, and every text that may echo any part of it (libpq's errors, which quote
// the token they could not parse; the server's; the "host:port/db as user" target) goes through
// redact() first. The raw argument itself is never printed.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace pgsafe::applier {

// Why a connection string cannot be used (for a usage error, exit 2), or nullopt when libpq can
// take it. source names it in the message ("--db", "$DATABASE_URL"); the message never quotes
// the string, and what it quotes of libpq's own complaint is redacted. Refused: more than
// 64 KiB, control characters (a newline would reach logs as an injected line), a scheme other
// than postgresql:// or postgres://, a string that is neither a URL nor key=value, reserved
// characters ('@', '/') left unencoded in a URL's user or password, and whatever libpq cannot
// parse.
std::optional<std::string> check_conninfo(const std::string& conninfo, const std::string& source);

// Byte ranges [begin, end) of s that hold, or may hold, a password: the password of a URL's
// user:password@ (whatever the scheme, parsable or not), and the value of any *password= key,
// as a key=value pair or a URL query parameter. Generous where the shape is ambiguous (an
// unquoted `password=a b` covers "a b").
struct Span {
  size_t begin = 0, end = 0;
};
std::vector<Span> password_spans(const std::string& s);

// text with every password the conninfo holds (and $PGPASSWORD) replaced by ***, whatever the
// conninfo's shape: the values libpq parses, the raw and percent-decoded spans above, quoted
// tokens that are fragments of them (libpq quotes the token it failed on: `missing "=" after
// "b"` for `password=a b`), and any URL user:password@ or password= that text itself holds.
std::string redact(const std::string& text, const std::string& conninfo);

// Seconds for --wait and --lock-wait: a plain decimal number (30, 2.5), 0 to max. False with why
// (which quotes the value only when it is short and printable).
bool parse_seconds(const std::string& s, double max, double& out, std::string& why);

}  // namespace pgsafe::applier
