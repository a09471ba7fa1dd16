#include "analyzer/config.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <regex>
#include <tuple>
#include <sstream>

#include <toml++/toml.h>

#include "analyzer/duration.h"
#include "analyzer/registry.h"
#include "analyzer/suggest.h"

namespace fs = std::filesystem;

namespace pgsafe {

std::optional<fs::path> find_config(const fs::path& dir) {
  std::error_code ec;
  fs::path d = fs::absolute(dir, ec);
  if (ec) return std::nullopt;
  while (true) {
    fs::path candidate = d / kConfigFileName;
    if (fs::is_regular_file(candidate, ec)) return candidate;
    if (!d.has_parent_path() || d.parent_path() == d) return std::nullopt;
    d = d.parent_path();
  }
}

std::string unknown_rule_message(const std::string& id) {
  std::vector<std::string> ids;
  for (const RuleDef* def : all_rules()) ids.emplace_back(meta_of(*def).id);
  auto best = closest_name(id, ids);
  return "unknown rule '" + id + "'" + (best ? " (did you mean '" + *best + "'? see `pgsafe rules`)" : " (see `pgsafe rules`)");
}

namespace {

const char* const kTopLevelKeys[] = {"pg_version", "assume_in_transaction", "exposed_schemas", "migrations_dir",
                                     "layout", "max_file_size_mb", "template_placeholders", "rules", "seeds"};

// "a,b,c" -> {"a", "b", "c"}
std::vector<std::string> split_choices(std::string_view choices) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= choices.size() && !choices.empty()) {
    size_t comma = choices.find(',', start);
    std::string_view part = choices.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

nlohmann::json to_json(const toml::node& n) {
  if (auto v = n.as_string()) return v->get();
  if (auto v = n.as_integer()) return v->get();
  if (auto v = n.as_floating_point()) return v->get();
  if (auto v = n.as_boolean()) return v->get();
  if (auto a = n.as_array()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& e : *a) arr.push_back(to_json(e));
    return arr;
  }
  if (auto t = n.as_table()) {
    nlohmann::json obj = nlohmann::json::object();
    for (const auto& [k, v] : *t) obj[std::string(k.str())] = to_json(v);
    return obj;
  }
  // Dates and times: keep their TOML spelling.
  if (auto v = n.as_date()) { std::ostringstream s; s << v->get(); return s.str(); }
  if (auto v = n.as_time()) { std::ostringstream s; s << v->get(); return s.str(); }
  if (auto v = n.as_date_time()) { std::ostringstream s; s << v->get(); return s.str(); }
  return nullptr;
}

class Loader {
 public:
  Loader(const std::string& path, Config& out, std::vector<ConfigError>& errors)
      : path_(path), out_(out), errors_(errors) {}

  void error(const toml::node& n, std::string msg) {
    errors_.push_back({path_, static_cast<uint32_t>(n.source().begin.line),
                       static_cast<uint32_t>(n.source().begin.column), std::move(msg)});
  }

