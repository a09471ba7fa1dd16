#include "parser/plpgsql.h"

#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

namespace pgsafe::parser {

// ------------------------------------------------------------------ OffsetMap

OffsetMap OffsetMap::shifted(uint32_t offset) {
  OffsetMap m;
  m.segs_.push_back(Seg{0, offset});
  return m;
}

void OffsetMap::add(uint32_t text_pos, uint32_t target) {
  if (!segs_.empty()) {
    Seg& last = segs_.back();
    if (text_pos < last.text) return;  // segments only grow
    if (last.target + (text_pos - last.text) == target) return;  // the current one goes on
    if (text_pos == last.text) {
      last.target = target;
      return;
    }
  }
  segs_.push_back(Seg{text_pos, target});
}

uint32_t OffsetMap::map(size_t text_pos) const {
  if (segs_.empty()) return static_cast<uint32_t>(text_pos);
  auto it = std::upper_bound(segs_.begin(), segs_.end(), text_pos,
                             [](size_t v, const Seg& s) { return v < s.text; });
  if (it == segs_.begin()) return segs_.front().target;
  --it;
  return it->target + static_cast<uint32_t>(text_pos - it->text);
}

OffsetMap OffsetMap::then(const OffsetMap& outer) const {
  if (segs_.empty()) return outer;
  if (outer.segs_.empty()) return *this;
  OffsetMap r;
  for (size_t i = 0; i < segs_.size(); ++i) {
    const uint32_t t = segs_[i].text, m = segs_[i].target;
    const uint64_t len = i + 1 < segs_.size() ? segs_[i + 1].text - t : std::numeric_limits<uint64_t>::max();
    r.add(t, outer.map(m));
    // Outer segments starting inside [m, m + len) split this one.
    auto it = std::upper_bound(outer.segs_.begin(), outer.segs_.end(), m,
                               [](uint32_t v, const Seg& s) { return v < s.text; });
    for (; it != outer.segs_.end() && static_cast<uint64_t>(it->text - m) < len; ++it)
      r.add(t + (it->text - m), it->target);
  }
  return r;
}

OffsetMap OffsetMap::after_shift(uint32_t by) const {
  if (segs_.empty()) return shifted(by);
  OffsetMap r;
  r.add(0, map(by));
  for (const Seg& s : segs_)
    if (s.text > by) r.add(s.text - by, s.target);
  return r;
}

// ------------------------------------------------------------------ string constants

namespace {

bool ident_char(char c, bool first) {
  unsigned char u = static_cast<unsigned char>(c);
  return u >= 0x80 || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool append_utf8(std::string& out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
  return true;
}

// One backslash escape of an E'...' string starting at text[i] == '\\': its bytes, and i moved
// past it. False for what pgsafe does not decode (a NUL, surrogate pairs).
bool decode_escape(std::string_view text, size_t& i, std::string& out) {
  if (i + 1 >= text.size()) return false;
  char e = text[i + 1];
  i += 2;
  switch (e) {
    case 'b': out.push_back('\b'); return true;
    case 'f': out.push_back('\f'); return true;
    case 'n': out.push_back('\n'); return true;
    case 'r': out.push_back('\r'); return true;
    case 't': out.push_back('\t'); return true;
    case 'x': {
      int v = 0, n = 0;
      while (n < 2 && i < text.size() && hex_value(text[i]) >= 0) v = v * 16 + hex_value(text[i++]), ++n;
      if (n == 0) { out.push_back('x'); return true; }
      if (v == 0) return false;
      out.push_back(static_cast<char>(v));
      return true;
    }
    case 'u':
    case 'U': {
      int want = e == 'u' ? 4 : 8;
      uint32_t cp = 0;
      for (int n = 0; n < want; ++n) {
        if (i >= text.size() || hex_value(text[i]) < 0) return false;
        cp = cp * 16 + static_cast<uint32_t>(hex_value(text[i++]));
      }
      return append_utf8(out, cp);
    }
    default:
      if (e >= '0' && e <= '7') {
        int v = e - '0', n = 1;
        while (n < 3 && i < text.size() && text[i] >= '0' && text[i] <= '7') v = v * 8 + (text[i++] - '0'), ++n;
        if ((v & 0xFF) == 0) return false;
        out.push_back(static_cast<char>(v & 0xFF));
        return true;
      }
      out.push_back(e);  // \\, \', and any other character stands for itself
      return true;
  }
}

// Past blanks and comments (-- to the end of the line, nested /* */).
size_t skip_blanks(std::string_view text, size_t i) {
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
    } else if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      size_t nl = text.find('\n', i);
      i = nl == std::string_view::npos ? text.size() : nl + 1;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      int depth = 0;
      while (i < text.size()) {
        if (text.compare(i, 2, "/*") == 0) { ++depth; i += 2; }
        else if (text.compare(i, 2, "*/") == 0) { i += 2; if (--depth == 0) break; }
        else ++i;
      }
    } else {
      break;
    }
  }
  return i;
}

}  // namespace

