// TEMPORARY until the generator lands (same session): replaced by the real wiring.
#include <ostream>

#include "applier/devdata.h"
#include "applier/session.h"

namespace pgsafe::applier {
int run_generate_seed(const SeedOptions&, const LocalSet&, std::ostream&, std::ostream& err) {
  print_error(err, "seed --generate is not built yet");
  return exit_code::kUsage;
}
}  // namespace pgsafe::applier
