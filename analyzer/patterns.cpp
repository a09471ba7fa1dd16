#include "analyzer/patterns.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>
#include <sstream>

#include <pg_query/pg_query.pb.h>
#include <toml++/toml.h>

#include "analyzer/exposure.h"
#include "analyzer/pattern_template.h"
#include "analyzer/suggest.h"
#include "analyzer/volatility.h"
#include "parser/parser.h"

namespace pgsafe::patterns {

// The data files, compiled in by CMake (build/generated/pattern_data.cpp): name -> TOML text.
const std::vector<std::pair<std::string, std::string>>& embedded_pattern_files();

namespace {

using nlohmann::json;

constexpr size_t kMaxIdentifier = 63;  // NAMEDATALEN - 1

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string str_of(const toml::table& t, const char* key) {
  if (auto v = t[key].value<std::string>()) return *v;
  return {};
}

// A key the loader does not know is a typo (or a key that TOML put in the table above it): refused.
void check_keys(const std::string& file, const toml::table& t, std::initializer_list<const char*> known) {
  for (const auto& [k, v] : t) {
    bool ok = false;
    for (const char* n : known) ok = ok || k.str() == n;
    if (!ok) throw std::runtime_error("patterns/" + file + ".toml: unknown key '" + std::string(k.str()) + "'");
  }
}

// An entry of one of a pattern's lists ([[options]], [[checks]], [[steps]]): a table of known keys.
const toml::table& entry(const std::string& file, const toml::node& n, const char* list,
                         std::initializer_list<const char*> known) {
  if (!n.as_table()) throw std::runtime_error("patterns/" + file + ".toml: " + list + " must hold tables");
  check_keys(file, *n.as_table(), known);
  return *n.as_table();
}

// Loads every pattern once; a malformed data file is a build defect that the tests catch, so it
// aborts with the file and the problem rather than running with half a library.
struct Library {
  std::vector<PatternDef> patterns;
  std::map<std::string, std::string> fragments;
  std::map<std::string, std::string> sources;

  Library() {
    for (const auto& [file, text] : embedded_pattern_files()) {
      const std::string name = file.substr(0, file.rfind('.'));  // "table.toml" -> "table"
      sources[name] = text;
      toml::table root;
      try {
        root = toml::parse(text, "patterns/" + name + ".toml");
      } catch (const toml::parse_error& e) {
        throw std::runtime_error("patterns/" + name + ".toml: " + std::string(e.description()));
      }
      if (name == "_fragments") {
        if (auto* f = root["fragments"].as_table())
          for (const auto& [k, v] : *f)
            if (auto s = v.value<std::string>()) fragments[std::string(k.str())] = *s;
        continue;
      }
      check_keys(name, root, {"summary", "description", "example", "options", "derived", "checks", "require_one_of", "steps"});
      PatternDef p;
      p.name = name;
      p.summary = str_of(root, "summary");
      p.description = str_of(root, "description");
      p.example = str_of(root, "example");
      if (auto* opts = root["options"].as_array())
        for (const auto& n : *opts) {
          const auto& t = entry(name, n, "options", {"name", "kind", "required", "default", "help", "choices", "auto", "of"});
          OptionDef o;
          o.name = str_of(t, "name");
          o.kind = str_of(t, "kind");
          o.required = t["required"].value_or(false);
          if (auto d = t["default"].value<std::string>()) o.default_value = *d;
          o.help = str_of(t, "help");
          o.auto_from = str_of(t, "auto");
          o.of = str_of(t, "of");
          if (auto* c = t["choices"].as_array())
            for (const auto& x : *c) o.choices.push_back(x.value_or(std::string()));
          p.options.push_back(std::move(o));
        }
      if (auto* d = root["derived"].as_table())
        for (const auto& [k, v] : *d) {
          DerivedDef dd;
          dd.name = std::string(k.str());
          if (auto s = v.value<std::string>()) {
            dd.tmpl = *s;
          } else if (auto* t = v.as_table()) {
            check_keys(name, *t, {"prefix", "identifier", "join", "second", "suffix", "unused"});
            dd.tmpl = str_of(*t, "identifier");
            dd.prefix = str_of(*t, "prefix");
            if (t->contains("join")) dd.join = str_of(*t, "join");
            dd.second = str_of(*t, "second");
            dd.suffix = str_of(*t, "suffix");
            dd.unused = str_of(*t, "unused");
            dd.identifier = true;
          }
          p.derived.push_back(std::move(dd));
        }
      if (auto* c = root["checks"].as_array())
        for (const auto& n : *c) {
          const auto& t = entry(name, n, "checks", {"fail_when", "message"});
          p.checks.push_back({str_of(t, "fail_when"), str_of(t, "message")});
        }
      if (auto* r = root["require_one_of"].as_array())
        for (const auto& x : *r) p.require_one_of.push_back(x.value_or(std::string()));
      if (auto* steps = root["steps"].as_array())
        for (const auto& n : *steps) {
          const auto& t = entry(name, n, "steps", {"name", "when", "phase", "no_transaction", "up", "down"});
          StepDef s;
          s.name = str_of(t, "name");
          s.when = str_of(t, "when");
          s.phase = str_of(t, "phase");
          s.no_transaction = t["no_transaction"].value_or(false);
          s.up = str_of(t, "up");
          s.down = str_of(t, "down");
          p.steps.push_back(std::move(s));
        }
      patterns.push_back(std::move(p));
    }
    std::sort(patterns.begin(), patterns.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  }
};

const Library& library() {
  static const Library lib;
  return lib;
}

// ---- names ----

struct QName {
  std::string schema, name;
  bool ok = true;
};

// "orders", "app.orders", "\"Order Items\"": folded as PostgreSQL folds unquoted names.
bool plain_identifier(const std::string& s);

QName parse_qualified(const std::string& text, const std::string& default_schema) {
  std::vector<std::string> parts;
  std::string cur;
  bool quoted = false, was_quoted = false, bad = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = was_quoted = true;
    } else if (c == '.') {
      if (!was_quoted && !plain_identifier(cur)) bad = true;
      parts.push_back(was_quoted ? cur : lower(cur));
      cur.clear();
      was_quoted = false;
    } else {
      cur += c;
    }
  }
  if (!was_quoted && !plain_identifier(cur)) bad = true;
  parts.push_back(was_quoted ? cur : lower(cur));
  QName q;
  if (quoted || bad || parts.size() > 2) q.ok = false;
  for (const auto& p : parts) q.ok = q.ok && !p.empty() && p.size() <= kMaxIdentifier;
  if (!q.ok) return q;
  if (parts.size() == 2) {
    q.schema = parts[0];
    q.name = parts[1];
  } else {
    q.schema = default_schema;
    q.name = parts[0];
  }
  return q;
}

std::string singular(const std::string& plural) {
  auto ends = [&](const char* s) {
    size_t n = std::strlen(s);
    return plural.size() > n && plural.compare(plural.size() - n, n, s) == 0;
  };
  if (ends("ies")) return plural.substr(0, plural.size() - 3) + "y";
  if (ends("sses") || ends("shes") || ends("ches") || ends("xes") || ends("zes"))
    return plural.substr(0, plural.size() - 2);
  if (ends("ss") || ends("us") || ends("is")) return plural;
  if (ends("s")) return plural.substr(0, plural.size() - 1);
  return plural;
}

// An identifier made from parts may pass PostgreSQL's 63 bytes: cut it (on a character
// boundary) as PostgreSQL would, so what pgsafe writes is the name the server keeps.
std::string fit_identifier(std::string name, const std::string& suffix = "") {
  if (name.size() + suffix.size() <= kMaxIdentifier) return name + suffix;
  size_t cut = suffix.size() >= kMaxIdentifier ? 0 : kMaxIdentifier - suffix.size();
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  return name.substr(0, cut) + suffix;
}

// An unquoted SQL identifier as a user types one: a letter or _, then letters, digits, _ or $.
bool plain_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_' || (s[0] & 0x80))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || (c & 0x80);
  });
}

