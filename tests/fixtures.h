#pragma once
// Registers one Catch2 test case per fixture under testdata/rules/<id>/ and testdata/sets/.
namespace pgsafe::test {
void register_fixture_tests();
}
