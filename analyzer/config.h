#pragma once
// .pgsafe.toml: found upward from the working directory (or given with --config).
// Unknown keys and rule ids are errors with file, line and column — never silently ignored.
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyzer/diagnostic.h"
#include "analyzer/migration_set.h"
#include "analyzer/settings.h"

namespace pgsafe {

struct RuleConfig {
  std::optional<Severity> severity;
  nlohmann::json options = nlohmann::json::object();
  uint32_t line = 0, column = 0;                      // where the rule is named in the file
  std::map<std::string, std::pair<uint32_t, uint32_t>> option_positions;
};

// A pair of template delimiters, e.g. {"{{", "}}"} for Go templates (see template_placeholders).
struct TemplateDelimiters {
  std::string open, close;
};

struct Config {
  std::string path;                       // "" when no file was loaded
  Settings settings;
  std::optional<std::string> migrations_dir;
  Layout layout = Layout::Auto;
  std::map<std::string, RuleConfig> rules;
  size_t max_file_size = 16u * 1024 * 1024;
  // Spans between these delimiters are templating, not SQL: each is replaced by an identifier of
  // the same length before parsing (template_placeholders in .pgsafe.toml; empty: off).
  std::vector<TemplateDelimiters> template_placeholders;
  // [seeds]: profile name -> seed files or folders (relative to the config file's folder), loaded
  // in name order by `pgsafe reset --seed P` and `pgsafe seed --profile P`. A profile not named
  // here is the folder seeds/<profile>/ beside the config file.
  std::map<std::string, std::vector<std::string>> seeds;
};

struct ConfigError {
  std::string file;
  uint32_t line = 0, column = 0;
  std::string message;
};

inline constexpr const char* kConfigFileName = ".pgsafe.toml";

// The nearest .pgsafe.toml in dir or its parents.
std::optional<std::filesystem::path> find_config(const std::filesystem::path& dir);
// Parse a config file; false (with errors) when it cannot be used.
bool load_config(const std::filesystem::path& path, Config& out, std::vector<ConfigError>& errors);
// "unknown rule 'x' (did you mean 'y'? see `pgsafe rules`)", for config and command line alike.
std::string unknown_rule_message(const std::string& id);

// Rule options named in the config that the rule does not declare (load_config leaves them to
// this, which needs the rules' metadata).
void check_rule_options(const Config& cfg, std::vector<ConfigError>& errors);

bool load_config_text(const std::string& text, const std::string& path, Config& out,
                      std::vector<ConfigError>& errors);

}  // namespace pgsafe
