// Checksums and plan hashes without a database.
#include <catch2/catch.hpp>

#include "applier/checksum.h"

using namespace pgsafe::applier;

TEST_CASE("checksum: SHA-256 of the bytes, BOM stripped, CRLF as LF", "[checksum]") {
  // The well-known SHA-256 of the empty string and of "abc".
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string lf = "CREATE TABLE a (id int);\nSELECT 1;\n";
  CHECK(migration_checksum(lf) == sha256_hex(lf));
  CHECK(migration_checksum("\xEF\xBB\xBF" + lf) == migration_checksum(lf));
  CHECK(migration_checksum("CREATE TABLE a (id int);\r\nSELECT 1;\r\n") == migration_checksum(lf));
  // A lone CR is content, not a line ending; so is any other change.
  CHECK(migration_checksum("CREATE TABLE a (id int);\rSELECT 1;\n") != migration_checksum(lf));
  CHECK(migration_checksum("CREATE TABLE a (id int);\nSELECT 2;\n") != migration_checksum(lf));
}
