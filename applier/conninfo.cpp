#include "applier/conninfo.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace pgsafe::applier {

namespace {

constexpr size_t npos = std::string::npos;
constexpr size_t kMaxConninfoBytes = 65536;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_key_char(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }
bool is_scheme_char(char c) { return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.'; }

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

bool ends_with_password(const std::string& key) {
  static const std::string p = "password";
  std::string k = lower(key);
  return k.size() >= p.size() && k.compare(k.size() - p.size(), p.size(), p) == 0;
}

size_t uri_prefix(const std::string& s) {
  for (const char* p : {"postgresql://", "postgres://"})
    if (s.compare(0, std::strlen(p), p) == 0) return std::strlen(p);
  return 0;
}

// A key=value pair starts at i: a keyword, optional blanks, '='.
bool key_at(const std::string& s, size_t i) {
  if (i >= s.size() || !(is_alpha(s[i]) || s[i] == '_')) return false;
  while (i < s.size() && is_key_char(s[i])) ++i;
  while (i < s.size() && is_space(s[i])) ++i;
  return i < s.size() && s[i] == '=';
}

// The keywords libpq knows (host, port, dbname, ...).
bool known_keyword(const std::string& key) {
  static const std::vector<std::string> keywords = [] {
    std::vector<std::string> out;
    if (PQconninfoOption* d = PQconndefaults()) {
      for (PQconninfoOption* o = d; o->keyword; ++o) out.emplace_back(o->keyword);
      PQconninfoFree(d);
    }
    return out;
  }();
  return std::find(keywords.begin(), keywords.end(), key) != keywords.end();
}

// A pair with a keyword libpq knows starts at i.
bool known_key_at(const std::string& s, size_t i) {
  if (!key_at(s, i)) return false;
  size_t k = i;
  while (k < s.size() && is_key_char(s[k])) ++k;
  return known_keyword(s.substr(i, k - i));
}

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX decoded where XX is hex; anything else kept as it is.
std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// A quoted conninfo value without its backslash escapes.
std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

void add_span(std::vector<Span>& v, size_t b, size_t e) {
  if (e > b) v.push_back(Span{b, e});
}

// The URLs in s: [start of what follows "://", end). A string that begins with its scheme is a
// URL to its end; a URL inside other text ends at a blank or a quote.
std::vector<Span> url_ranges(const std::string& s) {
  std::vector<Span> out;
  for (size_t p = s.find("://"); p != npos; p = s.find("://", p + 3)) {
    // A "://" inside the previous URL (a query value) is covered by that URL's generous spans;
    // skipping it also keeps the scan linear.
    if (!out.empty() && p < out.back().end) continue;
    bool whole = std::all_of(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(p), is_scheme_char);
    size_t end = whole ? s.size() : s.find_first_of(" \t\r\n\f\v\"'", p + 3);
    if (end == npos) end = s.size();
    out.push_back(Span{p + 3, end});
  }
  return out;
}

std::vector<Span> merged(std::vector<Span> v) {
  std::sort(v.begin(), v.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  std::vector<Span> out;
  for (const auto& s : v) {
    if (!out.empty() && s.begin <= out.back().end) out.back().end = std::max(out.back().end, s.end);
    else out.push_back(s);
  }
  return out;
}

// Every string that is, or may be, a password of conninfo; longest first.
std::vector<std::string> secrets_of(const std::string& conninfo) {
  std::vector<std::string> out;
  for (const Span& sp : password_spans(conninfo)) {
    std::string raw = conninfo.substr(sp.begin, sp.end - sp.begin);
    out.push_back(raw);
    out.push_back(percent_decode(raw));
    out.push_back(unescape(raw));
  }
  if (!conninfo.empty()) {
    char* errmsg = nullptr;
    PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &errmsg);
    if (errmsg) PQfreemem(errmsg);
    if (opts) {
      for (PQconninfoOption* o = opts; o->keyword; ++o)
        if (ends_with_password(o->keyword) && o->val && *o->val) out.emplace_back(o->val);
      PQconninfoFree(opts);
    }
  }
  if (const char* p = std::getenv("PGPASSWORD"); p && *p) out.emplace_back(p);
  out.erase(std::remove_if(out.begin(), out.end(), [](const std::string& s) { return s.empty(); }), out.end());
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// A token libpq quoted that is a piece of a password: inside one of the secrets, or found in
// the conninfo only where it overlaps a password without covering it whole (a token that
// covers a whole password is redacted by the replacement that follows).
bool fragment_of_secret(const std::string& token, const std::vector<std::string>& secrets,
                        const std::vector<Span>& spans, const std::string& conninfo) {
  if (token.empty()) return false;
  for (const auto& s : secrets)
    if (s.find(token) != npos) return true;
  // spans are sorted and disjoint: only those from the first that ends after pos can overlap.
  for (size_t pos = conninfo.find(token); pos != npos; pos = conninfo.find(token, pos + 1)) {
    size_t end = pos + token.size();
    auto it = std::upper_bound(spans.begin(), spans.end(), pos, [](size_t p, const Span& sp) { return p < sp.end; });
    for (; it != spans.end() && it->begin < end; ++it) {
      bool covers = pos <= it->begin && it->end <= end;
      if (!covers) return true;
    }
  }
  return false;
}

std::string replace_spans(const std::string& text, const std::vector<Span>& spans) {
  std::string out = text;
  std::vector<Span> m = merged(spans);
  for (auto it = m.rbegin(); it != m.rend(); ++it) out.replace(it->begin, it->end - it->begin, "***");
  return out;
}

std::string describe_control(unsigned char c) {
  switch (c) {
    case '\n': return "a line feed";
    case '\r': return "a carriage return";
    case '\t': return "a tab";
    case 0x7f: return "a DEL character";
    default: {
      static const char* hex = "0123456789abcdef";
      return std::string("the control character 0x") + hex[c >> 4] + hex[c & 15];
    }
  }
}

}  // namespace

std::vector<Span> password_spans(const std::string& s) {
  std::vector<Span> out;
  for (const Span& url : url_ranges(s)) {
    // The user information as libpq reads it: up to the first '@' before any '/'.
    size_t i = url.begin;
    while (i < url.end && s[i] != '@' && s[i] != '/') ++i;
    size_t colon = s.find(':', url.begin);
    if (i < url.end && s[i] == '@' && colon < i) add_span(out, colon + 1, i);
    // And generously up to the last '@': a password with an unencoded '@' or '/'.
    if (url.end > url.begin) {
      size_t last = s.rfind('@', url.end - 1);
      if (last != npos && last >= url.begin && colon < last) add_span(out, colon + 1, last);
    }
    // Query parameters named *password (their names may be percent-encoded too).
    for (size_t q = s.find_first_of("?&", url.begin); q != npos && q < url.end; q = s.find_first_of("?&", q + 1)) {
      size_t param_end = std::min(s.find('&', q + 1), url.end);
      auto eq_it = std::find(s.begin() + static_cast<std::ptrdiff_t>(q + 1),
                             s.begin() + static_cast<std::ptrdiff_t>(param_end), '=');
      size_t eq = static_cast<size_t>(eq_it - s.begin());
      if (eq >= param_end) continue;
      if (!ends_with_password(percent_decode(s.substr(q + 1, eq - q - 1)))) continue;
      add_span(out, eq + 1, param_end);
    }
  }
  // key=value pairs whose key ends in "password" (password, sslpassword), anywhere.
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && !is_space(s[i - 1]) && s[i - 1] != '?' && s[i - 1] != '&') continue;
    if (!key_at(s, i)) continue;
    size_t k = i;
    while (k < s.size() && is_key_char(s[k])) ++k;
    std::string key = s.substr(i, k - i);
    bool in_query = i > 0 && (s[i - 1] == '?' || s[i - 1] == '&');
    size_t v = s.find('=', k) + 1;
    while (v < s.size() && is_space(s[v])) ++v;
    if (!ends_with_password(key)) continue;
    if (v < s.size() && s[v] == '\'') {
      size_t e = v + 1;
      while (e < s.size() && s[e] != '\'') e += (s[e] == '\\' && e + 1 < s.size()) ? 2 : 1;
      add_span(out, v + 1, std::min(e, s.size()));
      i = std::min(e, s.size());  // pairs inside the value are inside the span already
      continue;
    }
    // Unquoted: up to the next pair with a keyword libpq knows, not just to the next blank: in
    // `password=a b` libpq complains about "b", and in `password=a b=c` about "b", both part of
    // what the user meant as the password.
    size_t e = v;
    while (e < s.size()) {
      if (is_space(s[e])) {
        size_t n = e;
        while (n < s.size() && is_space(s[n])) ++n;
        if (n >= s.size() || known_key_at(s, n)) break;
        e = n;
        continue;
      }
      if (in_query && s[e] == '&') break;
      ++e;
    }
    add_span(out, v, e);
    if (e > i) i = e - 1;
  }
  return merged(out);
}

