#pragma once
// Secrets by their shape in a piece of text (a string literal, a function or DO body, a
// connection string): JWTs (with their role read from the payload), passwords in URLs, conninfo
// and CREATE/ALTER ROLE text, well-known API key formats and PEM private keys. Used by
// hardcoded-secret; kept apart so the shapes can be tested one by one.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgsafe::rules::secrets {

enum class Gravity { High, Low };  // High: a usable credential; Low: a hash, a test-mode key, a user token

struct Hit {
  size_t pos = 0, len = 0;  // the secret's bytes within the scanned text
  std::string what;         // "a service_role JWT", "a Stripe live secret key", ...
  Gravity gravity = Gravity::High;
  bool password = false;    // a password (help points at role/connection advice)
};

inline char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool iequals_at(std::string_view text, size_t pos, std::string_view word) {
  if (pos + word.size() > text.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (lower(text[pos + i]) != lower(word[i])) return false;
  return true;
}

// Case-insensitive find; word is lower case. Jumps between candidate first letters (memchr).
inline size_t ifind(std::string_view text, std::string_view word, size_t from = 0) {
  if (word.empty()) return from <= text.size() ? from : std::string_view::npos;
  char lc = word[0], uc = lc >= 'a' && lc <= 'z' ? static_cast<char>(lc - 'a' + 'A') : lc;
  size_t next_l = text.find(lc, from), next_u = uc == lc ? std::string_view::npos : text.find(uc, from);
  while (true) {
    size_t i = std::min(next_l, next_u);
    if (i == std::string_view::npos || i + word.size() > text.size()) return std::string_view::npos;
    if (iequals_at(text, i, word)) return i;
    if (i == next_l) next_l = text.find(lc, i + 1);
    else next_u = text.find(uc, i + 1);
  }
}

inline bool is_base64url(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }
inline bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A value that stands for a secret rather than being one: a template or variable reference, a
// redaction, a run of one character. Such values are not reported.
inline bool is_placeholder(std::string_view v) {
  if (v.empty()) return true;
  if (v.find("{{") != std::string_view::npos || v.find("${") != std::string_view::npos ||
      v.find("%s") != std::string_view::npos || v.find("%L") != std::string_view::npos)
    return true;
  if (v.front() == '<' && v.back() == '>') return true;
  if (v.front() == ':' || v.front() == '$') return true;  // psql variable, parameter ($1)
  if (ifind(v, "redacted") != std::string_view::npos) return true;
  bool same = std::all_of(v.begin(), v.end(), [&](char c) { return c == v.front(); });
  if (same) return true;
  return std::all_of(v.begin(), v.end(), [](char c) { return c == '*' || c == 'x' || c == 'X' || c == '.' || c == '-'; });
}

// A key whose random part is obviously made up: AWS's documented ...EXAMPLE keys, or a tail of
// one repeated character ("sk_live_xxxxxxxxxxxxxxxx").
inline bool looks_fake(std::string_view key, size_t prefix_len) {
  if (ifind(key, "example") != std::string_view::npos) return true;
  std::string_view tail = key.substr(std::min(prefix_len, key.size()));
  std::string distinct;
  for (char c : tail)
    if (distinct.find(c) == std::string::npos) distinct += c;
  return distinct.size() < 4;
}

inline std::optional<std::string> base64url_decode(std::string_view s) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '-' || c == '+') v = 62;
    else if (c == '_' || c == '/') v = 63;
    else if (c == '=') break;
    else return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