// `word` in `text` as a whole identifier (not inside a longer name): `id` is not in `paid`.
bool mentions(const std::string& text, const std::string& word) {
  auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; };
  for (size_t pos = text.find(word); pos != std::string::npos; pos = text.find(word, pos + 1)) {
    bool left = pos == 0 || !ident(text[pos - 1]);
    bool right = pos + word.size() >= text.size() || !ident(text[pos + word.size()]);
    if (left && right) return true;
  }
  return false;
}

bool has_control(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

// ---- SQL checks through the real parser ----

// One expression, and only that: `SELECT (<expr>)` must parse to one statement with one target.
bool parse_expression(const std::string& expr, bool& is_volatile, std::string& why) {
  std::string sql = "SELECT (" + expr + ")";
  auto parsed = parser::parse_sql(sql);
  const auto& stmts = parsed.statements();
  if (stmts.size() != 1 || stmts[0].error || !stmts[0].node) {
    why = stmts.size() > 1 ? "it is more than one expression"
                           : (stmts.empty() || !stmts[0].error ? "it does not parse" : stmts[0].error->message);
    return false;
  }
  const auto& n = *stmts[0].node;
  if (!n.has_select_stmt() || n.select_stmt().target_list_size() != 1 || n.select_stmt().from_clause_size() != 0) {
    why = "it is not one expression";
    return false;
  }
  is_volatile = expression_volatility(n.select_stmt().target_list(0).res_target().val()) == Volatility::Volatile;
  return true;
}

bool parse_type(const std::string& type, std::string& why) {
  std::string sql = "SELECT NULL::" + type;
  auto parsed = parser::parse_sql(sql);
  const auto& stmts = parsed.statements();
  if (stmts.size() != 1 || stmts[0].error || !stmts[0].node || !stmts[0].node->has_select_stmt() ||
      stmts[0].node->select_stmt().target_list_size() != 1 ||
      !stmts[0].node->select_stmt().target_list(0).res_target().val().has_type_cast()) {
    why = stmts.size() == 1 && stmts[0].error ? stmts[0].error->message : "it is not one type name";
    return false;
  }
  return true;
}

// ---- the context ----

bool is_uuid(const ColumnType& t) { return t.name == "uuid" && t.array_dims == 0; }

// A column's type as another column of the same values is declared: serial types are integers
// with a sequence default, and a referencing column must not get a sequence of its own.
std::string type_sql(const ColumnType& t) {
  std::string d = lower(t.display);
  std::string dims;
  for (int i = 0; i < t.array_dims; ++i) dims += "[]";
  if (d == "serial" || d == "serial4") return "integer" + dims;
  if (d == "bigserial" || d == "serial8") return "bigint" + dims;
  if (d == "smallserial" || d == "serial2") return "smallint" + dims;
  if (!t.display.empty()) return t.display;
  return t.name;
}

class Builder {
 public:
  Builder(const PatternDef& p, const Catalog& c, const ProjectFacts& f) : p_(p), catalog_(c), facts_(f) {}

  RenderResult run(const std::map<std::string, std::string>& given) {
    RenderResult r;
    for (const auto& [k, v] : given)
      if (!p_.option(k)) r.errors.push_back("pattern '" + p_.name + "' has no option --" + k + options_hint());
    if (!r.errors.empty()) return r;
    ctx_ = json::object();
    ctx_["project"] = project_json();
    for (const auto& o : p_.options) {
      std::string value;
      auto it = given.find(o.name);
      bool explicit_value = it != given.end() && !it->second.empty();
      if (explicit_value) {
        value = it->second;
      } else if (o.default_value) {
        try {
          value = render_template(*o.default_value, ctx_, library().fragments);
        } catch (const TemplateError&) {
          value.clear();  // a default built from an option that was not given
        }
      }
      if (has_control(value) || value.find("$pgsafe$") != std::string::npos) {
        r.errors.push_back("--" + o.name + ": a value may not hold line breaks, control characters or $pgsafe$ (the "
                           "patterns' dollar quote)");
        ctx_[o.name] = "";
        continue;
      }
      std::string err;
      json v = option_value(o, value, explicit_value, err);
      if (!err.empty()) {
        r.errors.push_back("--" + o.name + " " + err);
        v = "";
      } else if (o.required && !template_truthy(v)) {
        r.errors.push_back("--" + o.name + " is required: " + o.help);
      }
      ctx_[o.name] = v;
    }
    if (!p_.require_one_of.empty()) {
      bool any = false;
      std::string names;
      for (const auto& n : p_.require_one_of) {
        any = any || template_truthy(ctx_.value(n, json("")));
        names += (names.empty() ? "--" : " or --") + n;
      }
      if (!any) r.errors.push_back("give " + names + " (see `pgsafe patterns show " + p_.name + "`)");
    }
    if (!r.errors.empty()) return r;
    derive(r);
    if (!r.errors.empty()) return r;
    for (const auto& c : p_.checks) {
      std::string fail = trim(render_template(c.fail_when, ctx_, library().fragments));
      if (!fail.empty()) r.errors.push_back(render_template(c.message, ctx_, library().fragments));
    }
    if (!r.errors.empty()) return r;
    std::string phase = ctx_.contains("phase") && ctx_["phase"].is_object() ? ctx_["phase"]["sql"].get<std::string>() : "";
    for (const auto& s : p_.steps) {
      if (!s.phase.empty() && s.phase != phase) continue;
      if (!s.when.empty() && !template_truthy(lookup(s.when))) continue;
      RenderedStep out;
      out.name = s.name;
      out.no_transaction = s.no_transaction;
      out.up = tidy(render_template(s.up, ctx_, library().fragments));
      out.down = tidy(render_template(s.down, ctx_, library().fragments));
      r.steps.push_back(std::move(out));
    }
    r.context = ctx_;
    return r;
  }

 private:
  std::string options_hint() const {
    std::string names;
    for (const auto& o : p_.options) names += (names.empty() ? "" : ", ") + ("--" + o.name);
    return " (options: " + names + ")";
  }

  json lookup(const std::string& path) const {
    const json* v = template_lookup(ctx_, path);
    return v ? *v : json();
  }

  // Rendered SQL: no trailing blanks, no run of blank lines, one final newline.
  static std::string tidy(const std::string& s) {
    std::string out;
    std::istringstream in(s);
    std::string line;
    int blanks = 0;
    while (std::getline(in, line)) {
      while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.pop_back();
      if (line.empty()) {
        if (out.empty() || ++blanks > 1) continue;
      } else {
        blanks = 0;
      }
      out += line + "\n";
    }
    while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
    return out;
  }

  json project_json() const {
    json j;
    j["supabase"] = facts_.supabase;
    j["exposed"] = facts_.exposed;
    j["pg_version"] = facts_.pg_version;
    j["security_invoker"] = facts_.pg_version >= 15;
    j["id_type"] = facts_.id_type;
    j["rls"] = facts_.exposed ? "on" : "off";
    j["api_role"] = facts_.api_role;
    j["idx_pre"] = facts_.idx_pre;
    j["idx_mid"] = facts_.idx_mid;
    j["idx_suf"] = facts_.idx_suf;
    j["lock_timeout"] = facts_.lock_timeout;
    j["schema"] = facts_.default_schema;
    return j;
  }

  std::string table_sql(const std::string& schema, const std::string& name) const {
    if (schema != "public" || facts_.qualify_public) return quote_ident(schema) + "." + quote_ident(name);
    return quote_ident(name);
  }

  json table_common(const std::string& schema, const std::string& name) const {
    json j;
    j["sql"] = table_sql(schema, name);
    j["schema"] = schema;
    j["bare"] = name;
    j["ident"] = quote_ident(name);
    j["singular"] = singular(name);
    bool qualified = schema != "public" || facts_.qualify_public;
    j["schema_prefix"] = qualified ? quote_ident(schema) + "." : "";
    return j;
  }

  std::vector<std::string> table_names() const {
    std::vector<std::string> names;
    for (const auto& [k, t] : catalog_.tables()) names.push_back(t.schema == "public" ? t.name : t.qualified());
    return names;
  }

  json table_json(const Table& t) const {
    json j = table_common(t.schema, t.name);
    j["rls"] = t.rls_enabled;
    json pk = json::object();
    if (const Constraint* k = t.primary_key(); k && k->columns.size() == 1) {
      pk["bare"] = k->columns[0];
      pk["sql"] = quote_ident(k->columns[0]);
      if (const Column* c = t.find_column(k->columns[0])) pk["type"] = type_sql(c->type);
    }
    j["pk"] = pk;
    std::string order = t.find_column("created_at") ? "created_at" : (pk.contains("bare") ? pk["bare"].get<std::string>() : "");
    j["default_order_column"] = order;
    // Unique keys (for soft delete): constraints and unique indexes that are not the primary
    // key and not partial; those a foreign key references stay (PostgreSQL needs them).
    json uniques = json::array(), constraints = json::array(), indexes = json::array(), kept = json::array();
    auto referenced_by = [&](const std::vector<std::string>& cols) -> std::string {
      for (const auto& [k, other] : catalog_.tables())
        for (const auto& c : other.constraints)
          if (c.kind == ConstraintKind::ForeignKey && c.ref_table == t.qualified()) {
            auto rc = c.ref_columns;
            if (rc.empty())
              if (const Constraint* pkc = t.primary_key()) rc = pkc->columns;
            if (rc == cols) return other.name + "." + c.name;
          }
      return "";
    };
    auto cols_sql = [](const std::vector<std::string>& cols) {
      std::string s;
      for (const auto& c : cols) s += (s.empty() ? "" : ", ") + quote_ident(c);
      return s;
    };
    auto cols_bare = [](const std::vector<std::string>& cols) {
      std::string s;
      for (const auto& c : cols) s += (s.empty() ? "" : "_") + c;
      return s;
    };
    std::set<std::string> seen_index;
    // One unique key: kept when a foreign key references it, else to be replaced (into `into`).
    auto add_unique = [&](const std::string& name, const std::vector<std::string>& cols, json& into) {
      json u;
      u["name"] = quote_ident(name);
      u["columns"] = cols_sql(cols);
      u["partial_name"] = quote_ident(fit_identifier(t.name + "_" + cols_bare(cols), "_active_key"));
      std::string ref = referenced_by(cols);
      if (!ref.empty()) {
        u["referenced_by"] = ref;
        kept.push_back(u);
        return;
      }
      uniques.push_back(u);
      into.push_back(u);
    };
    for (const auto& c : t.constraints) {
      if (c.kind != ConstraintKind::Unique) continue;
      seen_index.insert(t.schema + "." + c.name);
      add_unique(c.name, c.columns, constraints);
    }
    for (const Index* ix : catalog_.indexes_on(t.qualified())) {
      if (!ix->unique || ix->primary || ix->partial || !ix->constraint.empty() || seen_index.count(ix->name)) continue;
      bool plain = std::none_of(ix->columns.begin(), ix->columns.end(), [](const std::string& c) { return c.empty(); });
      if (!plain) continue;  // expression keys: left as they are
      add_unique(ix->short_name(), ix->columns, indexes);
    }
    j["uniques"] = uniques;
    j["unique_constraints"] = constraints;
    j["unique_indexes"] = indexes;
    j["kept_uniques"] = kept;
    return j;
  }

  json column_json(const Table& t, const Column& c) const {
    json j;
    j["sql"] = quote_ident(c.name);
    j["bare"] = c.name;
    j["exists"] = true;
    j["type"] = type_sql(c.type);
    j["is_uuid"] = is_uuid(c.type);
    // A column that must match this one's type (a foreign key to it) inherits a narrow integer:
    // the style rule that would ask for bigint is answered in the file, with the reason.
    j["narrow_int_rule"] = c.type.array_dims ? "" : (c.type.name == "int4" ? "prefer-bigint-over-int"
                                                     : c.type.name == "int2" ? "prefer-bigint-over-smallint" : "");
    j["is_text"] = (c.type.name == "text" || c.type.name == "varchar") && c.type.array_dims == 0;
    j["not_null"] = c.not_null;
    // A key another table can reference: the one-column primary key, or a one-column unique
    // constraint or (non-partial) unique index.
    bool key = false;
    for (const auto& k : t.constraints)
      if ((k.kind == ConstraintKind::PrimaryKey || k.kind == ConstraintKind::Unique) && k.columns == std::vector<std::string>{c.name})
        key = true;
    for (const Index* ix : catalog_.indexes_on(t.qualified()))
      if (ix->unique && !ix->partial && ix->columns == std::vector<std::string>{c.name}) key = true;
    j["is_key"] = key;
    j["default"] = c.default_expr;
    bool leads_index = false;
    json indexes = json::array();
    std::vector<std::string> blockers;
    for (const Index* ix : catalog_.indexes_on(t.qualified())) {
      if (!ix->columns.empty() && ix->columns[0] == c.name) leads_index = true;
      bool uses = std::find(ix->columns.begin(), ix->columns.end(), c.name) != ix->columns.end();
      if (!uses && !mentions(ix->predicate, c.name)) continue;
      if (ix->primary) continue;  // reported with the constraint below
      if (ix->columns.size() == 1 && ix->columns[0] == c.name && !ix->partial && ix->include.empty() &&
          (ix->constraint.empty() || ix->unique)) {
        json x;
        x["name"] = quote_ident(ix->short_name());
        x["unique"] = ix->unique;
        std::string nn = ix->short_name();
        // The column's name after the table's (users_name_idx), not inside it (statuses_status_idx).
        size_t from = nn.rfind(t.name + "_", 0) == 0 ? t.name.size() : 0;
        auto pos = nn.find(c.name, from);
        // The name around the column's (the new column's name goes between), or, when the index
        // name does not contain it, the old name with _new.
        x["name_around_column"] = pos == std::string::npos
                                      ? json::array({nn + "_new"})
                                      : json::array({nn.substr(0, pos), nn.substr(pos + c.name.size())});
        indexes.push_back(x);
      } else {
        blockers.push_back("index " + ix->short_name() + " (over several columns, an expression or a predicate)");
      }
    }
    for (const auto& k : t.constraints) {
      bool uses = std::find(k.columns.begin(), k.columns.end(), c.name) != k.columns.end();
      if (k.kind == ConstraintKind::Check && mentions(k.expr, c.name)) uses = true;
      if (!uses) continue;
      if (k.kind == ConstraintKind::PrimaryKey) blockers.push_back("the primary key " + k.name);
      else if (k.kind == ConstraintKind::ForeignKey) blockers.push_back("foreign key " + k.name);
      else if (k.kind == ConstraintKind::Check) blockers.push_back("CHECK " + k.name);
      else if (k.kind == ConstraintKind::Exclusion) blockers.push_back("exclusion constraint " + k.name);
      else if (k.kind == ConstraintKind::Unique && k.columns.size() > 1) blockers.push_back("unique key " + k.name + " over several columns");
    }
    for (const auto& [key, other] : catalog_.tables())
      for (const auto& k : other.constraints)
        if (k.kind == ConstraintKind::ForeignKey && k.ref_table == t.qualified() &&
            std::find(k.ref_columns.begin(), k.ref_columns.end(), c.name) != k.ref_columns.end())
          blockers.push_back("foreign key " + other.name + "." + k.name + " references it");
    if (c.generated) blockers.push_back("it is a generated column");
    if (c.identity) blockers.push_back("it is an identity column");
    std::string b;
    for (const auto& x : blockers) b += (b.empty() ? "" : "; ") + x;
    j["rename_blockers"] = b;
    j["indexes"] = indexes;
    j["needs_index"] = !leads_index;
    return j;
  }

  const Table* table_of(const OptionDef& o) const {
    std::string of = o.of.empty() ? "table" : o.of;
    if (!ctx_.contains(of) || !ctx_[of].is_object() || !ctx_[of].contains("schema")) return nullptr;
    return catalog_.find_table(ctx_[of]["schema"].get<std::string>(), ctx_[of]["bare"].get<std::string>());
  }

  json option_value(const OptionDef& o, const std::string& value, bool explicit_value, std::string& err) {
    const std::string& k = o.kind;
    if (value.empty() && k != "choice") return "";
    if (k == "table" || k == "new-table") {
      QName q = parse_qualified(value, facts_.default_schema);
      if (!q.ok) {
        err = "'" + value + "' is not a table name";
        return "";
      }
      const Table* t = catalog_.find_table(q.schema, q.name);
      if (k == "new-table") {
        if (t || catalog_.find_view(q.schema + "." + q.name)) {
          err = "'" + value + "': the migrations already create " + q.schema + "." + q.name;
          return "";
        }
        return table_common(q.schema, q.name);
      }
      if (!t) {
        err = "'" + value + "': no such table in the migrations" + did_you_mean(value, table_names());
        return "";
      }
      if (!t->known || !t->columns_known) {
        err = "'" + value + "': the migrations only alter this table (it was created elsewhere), so pgsafe does not "
              "know its columns";
        return "";
      }
      return table_json(*t);
    }
    if (k == "column" || k == "new-column" || k == "identifier" || k == "columns") {
      const Table* t = (k == "identifier" && o.of.empty()) ? nullptr : table_of(o);
      if (k == "columns") {
        json j;
        std::string sql, bare;
        std::stringstream ss(value);
        std::string part;
        while (std::getline(ss, part, ',')) {
          std::string name = lower(trim(part));
          if (name.empty()) {
            err = "'" + value + "': an empty column name in the list";
            return "";
          }
          if (t && !t->find_column(name)) {
            err = "'" + name + "': " + t->name + " has no such column";
            return "";
          }
          sql += (sql.empty() ? "" : ", ") + quote_ident(name);
          bare += (bare.empty() ? "" : "_") + name;
        }
        j["sql"] = sql;
        j["bare"] = bare;
        return j;
      }
      std::string name = value;
      if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
        name = name.substr(1, name.size() - 2);
      } else if (explicit_value) {  // typed by the user: folded as PostgreSQL folds it
        if (!plain_identifier(name)) {
          err = "'" + value + "' is not a name: letters, digits and _ (double-quote it for anything else)";
          return "";
        }
        name = lower(name);
      }
      if (name.empty() || name.size() > kMaxIdentifier || name.find('"') != std::string::npos) {
        err = "'" + value + "' is not a name (at most 63 bytes)";
        return "";
      }
      const Column* c = t ? t->find_column(name) : nullptr;
      if (k == "column") {
        if (!t) return "";  // the table option already said what is wrong
        if (!c) {
          std::vector<std::string> cols;
          for (const auto& x : t->columns) cols.push_back(x.name);
          err = "'" + name + "': " + t->name + " has no such column" + did_you_mean(name, cols);
          return "";
        }
        if (!c->type_known) {
          err = "'" + name + "': pgsafe does not know this column's type";
          return "";
        }
        return column_json(*t, *c);
      }
      if (k == "new-column" && c) {
        err = "'" + name + "': " + t->name + " already has this column";
        return "";
      }
      json j;
      j["sql"] = quote_ident(name);
      j["bare"] = name;
      j["literal"] = quote_literal(name);
      j["exists"] = c != nullptr;
      return j;
    }
    if (k == "role") {
      std::string role = value == "auto" ? facts_.api_role : value;
      if (value != "auto" && role.size() >= 2 && role.front() == '"' && role.back() == '"') role = role.substr(1, role.size() - 2);
      else if (value != "auto" && !role.empty()) {
        if (!plain_identifier(role)) {
          err = "'" + value + "' is not a role name (double-quote it for anything but letters, digits and _)";
          return "";
        }
        role = lower(role);
      }
      if (role.empty() && o.required) {
        err = "is needed: no API role is known for this project (it is not a Supabase project and its migrations grant "
              "to no role), so name the role clients use, e.g. --" + o.name + " app_user";
        return "";
      }
      if (role.empty()) return "";
      if (has_control(role) || role.find('"') != std::string::npos || role.size() > kMaxIdentifier) {
        err = "'" + role + "' is not a role name";
        return "";
      }
      json j;
      j["sql"] = quote_ident(role);
      j["bare"] = role;
      return j;
    }
    if (k == "text") {
      json j;
      j["sql"] = value;
      j["literal"] = quote_literal(value);
      return j;
    }
    if (k == "sql") {
      bool vol = false;
      std::string why;
      if (!parse_expression(value, vol, why)) {
        err = "'" + value + "' is not one SQL expression: " + why;
        return "";
      }
      json j;
      j["sql"] = value;
      j["volatile"] = vol;
      return j;
    }
    if (k == "type") {
      std::string why;
      if (value.find(';') != std::string::npos || value.find("--") != std::string::npos || value.find("/*") != std::string::npos) {
        err = "'" + value + "' is not a type: no ';' or comments";
        return "";
      }
      if (!parse_type(value, why)) {
        err = "'" + value + "' is not a type: " + why;
        return "";
      }
      json j;
      j["sql"] = value;
      j["is_uuid"] = lower(trim(value)) == "uuid";
      return j;
    }
    if (k == "integer") {
      bool digits = !value.empty() && value.size() <= 9 &&
                    std::all_of(value.begin(), value.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      if (!digits || std::stol(value) == 0) {
        err = "'" + value + "' is not a positive whole number";
        return "";
      }
      return value;
    }
    if (k == "choice") {
      std::string v = value.empty() ? (o.default_value ? *o.default_value : "") : value;
      if (std::find(o.choices.begin(), o.choices.end(), v) == o.choices.end()) {
        std::string list;
        for (const auto& c : o.choices) list += (list.empty() ? "" : ", ") + c;
        err = "'" + v + "' is not one of " + list;
        return "";
      }
      if (v == "auto" && !o.auto_from.empty()) {
        json a = lookup(o.auto_from);
        v = a.is_string() ? a.get<std::string>() : "";
      }
      json j;
      for (const auto& c : o.choices) j[c] = false;  // every choice can be tested, the chosen one is true
      j["sql"] = v;
      j[v] = true;
      return j;
    }
    if (k == "enum" || k == "label" || k == "new-label") {
      if (k == "enum") {
        QName q = parse_qualified(value, facts_.default_schema);
        const UserType* ty = q.ok ? catalog_.find_type(q.schema + "." + q.name) : nullptr;
        if (!ty || ty->kind != UserTypeKind::Enum) {
          std::vector<std::string> names;
          for (const auto& [key, ut] : catalog_.types())
            if (ut.kind == UserTypeKind::Enum) names.push_back(ut.schema == "public" ? ut.name : ut.qualified());
          err = "'" + value + "': no such enum type in the migrations" + did_you_mean(value, names);
          return "";
        }
        json j = table_common(ty->schema, ty->name);
        j["labels"] = ty->labels;
        return j;
      }
      std::string of = o.of.empty() ? "type" : o.of;
      json labels = lookup(of + ".labels");
      if (!labels.is_array()) return "";  // the enum option said what is wrong
      bool present = std::find(labels.begin(), labels.end(), json(value)) != labels.end();
      if (k == "label" && !present) {
        std::vector<std::string> names = labels.get<std::vector<std::string>>();
        err = "'" + value + "': the enum has no such value" + did_you_mean(value, names);
        return "";
      }
      if (k == "new-label" && present) {
        err = "'" + value + "': the enum already has this value";
        return "";
      }
      if (value.size() > kMaxIdentifier) {
        err = "'" + value + "': an enum value is at most 63 bytes";
        return "";
      }
      json j;
      j["sql"] = quote_literal(value);
      j["literal"] = quote_literal(value);
      j["bare"] = value;
      return j;
    }
    err = "has an unknown kind '" + k + "' in the pattern's data file";
    return "";
  }

  // A derived name cut to 63 bytes with its suffix kept; for an index or constraint, numbered
  // (as PostgreSQL numbers the names it chooses) when the table already has one of that name; a
  // policy name that is taken is refused (the pattern was applied to this table before).
  std::string free_name(const DerivedDef& d, std::string first, RenderResult& r) {
    auto render = [&](const std::string& t) { return render_template(t, ctx_, library().fragments); };
    std::string prefix = render(d.prefix), second = render(d.second), suffix = render(d.suffix);
    std::string join = second.empty() ? "" : render(d.join);
    auto utf8_cut = [](std::string& s) {
      s.pop_back();
      while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
      if (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0xC0) s.pop_back();
    };
    // Everything but the suffix: numbering (below) goes before the suffix.
    auto base_of = [&](size_t room) {
      std::string a = first, b = second;
      while (prefix.size() + a.size() + join.size() + b.size() > room && (!a.empty() || !b.empty()))
        utf8_cut(a.size() >= b.size() ? a : b);
      return prefix + a + join + b;
    };
    size_t room = suffix.size() >= kMaxIdentifier ? 0 : kMaxIdentifier - suffix.size();
    std::string base = base_of(room);
    std::string name = base + suffix;
    if (d.unused.empty() || !ctx_.contains("table") || !ctx_["table"].is_object()) return name;
    const json& tj = ctx_["table"];
    std::string schema = tj.value("schema", facts_.default_schema);
    const Table* t = catalog_.find_table(schema, tj.value("bare", ""));
    auto taken = [&](const std::string& n) {
      if (d.unused == "index") return catalog_.find_index(schema + "." + n) != nullptr || catalog_.find_table(schema, n) != nullptr;
      if (d.unused == "constraint") return t && t->find_constraint(n) != nullptr;
      if (d.unused == "policy") return t && t->find_policy(n) != nullptr;
      return false;
    };
    if (!taken(name)) return name;
    if (d.unused == "policy") {
      r.errors.push_back(tj.value("bare", "") + " already has a policy named " + name +
                         " (was this pattern applied to it before?)");
      return name;
    }
    for (int i = 1; i < 1000; ++i) {
      std::string n = std::to_string(i);
      std::string candidate = base_of(room > n.size() ? room - n.size() : 0) + n + suffix;
      if (!taken(candidate)) return candidate;
    }
    return name;
  }

  void derive(RenderResult& r) {
    std::vector<const DerivedDef*> todo;
    for (const auto& d : p_.derived) todo.push_back(&d);
    // Derived values may use each other: render those whose inputs exist, until none is left.
    while (!todo.empty()) {
      std::vector<const DerivedDef*> later;
      std::string last_error;
      for (const auto* d : todo) {
        try {
          std::string v = render_template(d->tmpl, ctx_, library().fragments);
          if (d->identifier) {
            json j;
            std::string name = free_name(*d, v, r);  // throws TemplateError (retried) when a part cannot render yet
            j["sql"] = quote_ident(name);
            j["bare"] = name;
            ctx_[d->name] = j;
          } else {
            ctx_[d->name] = v;
          }
        } catch (const TemplateError& e) {
          later.push_back(d);
          last_error = e.what();
        }
      }
      if (later.size() == todo.size()) {
        r.errors.push_back("pattern '" + p_.name + "': " + last_error);
        return;
      }
      todo = std::move(later);
    }
    // The shared trigger function that keeps a timestamp column current: set_updated_at() (for
    // another column, set_<column>()) in the default schema, created by the first migration that
    // needs it. A function is reused only under that exact name: pgsafe cannot see a body, so a
    // look-alike name (update_updated_at_column) proves nothing about which column it sets.
    if (ctx_.contains("updated_at_bare") && ctx_["updated_at_bare"].is_string()) {
      std::string fname = fit_identifier("set_" + ctx_["updated_at_bare"].get<std::string>());
      json fn;
      fn["sql"] = quote_ident(facts_.default_schema) + "." + quote_ident(fname);
      fn["exists"] = !catalog_.functions_named(facts_.default_schema + "." + fname).empty();
      ctx_["updated_at_function"] = fn;
    }
    // Index names for a renamed column's indexes: the old name with the column's name replaced.
    if (ctx_.contains("column") && ctx_["column"].is_object() && ctx_["column"].contains("indexes") && ctx_.contains("to") &&
        ctx_["to"].is_object())
      for (auto& ix : ctx_["column"]["indexes"]) {
        const json& around = ix["name_around_column"];
        std::string name = around.size() == 1 ? around[0].get<std::string>()
                                              : around[0].get<std::string>() + ctx_["to"]["bare"].get<std::string>() +
                                                    around[1].get<std::string>();
        ix["new_name"] = quote_ident(fit_identifier(name));
      }
  }

  const PatternDef& p_;
  const Catalog& catalog_;
  const ProjectFacts& facts_;
  json ctx_;
};

// How the project names the indexes it creates with CREATE INDEX: PostgreSQL's own
// <table>_<cols>_idx, idx_<table>_<cols>, ix_<table>_<cols> or Rails' index_<table>_on_<cols>.
void observe_index_style(const Catalog& catalog, ProjectFacts& f) {
  int pg = 0, idx = 0, ix = 0, rails = 0;
  for (const auto& [name, index] : catalog.indexes()) {
    if (!index.constraint.empty() || index.primary) continue;
    std::string n = index.short_name();
    if (n.rfind("index_", 0) == 0 && n.find("_on_") != std::string::npos) ++rails;
    else if (n.rfind("idx_", 0) == 0) ++idx;
    else if (n.rfind("ix_", 0) == 0) ++ix;
    else if (n.size() > 4 && n.compare(n.size() - 4, 4, "_idx") == 0) ++pg;
  }
  int best = std::max({pg, idx, ix, rails});
  if (best == 0 || best == pg) return;
  f.idx_suf = "";
  if (best == idx) f.idx_pre = "idx_";
  else if (best == ix) f.idx_pre = "ix_";
  else {
    f.idx_pre = "index_";
    f.idx_mid = "_on_";
  }
}

}  // namespace