std::string redact(const std::string& text, const std::string& conninfo) {
  std::vector<std::string> secrets = secrets_of(conninfo);
  std::vector<Span> spans = password_spans(conninfo);

  // 1. Quoted tokens that are pieces of a password.
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t q = text.find('"', i);
    size_t r = q == npos ? npos : text.find('"', q + 1);
    if (r == npos) {
      out.append(text, i, npos);
      break;
    }
    out.append(text, i, q + 1 - i);
    std::string token = text.substr(q + 1, r - q - 1);
    out += fragment_of_secret(token, secrets, spans, conninfo) ? "***" : token;
    out += '"';
    i = r + 1;
  }
  // 2. Every occurrence of a password, longest first.
  for (const auto& s : secrets)
    for (size_t pos = out.find(s); pos != npos; pos = out.find(s, pos + 3)) out.replace(pos, s.size(), "***");
  // 3. Whatever URL user:password@ or password= the text itself still holds.
  return replace_spans(out, password_spans(out));
}

std::optional<std::string> check_conninfo(const std::string& c, const std::string& source) {
  if (c.empty()) return source + " is empty: give a postgresql:// URL or a key=value connection string";
  if (c.size() > kMaxConninfoBytes)
    return source + " is " + std::to_string(c.size()) + " bytes long: a connection string has at most " +
           std::to_string(kMaxConninfoBytes);
  for (size_t i = 0; i < c.size(); ++i) {
    auto ch = static_cast<unsigned char>(c[i]);
    if (ch < 0x20 || ch == 0x7f)
      return source + " contains " + describe_control(ch) + " (byte " + std::to_string(i + 1) + " of " +
             std::to_string(c.size()) +
             "): refused, a connection string is one line (a line break in it would reach logs and the audit "
             "trail as a line of its own); remove it, and check how the value was read (a trailing newline from a "
             "file, a pasted line break)";
  }
  size_t prefix = uri_prefix(c);
  if (prefix == 0) {
    size_t b = 0;
    while (b < c.size() && is_space(c[b])) ++b;
    if (!key_at(c, b)) {
      size_t p = c.find("://");
      if (p == npos)
        return source +
               " is neither a postgresql:// URL nor a key=value connection string (for a database name alone, "
               "write dbname=NAME)";
      std::string scheme = c.substr(0, p);
      bool plain = !scheme.empty() && scheme.size() <= 20 && is_alpha(scheme[0]) &&
                   std::all_of(scheme.begin(), scheme.end(), is_scheme_char);
      if (plain && (lower(scheme) == "postgresql" || lower(scheme) == "postgres"))
        return source + " has the scheme " + scheme + "://, which libpq accepts only in lower case: postgresql:// or postgres://";
      return source + (plain ? " has the scheme " + scheme + "://" : std::string(" has an unknown scheme")) +
             ": a connection URL starts with postgresql:// or postgres://";
    }
  } else {
    // libpq ends the user information at the first '@' before any '/'. Another '@' before the
    // path, or one after a '/' (and before the query), is a reserved character left unencoded
    // in the user name or password: libpq would read the rest as the host or database name.
    size_t slash = c.find('/', prefix);
    size_t auth_end = slash == npos ? c.size() : slash;
    size_t ats = static_cast<size_t>(std::count(c.begin() + static_cast<std::ptrdiff_t>(prefix),
                                                c.begin() + static_cast<std::ptrdiff_t>(auth_end), '@'));
    bool late_at = false;
    if (slash != npos) {
      size_t query = c.find('?', slash);
      size_t at = c.find('@', slash);
      late_at = at != npos && (query == npos || at < query);
    }
    if (ats > 1 || late_at)
      return source +
             " is not a valid connection URL: an '@' or '/' in the user name, password or database name must be "
             "percent-encoded (%40 for '@', %2F for '/')";
  }
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(c.c_str(), &err);
  if (!opts) {
    std::string m = err ? err : "out of memory";
    if (err) PQfreemem(err);
    while (!m.empty() && (is_space(m.back()))) m.pop_back();
    std::string hint;
    if (m.find("percent-encoded") != npos)
      hint = " (a '%' in a URL starts an escape such as %40; write a literal '%' as %25)";
    else if (prefix == 0 && (m.find("missing \"=\"") != npos || m.find("invalid connection option") != npos))
      hint = " (a value with blanks must be quoted: password='a b')";
    return source + " is not a valid connection string: " + redact(m, c) + hint;
  }
  PQconninfoFree(opts);
  return std::nullopt;
}

bool parse_seconds(const std::string& s, double max, double& out, std::string& why) {
  bool printable = s.size() <= 32 && std::all_of(s.begin(), s.end(), [](char c) {
                     return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
                   });
  std::string shown = printable ? "'" + s + "'" : std::string("the value");
  std::string range = "from 0 to " + std::to_string(static_cast<long long>(max));
  size_t i = 0, int_digits = 0, frac_digits = 0;
  double value = 0, scale = 1;
  while (i < s.size() && is_digit(s[i])) {
    value = value * 10 + (s[i] - '0');
    ++i, ++int_digits;
  }
  bool dot = i < s.size() && s[i] == '.';
  if (dot) {
    ++i;
    while (i < s.size() && is_digit(s[i])) {
      scale /= 10;
      value += (s[i] - '0') * scale;
      ++i, ++frac_digits;
    }
  }
  if (int_digits == 0 || i != s.size() || (dot && frac_digits == 0) || s.size() > 20) {
    why = shown + " is not a number of seconds: give a plain number " + range + ", such as 30 or 2.5";
    return false;
  }
  if (!(value <= max)) {
    why = shown + " is too long: give a number of seconds " + range;
    return false;
  }
  out = value;
  return true;
}

}  // namespace pgsafe::applier