// header.payload.signature, each base64url, header and payload JSON objects ("eyJ" = `{"`).
inline void find_jwts(std::string_view text, std::vector<Hit>& out) {
  for (size_t at = text.find("eyJ"); at != std::string_view::npos; at = text.find("eyJ", at + 1)) {
    if (at > 0 && is_base64url(text[at - 1])) continue;
    size_t i = at;
    size_t dots[2] = {0, 0};
    bool ok = true;
    for (int seg = 0; seg < 3 && ok; ++seg) {
      size_t start = i;
      while (i < text.size() && is_base64url(text[i])) ++i;
      if (i - start < (seg == 2 ? 16u : 10u)) ok = false;
      if (seg < 2) {
        if (i >= text.size() || text[i] != '.') ok = false;
        else dots[seg] = i++;
      }
    }
    if (!ok || text.compare(dots[0] + 1, 3, "eyJ") != 0) continue;
    std::string role, issuer;
    if (auto payload = base64url_decode(text.substr(dots[0] + 1, dots[1] - dots[0] - 1))) {
      auto j = nlohmann::json::parse(*payload, nullptr, false);
      if (j.is_object()) {
        if (j.contains("role") && j["role"].is_string()) role = j["role"].get<std::string>();
        if (j.contains("iss") && j["iss"].is_string()) issuer = j["iss"].get<std::string>();
      }
    }
    // The anon key is public by design (it ships in every client bundle), and the local
    // development stack's keys (issuer supabase-demo) are published in Supabase's docs.
    if (role == "anon" || issuer == "supabase-demo") {
      at = i - 1;
      continue;
    }
    Hit h{at, i - at, role.empty() ? "a JWT" : "a JWT with role " + role, Gravity::High};
    if (role == "service_role") h.what = "a service_role JWT";
    if (role == "authenticated") h.gravity = Gravity::Low;  // one user's session token
    out.push_back(h);
    at = i - 1;
  }
}

// scheme://user:password@host
inline void find_url_passwords(std::string_view text, std::vector<Hit>& out) {
  for (size_t at = text.find("://"); at != std::string_view::npos; at = text.find("://", at + 3)) {
    size_t s = at;
    while (s > 0 && (std::isalnum(static_cast<unsigned char>(text[s - 1])) || text[s - 1] == '+' || text[s - 1] == '.' ||
                     text[s - 1] == '-'))
      --s;
    if (s == at) continue;
    size_t u = at + 3, colon = std::string_view::npos, end = u;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '/' &&
           text[end] != '@' && text[end] != '\'' && text[end] != '"')
      if (text[end++] == ':' && colon == std::string_view::npos) colon = end - 1;
    if (end >= text.size() || text[end] != '@' || colon == std::string_view::npos || colon == u) continue;
    std::string_view password = text.substr(colon + 1, end - colon - 1);
    if (is_placeholder(password)) continue;
    // The local development stack's well-known default (postgres:postgres on localhost).
    size_t host_end = end + 1;
    while (host_end < text.size() && text[host_end] != ':' && text[host_end] != '/' && !std::isspace(static_cast<unsigned char>(text[host_end])))
      ++host_end;
    std::string_view host = text.substr(end + 1, host_end - end - 1);
    bool local = host == "localhost" || host == "127.0.0.1" || host == "[::1]" || host == "host.docker.internal";
    if (local && password == "postgres") continue;
    out.push_back({colon + 1, password.size(), "a password in a connection URL", Gravity::High, true});
  }
}

