#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyzer/config.h"
#include "analyzer/registry.h"
#include "cli/commands.h"
#include "cli/rule_docs.h"

namespace fs = std::filesystem;

namespace pgsafe::cli {

int run_rules(const std::string& format, std::ostream& out, std::ostream& err) {
  if (format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const RuleDef* def : all_rules()) {
      const RuleMeta& m = meta_of(*def);
      nlohmann::json opts = nlohmann::json::array();
      for (const auto& o : m.options) {
        nlohmann::json choices = nlohmann::json::array();
        for (const auto& c : split_list({std::string(o.choices)})) choices.push_back(c);
        opts.push_back({{"name", o.name}, {"type", o.type}, {"default", o.default_value}, {"description", o.description},
                        {"choices", choices}});
      }
      arr.push_back({{"id", m.id},
                     {"category", m.category},
                     {"severity", to_string(m.default_severity)},
                     {"enabled_by_default", m.enabled_by_default},
                     {"summary", m.summary},
                     {"lock", m.locks.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.locks)},
                     {"url", rule_url(m.id)},
                     {"options", opts}});
    }
    out << nlohmann::json{{"rules", arr}}.dump(2) << "\n";
    return exit_code::kOk;
  }
  if (format != "text") {
    err << "pgsafe: error: unknown --format '" << format << "' (text, json)\n";
    return exit_code::kUsage;
  }
  size_t width = 0;
  for (const RuleDef* def : all_rules()) width = std::max(width, meta_of(*def).id.size());
  for (const RuleDef* def : all_rules()) {
    const RuleMeta& m = meta_of(*def);
    std::string id(m.id);
    std::string sev(to_string(m.default_severity));
    out << id << std::string(width + 2 - id.size(), ' ') << sev << std::string(9 - sev.size(), ' ')
        << (m.enabled_by_default ? "on     " : "opt-in ") << m.category << std::string(m.category.size() < 18 ? 18 - m.category.size() : 1, ' ')
        << m.summary << "\n";
  }
  return exit_code::kOk;
}

int run_explain(const std::string& id, std::ostream& out, std::ostream& err) {
  const RuleDef* def = find_rule(id);
  if (!def) {
    err << "pgsafe: error: " << unknown_rule_message(id) << "\n";
    return exit_code::kUsage;
  }
  out << explain_text(meta_of(*def));
  return exit_code::kOk;
}

int run_docs(const std::string& dir, bool check, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec && !check) {
    err << "pgsafe: error: " << dir << ": cannot create directory: " << ec.message() << "\n";
    return exit_code::kUsage;
  }
  std::vector<std::pair<std::string, std::string>> files;
  for (const RuleDef* def : all_rules())
    files.emplace_back(std::string(meta_of(*def).id) + ".md", rule_markdown(meta_of(*def)));
  files.emplace_back("README.md", rules_index_markdown());
  int stale = 0;
  for (const auto& [name, content] : files) {
    fs::path p = fs::path(dir) / name;
    std::ifstream in(p, std::ios::binary);
    std::ostringstream cur;
    if (in) cur << in.rdbuf();
    if (in && cur.str() == content) continue;
    if (check) {
      err << "pgsafe: " << p.generic_string() << " is out of date; run `pgsafe docs --out " << dir << "`\n";
      ++stale;
      continue;
    }
    std::ofstream o(p, std::ios::binary);
    o << content;
    if (!o) {
      err << "pgsafe: error: " << p.generic_string() << ": cannot write\n";
      return exit_code::kUsage;
    }
    out << "wrote " << p.generic_string() << "\n";
  }
  // Pages of rules that no longer exist would mislead readers.
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".md") continue;
    bool known = false;
    for (const auto& [n, c] : files) known = known || n == name;
    if (!known) {
      err << "pgsafe: " << entry.path().generic_string() << " documents no registered rule\n";
      ++stale;
    }
  }
  return stale ? exit_code::kFindings : exit_code::kOk;
}

}  // namespace pgsafe::cli