  void load(const toml::table& root) {
    for (const auto& [key, value] : root) {
      std::string k(key.str());
      if (k == "pg_version") {
        auto v = value.as_integer();
        if (!v || v->get() < 13 || v->get() > 18) error(value, "pg_version must be a PostgreSQL major version from 13 to 18");
        else {
          out_.settings.pg_version = static_cast<int>(v->get());
          out_.settings.pg_version_explicit = true;
        }
      } else if (k == "assume_in_transaction") {
        auto v = value.as_boolean();
        if (!v) error(value, "assume_in_transaction must be true or false");
        else out_.settings.assume_in_transaction = v->get();
      } else if (k == "exposed_schemas" && value.as_string()) {
        // "auto": public counts as exposed only when the project shows an API serves it.
        if (value.as_string()->get() != "auto") error(value, "exposed_schemas must be \"auto\" or an array of schema names");
        else out_.settings.exposed_schemas_auto = true;
      } else if (k == "exposed_schemas") {
        auto a = value.as_array();
        std::vector<std::string> schemas;
        bool ok = a != nullptr;
        if (a)
          for (const auto& e : *a) {
            if (auto s = e.as_string()) schemas.push_back(s->get());
            else ok = false;
          }
        if (!ok) error(value, "exposed_schemas must be \"auto\" or an array of schema names");
        else {
          out_.settings.exposed_schemas = schemas;
          out_.settings.exposed_schemas_auto = false;
        }
      } else if (k == "migrations_dir") {
        auto v = value.as_string();
        if (!v) error(value, "migrations_dir must be a string");
        else {
          // Relative to the config file's folder, like every path a config names.
          fs::path p(v->get());
          if (p.is_relative() && !path_.empty()) p = fs::path(path_).parent_path() / p;
          out_.migrations_dir = p.lexically_normal().generic_string();
        }
      } else if (k == "layout") {
        auto v = value.as_string();
        auto l = v ? parse_layout(v->get()) : std::nullopt;
        if (!l) error(value, "layout must be one of auto, timestamp, prisma, diesel, golang-migrate, flyway, drizzle");
        else out_.layout = *l;
      } else if (k == "max_file_size_mb") {
        auto v = value.as_integer();
        if (!v || v->get() < 1 || v->get() > 1024) error(value, "max_file_size_mb must be an integer from 1 to 1024");
        else out_.max_file_size = static_cast<size_t>(v->get()) * 1024 * 1024;
      } else if (k == "template_placeholders") {
        load_template_placeholders(value);
      } else if (k == "seeds") {
        load_seeds(value);
      } else if (k == "rules") {
        auto t = value.as_table();
        if (!t) error(value, "rules must be a table: [rules] or [rules.<id>]");
        else load_rules(*t);
      } else {
        auto best = closest_name(k, kTopLevelKeys);
        error(value, "unknown key '" + k + "'" +
                         (best ? " (did you mean '" + *best + "'?)"
                               : " (known: pg_version, assume_in_transaction, exposed_schemas, migrations_dir, layout, "
                                 "max_file_size_mb, template_placeholders, rules, seeds)"));
      }
    }
  }

  // [seeds] dev = "supabase/seed.sql" or test = ["seeds/test", "more.sql"]: paths relative to the
  // config file's folder, kept in the order written (each folder's .sql files load in name order).
  void load_seeds(const toml::node& value) {
    auto t = value.as_table();
    if (!t) {
      error(value, "seeds must be a table: [seeds] with profile = \"path\" or [\"path\", ...]");
      return;
    }
    static const std::regex profile_name("^[A-Za-z0-9_-]{1,64}$");
    for (const auto& [key, paths] : *t) {
      std::string profile(key.str());
      if (!std::regex_match(profile, profile_name)) {
        error_at(key_position(key, paths), "seed profile name '" + printable(profile) +
                                               "' must be letters, digits, '-' or '_'");
        continue;
      }
      std::vector<std::string> list;
      bool ok = true;
      auto add = [&](const toml::node& n) {
        auto s = n.as_string();
        if (!s || s->get().empty()) {
          ok = false;
          return;
        }
        fs::path p(s->get());
        if (p.is_relative() && !path_.empty()) p = fs::path(path_).parent_path() / p;
        list.push_back(p.lexically_normal().generic_string());
      };
      if (auto a = paths.as_array()) {
        for (const auto& e : *a) add(e);
      } else {
        add(paths);
      }
      if (!ok || list.empty()) {
        error(paths, "seeds." + profile + " must be a path or a non-empty array of paths (files or folders)");
        continue;
      }
      out_.seeds[profile] = std::move(list);
    }
  }

  // true: Go templates ({{ }}); false: off; or a list of "OPEN CLOSE" strings.
  void load_template_placeholders(const toml::node& value) {
    static const char* const kShape =
        "template_placeholders must be true, false, or a list of delimiter pairs such as [\"{{ }}\", \"<% %>\"]";
    out_.template_placeholders.clear();
    if (auto b = value.as_boolean()) {
      if (b->get()) out_.template_placeholders.push_back({"{{", "}}"});
      return;
    }
    auto a = value.as_array();
    if (!a) {
      error(value, kShape);
      return;
    }
    for (const auto& e : *a) {
      auto str = e.as_string();
      std::vector<std::string> parts;
      if (str) {
        std::istringstream words(str->get());
        for (std::string w; words >> w;) parts.push_back(w);
      }
      if (parts.size() != 2) {
        error(e, kShape);
        continue;
      }
      out_.template_placeholders.push_back({parts[0], parts[1]});
    }
  }

