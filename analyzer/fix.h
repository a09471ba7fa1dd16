#pragma once
// Applying fixes: the edits of non-conflicting fixes are applied to a file's text; a fix whose
// edits overlap one already taken waits for the next pass (the caller re-lints and repeats).
#include <string>
#include <vector>

#include "analyzer/diagnostic.h"

namespace pgsafe {

struct FixResult {
  std::string text;
  size_t applied = 0;                // fixes applied
  std::vector<std::string> rules;    // rule of each applied fix
};

// Apply the fixes of active diagnostics of one file (safe ones only unless include_unsafe).
FixResult apply_fixes(const std::string& text, const std::vector<const Diagnostic*>& diags, bool include_unsafe);

// A unified diff (3 lines of context) between two texts of one file, "" when equal.
std::string unified_diff(const std::string& path, const std::string& before, const std::string& after);

}  // namespace pgsafe