std::optional<StringConstant> read_string_constant(std::string_view text, size_t pos) {
  if (pos >= text.size()) return std::nullopt;
  char c = text[pos];
  if (c == '$') {
    size_t i = pos + 1;
    if (i < text.size() && ident_char(text[i], true))
      while (i < text.size() && ident_char(text[i], false) && text[i] != '$') ++i;
    if (i >= text.size() || text[i] != '$') return std::nullopt;
    std::string_view tag = text.substr(pos, i + 1 - pos);
    size_t close = text.find(tag, i + 1);
    if (close == std::string_view::npos) return std::nullopt;
    StringConstant s;
    s.value.assign(text.substr(i + 1, close - (i + 1)));
    s.map = OffsetMap::shifted(static_cast<uint32_t>(i + 1));
    s.end = close + tag.size();
    return s;
  }
  bool escapes = c == 'E' || c == 'e';
  size_t q = escapes ? pos + 1 : pos;
  if (q >= text.size() || text[q] != '\'') return std::nullopt;
  StringConstant s;
  s.map.add(0, static_cast<uint32_t>(q + 1));
  size_t i = q + 1;
  while (i < text.size()) {
    char ch = text[i];
    if (ch == '\'') {
      if (i + 1 < text.size() && text[i + 1] == '\'') {
        // An escaped character maps to the escape's last byte(s), so a span ending with it
        // ends with the escape.
        s.map.add(static_cast<uint32_t>(s.value.size()), static_cast<uint32_t>(i + 1));
        s.value.push_back('\'');
        i += 2;
        continue;
      }
      s.end = i + 1;
      return s;
    }
    if (escapes && ch == '\\') {
      size_t v = s.value.size();
      if (!decode_escape(text, i, s.value)) return std::nullopt;
      size_t n = s.value.size() - v;  // never more bytes than the escape has
      s.map.add(static_cast<uint32_t>(v), static_cast<uint32_t>(i - n));
      s.map.add(static_cast<uint32_t>(s.value.size()), static_cast<uint32_t>(i));
      continue;
    }
    s.value.push_back(ch);
    ++i;
  }
  return std::nullopt;  // unterminated
}