  // Where an option (or a rule) is named; toml++ gives tables no position of their own.
  static std::pair<uint32_t, uint32_t> position(const toml::key& key, const toml::node& value) {
    auto line = static_cast<uint32_t>(value.source().begin.line);
    auto column = static_cast<uint32_t>(value.source().begin.column);
    if (line == 0) {
      line = static_cast<uint32_t>(key.source().begin.line);
      column = static_cast<uint32_t>(key.source().begin.column);
    }
    return {line, column};
  }

  // Where a key is written (an unknown name points at the name, not its value).
  static std::pair<uint32_t, uint32_t> key_position(const toml::key& key, const toml::node& value) {
    auto line = static_cast<uint32_t>(key.source().begin.line);
    if (line == 0) return position(key, value);
    return {line, static_cast<uint32_t>(key.source().begin.column)};
  }

  void error_at(std::pair<uint32_t, uint32_t> pos, std::string msg) {
    errors_.push_back({path_, pos.first, pos.second, std::move(msg)});
  }

  static std::string severity_message(const std::string& id, const std::string& given) {
    static const char* const kSeverities[] = {"error", "warning", "info", "off"};
    return "severity of rule '" + id + "' must be error, warning, info or off" +
           (given.empty() ? std::string() : did_you_mean(given, kSeverities));
  }

  // A configured value for an error message: control characters escaped, at most 80 bytes.
  static std::string printable(std::string_view v) {
    std::string out;
    for (unsigned char c : v.substr(0, 80)) {
      if (c == '\n') out += "\\n";
      else if (c == '\t') out += "\\t";
      else if (c < 0x20 || c == 0x7f) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02X", c);
        out += hex;
      } else out += static_cast<char>(c);
    }
    return v.size() > 80 ? out + "..." : out;
  }

  // A rule option's value against what the rule declares: its type, and its choices if any.
  // True when it may be used.
  bool check_option(const std::string& id, const RuleOption& opt, const toml::node& value) {
    std::string what = "option '" + std::string(opt.name) + "' of rule '" + id + "'";
    std::vector<std::string> values;  // the strings to hold against the choices
    if (opt.type == "string") {
      auto v = value.as_string();
      if (!v) return error(value, what + " must be a string"), false;
      values.push_back(v->get());
    } else if (opt.type == "duration") {
      // Written into SQL by a fix: only a PostgreSQL duration may pass (analyzer/duration.h).
      auto v = value.as_string();
      if (!v) return error(value, what + " must be a string, a duration such as \"2s\""), false;
      if (auto problem = timeout_problem(v->get()))
        return error(value, what + " cannot be '" + printable(v->get()) + "': it " + *problem), false;
    } else if (opt.type == "bool") {
      if (!value.as_boolean()) return error(value, what + " must be true or false"), false;
    } else if (opt.type == "integer") {
      if (!value.as_integer()) return error(value, what + " must be an integer"), false;
    } else if (opt.type == "string-list") {
      auto a = value.as_array();
      bool ok = a != nullptr;
      if (a)
        for (const auto& e : *a) {
          if (auto v = e.as_string()) values.push_back(v->get());
          else ok = false;
        }
      if (!ok) return error(value, what + " must be a list of strings"), false;
    }
    std::vector<std::string> choices = split_choices(opt.choices);
    if (choices.empty()) return true;
    for (const auto& v : values) {
      if (std::find(choices.begin(), choices.end(), v) != choices.end()) continue;
      error(value, what + " cannot be '" + v + "': it takes " + join(choices, ", ") + did_you_mean(v, choices));
      return false;
    }
    return true;
  }