// password=... in a libpq key=value connection string (dblink, postgres_fdw, subscriptions): the
// run of text around it, up to a quote or a line end, must be nothing but key=value words, one of
// them another conninfo key (so `WHERE user=u AND password=crypt(...)` is not one).
inline void find_conninfo_passwords(std::string_view text, std::vector<Hit>& out) {
  auto boundary = [](char c) { return c == '\'' || c == '"' || c == '\n' || c == '\r'; };
  for (size_t at = ifind(text, "password="); at != std::string_view::npos; at = ifind(text, "password=", at + 9)) {
    if (at > 0 && !std::isspace(static_cast<unsigned char>(text[at - 1])) && !boundary(text[at - 1])) continue;
    size_t b = at, e = at;
    while (b > 0 && !boundary(text[b - 1])) --b;
    while (e < text.size() && !boundary(text[e])) ++e;
    bool all_pairs = true, other_key = false;
    for (size_t i = b; i < e;) {
      while (i < e && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
      if (i >= e) break;
      size_t k = i;
      while (k < e && (std::isalpha(static_cast<unsigned char>(text[k])) || text[k] == '_')) ++k;
      if (k == i || k >= e || text[k] != '=') {
        all_pairs = false;
        break;
      }
      std::string key;
      for (size_t j = i; j < k; ++j) key += lower(text[j]);
      for (const char* c : {"host", "hostaddr", "dbname", "user", "port", "sslmode", "application_name"})
        other_key = other_key || key == c;
      while (k < e && !std::isspace(static_cast<unsigned char>(text[k]))) ++k;
      i = k;
    }
    if (!all_pairs || !other_key) continue;
    size_t v = at + 9, end = v;
    while (end < e && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    std::string_view password = text.substr(v, end - v);
    if (is_placeholder(password)) continue;
    out.push_back({v, password.size(), "a password in a connection string", Gravity::High, true});
  }
}

// What a role password literal is: a plaintext password, or a hash PostgreSQL stores as is.
inline Hit classify_role_password(size_t pos, std::string_view value) {
  if (value.rfind("SCRAM-SHA-256$", 0) == 0)
    return {pos, value.size(), "a SCRAM-SHA-256 password hash", Gravity::Low, true};
  bool md5 = value.size() == 35 && value.rfind("md5", 0) == 0 &&
             std::all_of(value.begin() + 3, value.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
  if (md5) return {pos, value.size(), "an MD5 password hash", Gravity::Low, true};
  return {pos, value.size(), "a plaintext password", Gravity::High, true};
}

// PASSWORD '...' in SQL text held in a string: a body or dynamic SQL that creates or alters a role.
inline void find_role_password_text(std::string_view text, std::vector<Hit>& out) {
  size_t first = ifind(text, "password");
  if (first == std::string_view::npos) return;
  if (ifind(text, "role") == std::string_view::npos && ifind(text, "user") == std::string_view::npos) return;
  for (size_t at = first; at != std::string_view::npos; at = ifind(text, "password", at + 8)) {
    if ((at > 0 && is_word(text[at - 1])) || (at + 8 < text.size() && is_word(text[at + 8]))) continue;
    size_t q = at + 8;
    while (q < text.size() && std::isspace(static_cast<unsigned char>(text[q]))) ++q;
    if (q >= text.size() || text[q] != '\'') continue;
    // 'x' in a body, ''x'' inside a quoted EXECUTE string.
    bool doubled = q + 1 < text.size() && text[q + 1] == '\'';
    size_t v = q + (doubled ? 2 : 1);
    size_t end = text.find(doubled ? "''" : "'", v);
    if (end == std::string_view::npos) continue;
    std::string_view value = text.substr(v, end - v);
    if (is_placeholder(value)) continue;
    Hit h = classify_role_password(v, value);
    h.what += " in CREATE/ALTER ROLE text";
    out.push_back(h);
  }
}

struct KeyShape {
  std::string_view prefix;
  size_t min_tail, max_tail;  // characters after the prefix
  const char* what;
  Gravity gravity;
  bool (*tail_char)(char);
};

inline bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
inline bool upper_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
inline bool token_char(char c) { return is_base64url(c); }

inline void find_key_shapes(std::string_view text, std::vector<Hit>& out) {
  static const KeyShape kShapes[] = {
      {"AKIA", 16, 16, "an AWS access key id", Gravity::High, upper_alnum},
      {"ASIA", 16, 16, "an AWS temporary access key id", Gravity::High, upper_alnum},
      {"sk_live_", 16, 247, "a Stripe live secret key", Gravity::High, alnum},
      {"rk_live_", 16, 247, "a Stripe live restricted key", Gravity::High, alnum},
      {"sk_test_", 16, 247, "a Stripe test-mode secret key", Gravity::Low, alnum},
      {"rk_test_", 16, 247, "a Stripe test-mode restricted key", Gravity::Low, alnum},
      {"whsec_", 24, 128, "a webhook signing secret", Gravity::High, alnum},
      {"ghp_", 36, 36, "a GitHub personal access token", Gravity::High, alnum},
      {"gho_", 36, 36, "a GitHub OAuth token", Gravity::High, alnum},
      {"ghu_", 36, 36, "a GitHub user token", Gravity::High, alnum},
      {"ghs_", 36, 36, "a GitHub app token", Gravity::High, alnum},
      {"ghr_", 36, 36, "a GitHub refresh token", Gravity::High, alnum},
      {"github_pat_", 22, 255, "a GitHub fine-grained token", Gravity::High, is_word},
      {"xoxb-", 10, 255, "a Slack bot token", Gravity::High, token_char},
      {"xoxp-", 10, 255, "a Slack user token", Gravity::High, token_char},
      {"xoxa-", 10, 255, "a Slack app token", Gravity::High, token_char},
      {"xoxr-", 10, 255, "a Slack refresh token", Gravity::High, token_char},
      {"xoxs-", 10, 255, "a Slack session token", Gravity::High, token_char},
      {"AIza", 35, 35, "a Google API key", Gravity::High, token_char},
      {"sk-", 32, 255, "an API secret key (OpenAI, Anthropic and others use sk-)", Gravity::High, token_char},
      {"sb_secret_", 16, 255, "a Supabase secret key", Gravity::High, token_char},
      {"glpat-", 20, 20, "a GitLab personal access token", Gravity::High, token_char},
  };
  for (const auto& shape : kShapes) {
    for (size_t at = text.find(shape.prefix); at != std::string_view::npos; at = text.find(shape.prefix, at + 1)) {
      if (at > 0 && (is_base64url(text[at - 1]))) continue;
      size_t end = at + shape.prefix.size();
      while (end < text.size() && shape.tail_char(text[end])) ++end;
      size_t tail = end - at - shape.prefix.size();
      if (tail < shape.min_tail || tail > shape.max_tail) continue;
      std::string_view key = text.substr(at, end - at);
      if (looks_fake(key, shape.prefix.size())) continue;
      out.push_back({at, key.size(), shape.what, shape.gravity});
      at = end - 1;
    }
  }
}

inline void find_private_keys(std::string_view text, std::vector<Hit>& out) {
  for (size_t at = text.find("-----BEGIN "); at != std::string_view::npos; at = text.find("-----BEGIN ", at + 1)) {
    size_t line_end = text.find("-----", at + 11);
    if (line_end == std::string_view::npos) break;
    std::string_view label = text.substr(at + 11, line_end - at - 11);
    if (label.size() < 11 || label.substr(label.size() - 11) != "PRIVATE KEY") continue;
    size_t end = text.find("-----END ", line_end + 5);
    size_t close = end == std::string_view::npos ? end : text.find("-----", end + 9);
    end = close == std::string_view::npos ? text.size() : close + 5;
    out.push_back({at, end - at, "a private key", Gravity::High});
  }
}

// Every secret in text, in order of position, overlapping hits dropped (the first shape wins).
inline std::vector<Hit> find_secrets(std::string_view text) {
  std::vector<Hit> hits;
  if (text.size() < 8) return hits;
  find_private_keys(text, hits);
  find_jwts(text, hits);
  find_url_passwords(text, hits);
  find_conninfo_passwords(text, hits);
  find_role_password_text(text, hits);
  find_key_shapes(text, hits);
  std::vector<Hit> out;
  for (const auto& h : hits) {
    bool overlaps = false;
    for (const auto& o : out) overlaps = overlaps || (h.pos < o.pos + o.len && o.pos < h.pos + h.len);
    if (!overlaps) out.push_back(h);
  }
  std::sort(out.begin(), out.end(), [](const Hit& a, const Hit& b) { return a.pos < b.pos; });
  return out;
}

// A setting name that says its value is a secret: app.settings.jwt_secret, service_role_key,
// api_key, password, token. The last dotted part must end so (password_encryption does not).
inline bool secret_name(std::string_view name) {
  std::string n;
  for (char c : name) n += lower(c);
  size_t dot = n.rfind('.');
  std::string_view last = std::string_view(n).substr(dot == std::string::npos ? 0 : dot + 1);
  auto ends_with = [&](std::string_view w) {
    return last.size() >= w.size() && last.substr(last.size() - w.size()) == w &&
           (last.size() == w.size() || !std::isalpha(static_cast<unsigned char>(last[last.size() - w.size() - 1])));
  };
  for (const char* w : {"secret", "password", "passwd", "token", "api_key", "apikey", "private_key", "service_role_key",
                        "access_key", "secret_key", "service_key"})
    if (ends_with(w)) return true;
  return false;
}

}  // namespace pgsafe::rules::secrets