std::optional<StringConstant> constant_sql(std::string_view expr) {
  size_t i = skip_blanks(expr, 0);
  bool format = false;
  if (expr.size() - i >= 6) {
    std::string word(expr.substr(i, 6));
    std::transform(word.begin(), word.end(), word.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    size_t paren = skip_blanks(expr, i + 6);
    if (word == "format" && paren < expr.size() && expr[paren] == '(') {
      format = true;
      i = skip_blanks(expr, paren + 1);
    }
  }
  auto first = read_string_constant(expr, i);
  if (!first) return std::nullopt;
  StringConstant r = std::move(*first);
  i = skip_blanks(expr, r.end);
  while (i + 1 < expr.size() && expr[i] == '|' && expr[i + 1] == '|') {
    auto next = read_string_constant(expr, skip_blanks(expr, i + 2));
    if (!next) return std::nullopt;
    // The next constant's value starts a segment of its own (and its escapes more of them).
    OffsetMap joined = r.map;
    uint32_t at = static_cast<uint32_t>(r.value.size());
    joined.add(at, next->map.map(0));
    for (size_t k = 1; k <= next->value.size(); ++k)
      if (next->map.map(k) != next->map.map(k - 1) + 1) joined.add(at + static_cast<uint32_t>(k), next->map.map(k));
    r.value += next->value;
    r.map = std::move(joined);
    i = skip_blanks(expr, next->end);
  }
  if (format) {
    if (i >= expr.size() || expr[i] != ')') return std::nullopt;  // more arguments: placeholders
    i = skip_blanks(expr, i + 1);
    std::string v;
    OffsetMap to_value = OffsetMap::shifted(0);  // v position -> r.value position
    for (size_t k = 0; k < r.value.size(); ++k) {
      if (r.value[k] == '%') {
        if (k + 1 >= r.value.size() || r.value[k + 1] != '%') return std::nullopt;  // %I, %s, %L, %1$s...
        v.push_back('%');
        ++k;
        to_value.add(static_cast<uint32_t>(v.size()), static_cast<uint32_t>(k + 1));
        continue;
      }
      v.push_back(r.value[k]);
    }
    r.map = to_value.then(r.map);
    r.value = std::move(v);
  }
  if (i != expr.size()) return std::nullopt;  // a cast, a variable, a function call...
  r.end = expr.size();
  return r;
}

// ------------------------------------------------------------------ DO bodies

namespace {

struct PlpgsqlOwner {
  PgQueryPlpgsqlParseResult r;
  explicit PlpgsqlOwner(const char* s) : r(pg_query_parse_plpgsql(s)) {}
  ~PlpgsqlOwner() { pg_query_free_plpgsql_parse_result(r); }
  PlpgsqlOwner(const PlpgsqlOwner&) = delete;
  PlpgsqlOwner& operator=(const PlpgsqlOwner&) = delete;
};

// Statement kinds whose bodies run only sometimes (or repeatedly).
bool is_conditional_kind(const std::string& key) {
  return key == "PLpgSQL_stmt_if" || key == "PLpgSQL_stmt_case" || key == "PLpgSQL_stmt_loop" ||
         key == "PLpgSQL_stmt_while" || key == "PLpgSQL_stmt_fori" || key == "PLpgSQL_stmt_fors" ||
         key == "PLpgSQL_stmt_forc" || key == "PLpgSQL_stmt_foreach_a" ||
         key == "PLpgSQL_stmt_dynfors" || key == "exceptions";
}

// The query text of {"<field>": {"PLpgSQL_expr": {"query": ...}}}, or "".
std::string expr_query(const nlohmann::json& stmt, const char* field) {
  auto f = stmt.find(field);
  if (f == stmt.end() || !f->is_object()) return {};
  auto e = f->find("PLpgSQL_expr");
  if (e == f->end() || !e->is_object()) return {};
  auto q = e->find("query");
  return q != e->end() && q->is_string() ? q->get<std::string>() : std::string();
}

// Reads the statements out of the PL/pgSQL parser's JSON with an explicit stack: a body nested
// as deeply as the PL/pgSQL grammar allows costs heap, never native stack.
class BodyWalker {
 public:
  BodyWalker(const DoBody& body) : body_(body) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < body.text.size(); ++i)
      if (body.text[i] == '\n') line_starts_.push_back(i + 1);
  }

  void walk(const nlohmann::json& root) {
    std::vector<std::pair<const nlohmann::json*, bool>> stack{{&root, false}};
    while (!stack.empty()) {
      auto [j, conditional] = stack.back();
      stack.pop_back();
      if (j->is_array()) {
        for (const auto& e : *j)
          if (e.is_structured()) stack.emplace_back(&e, conditional);
        continue;
      }
      if (!j->is_object()) continue;
      for (auto it = j->begin(); it != j->end(); ++it) {
        const std::string& key = it.key();
        const auto& val = it.value();
        if (!val.is_structured()) continue;
        if (val.is_object()) {
          int lineno = val.contains("lineno") && val["lineno"].is_number_integer() ? val["lineno"].get<int>() : 0;
          if (key == "PLpgSQL_stmt_execsql") {
            add_statement(expr_query(val, "sqlstmt"), lineno, conditional);
          } else if (key == "PLpgSQL_stmt_call") {
            // CALL, and DO written as a statement of the body (a DO block inside a DO block).
            add_statement(expr_query(val, "expr"), lineno, conditional);
          } else if (key == "PLpgSQL_stmt_dynexecute") {
            add_dynamic(expr_query(val, "query"), lineno, conditional);
          }
        }
        stack.emplace_back(&val, conditional || is_conditional_kind(key));
      }
    }
  }

  // The statements in body order (the JSON's objects list their keys alphabetically).
  std::vector<EmbeddedSql> take() {
    std::stable_sort(found_.begin(), found_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<EmbeddedSql> out;
    out.reserve(found_.size());
    for (auto& f : found_) out.push_back(std::move(f.second));
    return out;
  }

 private:
  // Where the expression text starts in the body: the first occurrence at or after the start of
  // its line not already taken by an identical one.
  size_t locate(const std::string& needle, int lineno) {
    size_t from = 0;
    if (lineno >= 1 && static_cast<size_t>(lineno) <= line_starts_.size()) from = line_starts_[static_cast<size_t>(lineno - 1)];
    for (int pass = 0; pass < 2; ++pass) {
      for (size_t pos = body_.text.find(needle, from); pos != std::string::npos; pos = body_.text.find(needle, pos + 1)) {
        if (taken_.insert(pos).second) return pos;
      }
      from = 0;
    }
    return std::string::npos;
  }

  void add_statement(const std::string& query, int lineno, bool conditional) {
    if (query.empty()) return;
    size_t pos = locate(query, lineno);
    size_t at = pos == std::string::npos ? 0 : pos;
    found_.emplace_back(at, EmbeddedSql{query, body_.map.after_shift(static_cast<uint32_t>(at)), conditional});
  }

  void add_dynamic(const std::string& expr, int lineno, bool conditional) {
    if (expr.empty()) return;
    auto value = constant_sql(expr);
    if (!value) return;  // built at run time: not knowable here
    size_t pos = locate(expr, lineno);
    size_t at = pos == std::string::npos ? 0 : pos;
    found_.emplace_back(at, EmbeddedSql{std::move(value->value), value->map.then(body_.map.after_shift(static_cast<uint32_t>(at))), conditional});
  }

  const DoBody& body_;
  std::vector<size_t> line_starts_;
  std::set<size_t> taken_;
  std::vector<std::pair<size_t, EmbeddedSql>> found_;
};

// The first line of a message, at most ~120 bytes.
std::string short_message(const char* msg) {
  std::string m = msg && *msg ? msg : "syntax error";
  size_t nl = m.find_first_of("\r\n");
  if (nl != std::string::npos) m.resize(nl);
  if (m.size() > 120) {
    size_t at = 117;
    while (at > 0 && (static_cast<unsigned char>(m[at]) & 0xC0) == 0x80) --at;
    m.resize(at);
    m += "...";
  }
  return m;
}

}  // namespace

