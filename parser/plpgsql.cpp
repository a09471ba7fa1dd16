#include "parser/plpgsql.h"

#include <pg_query.h>

#include <nlohmann/json.hpp>

namespace pgsafe::parser {

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

// A PL/pgSQL EXECUTE argument that is one plain string literal: its value.
std::optional<std::string> literal_value(const std::string& expr) {
  if (expr.size() < 2 || expr.front() != '\'' || expr.back() != '\'') return std::nullopt;
  std::string v;
  for (size_t i = 1; i + 1 < expr.size(); ++i) {
    char c = expr[i];
    if (c == '\'') {
      if (i + 2 < expr.size() && expr[i + 1] == '\'') { v.push_back('\''); ++i; continue; }
      return std::nullopt;  // concatenation or something else: not a single literal
    }
    v.push_back(c);
  }
  return v;
}

class BodyWalker {
 public:
  BodyWalker(const DoBody& body, std::vector<EmbeddedSql>& out) : body_(body), out_(out) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < body.text.size(); ++i)
      if (body.text[i] == '\n') line_starts_.push_back(i + 1);
  }

  void walk(const nlohmann::json& j, bool conditional) {
    if (j.is_array()) {
      for (const auto& e : j) walk(e, conditional);
      return;
    }
    if (!j.is_object()) return;
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& key = it.key();
      const auto& val = it.value();
      if (key == "PLpgSQL_stmt_execsql") {
        int lineno = val.value("lineno", 0);
        if (val.contains("sqlstmt")) {
          const auto& expr = val["sqlstmt"];
          if (expr.contains("PLpgSQL_expr")) add(expr["PLpgSQL_expr"].value("query", ""), lineno, conditional);
        }
      } else if (key == "PLpgSQL_stmt_dynexecute") {
        int lineno = val.value("lineno", 0);
        if (val.contains("query") && val["query"].contains("PLpgSQL_expr")) {
          std::string q = val["query"]["PLpgSQL_expr"].value("query", "");
          if (auto lit = literal_value(q)) add_literal(q, *lit, lineno, conditional);
        }
      }
      walk(val, conditional || is_conditional_kind(key));
    }
  }

 private:
  size_t locate(const std::string& needle, int lineno) const {
    size_t from = 0;
    if (lineno >= 1 && static_cast<size_t>(lineno) <= line_starts_.size()) from = line_starts_[static_cast<size_t>(lineno - 1)];
    size_t pos = body_.text.find(needle, from);
    if (pos == std::string::npos) pos = body_.text.find(needle);
    return pos;
  }

  uint32_t file_offset(size_t body_pos) const {
    // Quoted ('...') bodies have doubled quotes: offsets are approximate but stay inside the DO.
    return body_.offset + static_cast<uint32_t>(body_pos);
  }

  void add(const std::string& query, int lineno, bool conditional) {
    if (query.empty()) return;
    size_t pos = locate(query, lineno);
    uint32_t off = pos == std::string::npos ? body_.offset : file_offset(pos);
    out_.push_back(EmbeddedSql{query, off, conditional});
  }

  void add_literal(const std::string& quoted, const std::string& value, int lineno, bool conditional) {
    size_t pos = locate(quoted, lineno);
    uint32_t off = pos == std::string::npos ? body_.offset : file_offset(pos + 1);
    out_.push_back(EmbeddedSql{value, off, conditional});
  }

  const DoBody& body_;
  std::vector<EmbeddedSql>& out_;
  std::vector<size_t> line_starts_;
};

}  // namespace

DoBody extract_do_body(const pg_query::DoStmt& stmt, uint32_t base, std::string_view file_text) {
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
  uint32_t at = base + static_cast<uint32_t>(location);
  if (at < file_text.size() && file_text[at] == '$') {
    size_t close = file_text.find('$', at + 1);
    if (close != std::string_view::npos) {
      body.offset = static_cast<uint32_t>(close + 1);
    }
  } else {
    // 'body' or E'body': skip the opening quote.
    size_t q = file_text.find('\'', at);
    body.offset = q == std::string_view::npos ? at : static_cast<uint32_t>(q + 1);
  }
  return body;
}

std::optional<SyntaxError> find_embedded_sql(const DoBody& body, std::vector<EmbeddedSql>& out) {
  // The PL/pgSQL parser takes a CREATE FUNCTION; choose a dollar tag the body does not contain.
  std::string tag = "$pgsafe_body$";
  for (int n = 0; body.text.find(tag) != std::string::npos; ++n) tag = "$pgsafe_body" + std::to_string(n) + "$";
  std::string wrapper = "CREATE FUNCTION pgsafe_do_block() RETURNS void LANGUAGE plpgsql AS " + tag + body.text + tag;
  PlpgsqlOwner parsed(wrapper.c_str());
  if (parsed.r.error) {
    return SyntaxError{body.offset, parsed.r.error->message ? parsed.r.error->message : "PL/pgSQL syntax error"};
  }
  if (!parsed.r.plpgsql_funcs) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(parsed.r.plpgsql_funcs, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  BodyWalker(body, out).walk(j, false);
  return std::nullopt;
}

}  // namespace pgsafe::parser
