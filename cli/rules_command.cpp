#include <ostream>

#include <nlohmann/json.hpp>

#include "analyzer/config.h"
#include "analyzer/registry.h"
#include "cli/commands.h"
#include "cli/generated_pages.h"
#include "cli/rule_docs.h"

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
  GeneratedPages g{{}, "pgsafe docs", "registered rule"};
  for (const RuleDef* def : all_rules())
    g.pages.emplace_back(std::string(meta_of(*def).id) + ".md", rule_markdown(meta_of(*def)));
  g.pages.emplace_back("README.md", rules_index_markdown());
  return write_generated_pages(g, dir, check, out, err);
}

}  // namespace pgsafe::cli
