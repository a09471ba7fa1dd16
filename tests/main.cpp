#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "tests/fixtures.h"

int main(int argc, char* argv[]) {
  pgsafe::test::register_fixture_tests();
  return Catch::Session().run(argc, argv);
}
