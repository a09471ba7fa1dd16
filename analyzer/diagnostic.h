#pragma once
// Diagnostics are plain data: what the engine produced, what reporters format.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parser/source_text.h"

namespace pgsafe {

enum class Severity { Info = 0, Warning = 1, Error = 2, Off = 3 };

std::string_view to_string(Severity s);
std::optional<Severity> parse_severity(std::string_view s);  // error|warning|info|off
// True when a finding of severity s reaches the threshold (Off never does).
inline bool at_least(Severity s, Severity threshold) {
  return s != Severity::Off && static_cast<int>(s) >= static_cast<int>(threshold);
}

struct Edit {
  Range range;
  std::string new_text;
};

struct Fix {
  std::string description;
  bool safe = true;
  std::vector<Edit> edits;
};

struct Suppression {
  enum class Kind { InSource, External };
  Kind kind = Kind::InSource;
  std::string justification;
};

struct Diagnostic {
  std::string file;       // as given on the command line, '/' separators
  std::string rule;       // kebab-case id
  std::string category;
  Severity severity = Severity::Warning;
  std::string message;    // what is wrong, naming the object
  std::string help;       // why and what to do instead; may be empty
  std::string url;        // rule documentation
  Range range;
  std::optional<Fix> fix;
  std::optional<Suppression> suppression;
  int32_t statement = -1; // index of the statement it belongs to, -1 for file/set level
};

// Deterministic order: file, then offset, then rule id, then message.
bool diagnostic_less(const Diagnostic& a, const Diagnostic& b);

}  // namespace pgsafe
