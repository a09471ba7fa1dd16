#pragma once
// Diagnostics are plain data: what the engine produced, what reporters format.
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
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

// Text many diagnostics share: a rule's category, help and documentation URL are made once per
// run and every finding of the rule refers to them, instead of each carrying a copy (a help is
// often longer than everything else in a finding, and a run can have a million findings).
// Copies share one immutable string; assigning a string makes a new one. Reads like a
// const std::string.
class SharedText {
 public:
  SharedText() = default;
  SharedText(std::string s) : p_(s.empty() ? nullptr : std::make_shared<const std::string>(std::move(s))) {}
  SharedText(const char* s) : SharedText(std::string(s)) {}
  SharedText(std::string_view s) : SharedText(std::string(s)) {}

  const std::string& str() const { return p_ ? *p_ : empty_string(); }
  operator const std::string&() const { return str(); }
  operator std::string_view() const { return str(); }
  bool empty() const { return str().empty(); }
  size_t size() const { return str().size(); }
  const char* c_str() const { return str().c_str(); }
  size_t find(std::string_view s, size_t pos = 0) const { return str().find(s, pos); }
  size_t find(char c, size_t pos = 0) const { return str().find(c, pos); }
  size_t rfind(std::string_view s, size_t pos = std::string::npos) const { return str().rfind(s, pos); }
  std::string substr(size_t pos, size_t n = std::string::npos) const { return str().substr(pos, n); }
  // Whether two texts are one shared string (not only equal).
  bool shares(const SharedText& o) const { return p_ == o.p_; }

  friend bool operator==(const SharedText& a, const SharedText& b) { return a.str() == b.str(); }
  template <typename T>
    requires std::is_convertible_v<const T&, std::string_view>
  friend bool operator==(const SharedText& a, const T& b) {
    return std::string_view(a.str()) == std::string_view(b);
  }
  friend std::string operator+(const SharedText& a, std::string_view b) { return a.str() + std::string(b); }
  friend std::string operator+(std::string a, const SharedText& b) { return std::move(a) + b.str(); }
  friend std::string operator+(const char* a, const SharedText& b) { return std::string(a) + b.str(); }
  friend std::ostream& operator<<(std::ostream& out, const SharedText& t) { return out << t.str(); }

 private:
  static const std::string& empty_string() {
    static const std::string empty;
    return empty;
  }
  std::shared_ptr<const std::string> p_;
};

// Another place a finding is about: the migration that created the table a statement alters.
struct RelatedLocation {
  std::string file;            // as Diagnostic::file names files
  uint32_t begin = 0, end = 0; // bytes of that file
  std::string message;         // "public.users was created here"
};

struct Diagnostic {
  std::string file;       // as given on the command line, '/' separators
  std::string rule;       // kebab-case id
  SharedText category;    // the rule's
  Severity severity = Severity::Warning;
  std::string message;    // what is wrong, naming the object
  SharedText help;        // why and what to do instead; may be empty (the rule's, or the finding's own)
  SharedText url;         // rule documentation
  Range range;
  std::optional<Fix> fix;
  std::optional<Suppression> suppression;
  int32_t statement = -1; // index of the statement it belongs to, -1 for file/set level
  std::vector<RelatedLocation> related;  // only with LintOptions::related
};

// Deterministic order: file, then offset, then rule id, then message.
bool diagnostic_less(const Diagnostic& a, const Diagnostic& b);

}  // namespace pgsafe