const OptionDef* PatternDef::option(const std::string& n) const {
  for (const auto& o : options)
    if (o.name == n) return &o;
  return nullptr;
}

const std::vector<PatternDef>& all_patterns() { return library().patterns; }

const PatternDef* find_pattern(const std::string& name) {
  for (const auto& p : library().patterns)
    if (p.name == name) return &p;
  return nullptr;
}

const std::map<std::string, std::string>& fragments() { return library().fragments; }

std::string pattern_source(const std::string& name) {
  auto it = library().sources.find(name);
  return it == library().sources.end() ? "" : it->second;
}

ProjectFacts observe_project(const MigrationSet& set, const std::map<std::string, std::string>& texts,
                             const Catalog& catalog, const Settings& settings) {
  ProjectFacts f;
  f.pg_version = settings.pg_version;
  ExposureDetector exposure;
  exposure.observe_set(set);
  f.supabase = exposure.supabase();
  for (const auto& [path, text] : texts) exposure.observe_text(text, {}, path);
  // What the catalog shows of an API (RLS, policies, grants to the API roles), and which roles
  // the migrations grant reads to.
  std::map<std::string, int> grantees;
  bool catalog_api = false;
  for (const auto& [k, t] : catalog.tables()) {
    if (t.rls_enabled || !t.policies.empty()) catalog_api = true;
    for (const auto& [role, privs] : t.grants) {
      catalog_api = catalog_api || is_api_role(role);
      if (role != "public" && privs.count("select")) ++grantees[role];
    }
  }
  if (settings.exposed_schemas_auto) {
    f.exposed = exposure.exposed() || catalog_api;
  } else {
    f.exposed = std::find(settings.exposed_schemas.begin(), settings.exposed_schemas.end(), "public") !=
                settings.exposed_schemas.end();
  }
  if (f.supabase) {
    f.api_role = "authenticated";
  } else {
    int best = 0;
    for (const auto& [role, n] : grantees)
      if (n > best && role != "anon") {
        best = n;
        f.api_role = role;
      }
  }
  // Key types: uuid when most tables of the set have a one-column uuid primary key.
  int uuid = 0, other = 0;
  for (const auto& [k, t] : catalog.tables()) {
    if (!t.known) continue;
    const Constraint* pk = t.primary_key();
    if (!pk || pk->columns.size() != 1) continue;
    const Column* c = t.find_column(pk->columns[0]);
    if (!c) continue;
    (is_uuid(c->type) ? uuid : other)++;
  }
  f.id_type = uuid > other ? "uuid" : "bigint";
  // public.table written out in most CREATE TABLEs: the project qualifies names.
  int qualified = 0, bare = 0;
  for (const auto& [path, text] : texts) {
    std::string l = lower(text);
    size_t pos = 0;
    while ((pos = l.find("create table", pos)) != std::string::npos) {
      pos += 12;
      size_t p = l.find_first_not_of(" \t\r\n", pos);
      if (p == std::string::npos) break;
      if (l.compare(p, 13, "if not exists") == 0) p = l.find_first_not_of(" \t\r\n", p + 13);
      if (p == std::string::npos) break;
      if (l.compare(p, 7, "public.") == 0 || l.compare(p, 9, "\"public\".") == 0) ++qualified;
      else ++bare;
    }
  }
  f.qualify_public = qualified > bare;
  observe_index_style(catalog, f);
  return f;
}