  void load_rules(const toml::table& rules) {
    for (const auto& [key, value] : rules) {
      std::string id(key.str());
      RuleConfig rc;
      std::tie(rc.line, rc.column) = position(key, value);
      const RuleDef* def = find_rule(id);
      if (!def) {
        error_at({rc.line, rc.column}, unknown_rule_message(id));
        continue;
      }
      const RuleMeta& meta = meta_of(*def);
      if (auto s = value.as_string()) {
        auto sev = parse_severity(s->get());
        if (!sev) error(value, severity_message(id, s->get()));
        rc.severity = sev;
      } else if (auto t = value.as_table()) {
        for (const auto& [okey, ovalue] : *t) {
          std::string name(okey.str());
          if (name == "severity") {
            auto s = ovalue.as_string();
            auto sev = s ? parse_severity(s->get()) : std::nullopt;
            if (!sev) error(ovalue, severity_message(id, s ? s->get() : std::string()));
            rc.severity = sev;
          } else {
            const RuleOption* opt = nullptr;
            for (const auto& o : meta.options)
              if (o.name == name) opt = &o;
            if (!opt) {
              std::vector<std::string> names{"severity"};
              for (const auto& o : meta.options) names.emplace_back(o.name);
              auto best = closest_name(name, names);
              error_at(key_position(okey, ovalue),
                       "rule '" + id + "' has no option '" + name + "'" +
                           (best ? " (did you mean '" + *best + "'?)"
                                 : names.size() == 1 ? " (it takes only `severity`)"
                                                     : " (options: " + join(names, ", ") + ")"));
              continue;
            }
            if (!check_option(id, *opt, ovalue)) continue;
            rc.options[name] = to_json(ovalue);
            rc.option_positions[name] = position(okey, ovalue);
          }
        }
      } else {
        error(value, "rule '" + id + "' takes a severity string or a table");
      }
      out_.rules[id] = std::move(rc);
    }
  }

 private:
  std::string path_;
  Config& out_;
  std::vector<ConfigError>& errors_;
};

}  // namespace

bool load_config_text(const std::string& text, const std::string& path, Config& out,
                      std::vector<ConfigError>& errors) {
  size_t before = errors.size();
  toml::table table;
  try {
    table = toml::parse(text, path);
  } catch (const toml::parse_error& err) {
    errors.push_back({path, static_cast<uint32_t>(err.source().begin.line),
                      static_cast<uint32_t>(err.source().begin.column), std::string(err.description())});
    return false;
  }
  out.path = path;
  Loader(path, out, errors).load(table);
  // toml++ iterates keys in name order; report in file order.
  std::stable_sort(errors.begin() + static_cast<std::ptrdiff_t>(before), errors.end(),
                   [](const ConfigError& a, const ConfigError& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
  return errors.size() == before;
}

bool load_config(const fs::path& path, Config& out, std::vector<ConfigError>& errors) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    errors.push_back({path.generic_string(), 0, 0, "cannot read config file"});
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return load_config_text(ss.str(), path.generic_string(), out, errors);
}

// Rule options named in the config that the rule does not declare.
void check_rule_options(const Config& cfg, std::vector<ConfigError>& errors) {
  for (const auto& [id, rc] : cfg.rules) {
    const RuleDef* def = find_rule(id);
    if (!def) continue;
    const RuleMeta& meta = meta_of(*def);
    for (const auto& [name, value] : rc.options.items()) {
      bool known = false;
      for (const auto& o : meta.options) known = known || o.name == name;
      if (!known) {
        auto pos = rc.option_positions.count(name) ? rc.option_positions.at(name) : std::pair<uint32_t, uint32_t>{rc.line, rc.column};
        std::string names;
        for (const auto& o : meta.options) names += (names.empty() ? "" : ", ") + std::string(o.name);
        errors.push_back({cfg.path, pos.first, pos.second,
                          "rule '" + id + "' has no option '" + name + "'" +
                              (names.empty() ? " (it takes only `severity`)" : " (options: severity, " + names + ")")});
      }
    }
  }
}

}  // namespace pgsafe
