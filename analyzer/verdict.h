#pragma once
// The verdict API: per file, whether it may be applied and why not. The applier uses only this,
// never a rule.
#include <string>
#include <vector>

#include "analyzer/engine.h"

namespace pgsafe {

struct FileVerdict {
  std::string file;
  bool passes = true;
  std::vector<Diagnostic> blocking;   // active findings at or above the threshold
  std::vector<InputError> errors;     // the file could not be read or decoded
};

std::vector<FileVerdict> verdicts(const LintResult& result, Severity threshold = Severity::Error);

}  // namespace pgsafe