RenderResult render_pattern(const PatternDef& pattern, const std::map<std::string, std::string>& options,
                            const Catalog& catalog, const ProjectFacts& project) {
  Builder b(pattern, catalog, project);
  try {
    return b.run(options);
  } catch (const TemplateError& e) {
    RenderResult r;
    r.errors.push_back("pattern '" + pattern.name + "' could not be filled in: " + e.what());
    return r;
  }
}

std::string pattern_doc(const PatternDef& p) {
  std::ostringstream out;
  out << "<!-- Generated by `pgsafe patterns docs` from patterns/" << p.name << ".toml. Do not edit. -->\n";
  out << "# Pattern `" << p.name << "`\n\n" << p.summary << "\n\n";
  out << "```sh\n" << p.example << "\n```\n\n";
  out << trim(p.description) << "\n\n## Options\n\n| Option | Default | What it is |\n|---|---|---|\n";
  for (const auto& o : p.options) {
    std::string def = o.required ? "required" : (o.default_value && !o.default_value->empty() ? "`" + *o.default_value + "`" : "none");
    std::string help = o.help;
    if (!o.choices.empty()) {
      help += " One of:";
      for (size_t i = 0; i < o.choices.size(); ++i) help += std::string(i ? "," : "") + " `" + o.choices[i] + "`";
      help += ".";
    }
    out << "| `--" << o.name << "` | " << def << " | " << help << " |\n";
  }
  out << "\n## Migrations it writes\n\n";
  int i = 0;
  for (const auto& s : p.steps) {
    out << ++i << ". " << (s.name.empty() ? "the migration" : "`" + s.name + "`");
    if (!s.phase.empty()) out << " (phase `" << s.phase << "`)";
    if (!s.when.empty()) out << " (when `" << s.when << "`)";
    if (s.no_transaction) out << ", outside a transaction (`-- pgsafe:no-transaction`)";
    out << "\n";
  }
  out << "\nEach file starts with `-- intent: <description>`. When the pattern writes several, they get\n"
         "consecutive versions and the step's name after the description. Layouts with down files\n"
         "(Diesel, golang-migrate) also get each step's down migration.\n";
  out << "\nThe pattern's behaviour is tested against a real PostgreSQL in `tests/applier/patterns_test.cpp`.\n";
  return out.str();
}

std::string patterns_index_doc() {
  std::ostringstream out;
  out << "<!-- Generated by `pgsafe patterns docs` from patterns/*.toml. Do not edit. -->\n";
  out << "# Schema patterns\n\n"
         "`pgsafe new <description> --pattern NAME [options]` writes the migrations of a pattern, filled in\n"
         "from the schema your migrations build. `pgsafe patterns` lists them; `pgsafe patterns show NAME`\n"
         "prints one with its options.\n\n| Pattern | What it writes |\n|---|---|\n";
  for (const auto& p : all_patterns()) out << "| [" << p.name << "](" << p.name << ".md) | " << p.summary << " |\n";
  return out.str();
}

}  // namespace pgsafe::patterns
