#include "analyzer/config.h"

#include <algorithm>
#include <fstream>
#include <tuple>
#include <sstream>

#include <toml++/toml.h>

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

namespace {

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
        else out_.settings.pg_version = static_cast<int>(v->get());
      } else if (k == "assume_in_transaction") {
        auto v = value.as_boolean();
        if (!v) error(value, "assume_in_transaction must be true or false");
        else out_.settings.assume_in_transaction = v->get();
      } else if (k == "exposed_schemas") {
        auto a = value.as_array();
        std::vector<std::string> schemas;
        bool ok = a != nullptr;
        if (a)
          for (const auto& e : *a) {
            if (auto s = e.as_string()) schemas.push_back(s->get());
            else ok = false;
          }
        if (!ok) error(value, "exposed_schemas must be an array of schema names");
        else out_.settings.exposed_schemas = schemas;
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
      } else if (k == "rules") {
        auto t = value.as_table();
        if (!t) error(value, "rules must be a table: [rules] or [rules.<id>]");
        else load_rules(*t);
      } else {
        error(value, "unknown key '" + k + "' (known: pg_version, assume_in_transaction, exposed_schemas, "
                     "migrations_dir, layout, max_file_size_mb, rules)");
      }
    }
  }

  void load_rules(const toml::table& rules) {
    for (const auto& [key, value] : rules) {
      std::string id(key.str());
      RuleConfig rc;
      rc.line = static_cast<uint32_t>(value.source().begin.line);
      rc.column = static_cast<uint32_t>(value.source().begin.column);
      if (rc.line == 0) {
        rc.line = static_cast<uint32_t>(key.source().begin.line);
        rc.column = static_cast<uint32_t>(key.source().begin.column);
      }
      if (auto s = value.as_string()) {
        auto sev = parse_severity(s->get());
        if (!sev) error(value, "severity of rule '" + id + "' must be error, warning, info or off");
        rc.severity = sev;
      } else if (auto t = value.as_table()) {
        for (const auto& [okey, ovalue] : *t) {
          std::string name(okey.str());
          if (name == "severity") {
            auto s = ovalue.as_string();
            auto sev = s ? parse_severity(s->get()) : std::nullopt;
            if (!sev) error(ovalue, "severity of rule '" + id + "' must be error, warning, info or off");
            rc.severity = sev;
          } else {
            rc.options[name] = to_json(ovalue);
            rc.option_positions[name] = {static_cast<uint32_t>(ovalue.source().begin.line),
                                         static_cast<uint32_t>(ovalue.source().begin.column)};
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

}  // namespace pgsafe