DoBody extract_do_body(const pg_query::DoStmt& stmt, std::string_view src, uint32_t loc_base,
                       const OffsetMap& src_map) {
  DoBody body;
  std::string language = "plpgsql";
  int location = -1;
  for (const auto& arg : stmt.args()) {
    if (!arg.has_def_elem()) continue;
    const auto& d = arg.def_elem();
    if (d.defname() == "as" && d.arg().has_string()) {
      body.text = d.arg().string().sval();
      location = d.location();
    } else if (d.defname() == "language" && d.arg().has_string()) {
      language = d.arg().string().sval();
    }
  }
  body.plpgsql = language == "plpgsql" && location >= 0;
  if (!body.plpgsql) return body;
  size_t at = static_cast<size_t>(loc_base) + static_cast<size_t>(location);
  auto lit = read_string_constant(src, at);
  if (lit && lit->value == body.text) {
    body.map = lit->map.then(src_map);
  } else {
    // A form pgsafe does not decode (U&'...'): positions from just after the opening quote.
    size_t open = std::min(at + 1, src.size());
    body.map = src_map.after_shift(static_cast<uint32_t>(open));
  }
  body.offset = body.map.map(0);
  return body;
}

std::optional<SyntaxError> find_embedded_sql(const DoBody& body, std::vector<EmbeddedSql>& out) {
  // The PL/pgSQL parser takes a CREATE FUNCTION; choose a dollar tag the body does not contain.
  std::string tag = "$pgsafe_body$";
  for (int n = 0; body.text.find(tag) != std::string::npos; ++n) tag = "$pgsafe_body" + std::to_string(n) + "$";
  std::string wrapper = "CREATE FUNCTION pgsafe_do_block() RETURNS void LANGUAGE plpgsql AS " + tag + body.text + tag;
  PlpgsqlOwner parsed(wrapper.c_str());
  if (parsed.r.error) {
    std::string msg = short_message(parsed.r.error->message);
    // Bison gives up at 10,000 levels of grammar nesting ("memory exhausted").
    bool too_deep = msg.find("memory exhausted") != std::string::npos || msg.find("stack depth") != std::string::npos;
    return SyntaxError{body.offset, std::string("the statements of this DO block are not checked: its PL/pgSQL body ") +
                                        (too_deep ? "is nested too deeply to parse (" : "does not parse (") + msg + ")"};
  }
  if (!parsed.r.plpgsql_funcs) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(parsed.r.plpgsql_funcs, nullptr, false);
  if (j.is_discarded()) {
    return SyntaxError{body.offset, "the statements of this DO block are not checked: the PL/pgSQL parser's output could not be read"};
  }
  BodyWalker walker(body);
  walker.walk(j);
  for (auto& e : walker.take()) out.push_back(std::move(e));
  return std::nullopt;
}

}  // namespace pgsafe::parser
