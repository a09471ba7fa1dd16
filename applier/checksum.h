#pragma once
// Migration checksums: SHA-256 of the file's bytes with a UTF-8 BOM stripped and CRLF turned
// into LF, so an editor's line-ending or BOM change is not mistaken for an edit.
#include <string>
#include <string_view>

namespace pgsafe::applier {

std::string normalize_for_checksum(std::string_view bytes);
// Lower-case hex SHA-256 of the normalized bytes.
std::string migration_checksum(std::string_view bytes);
// Lower-case hex SHA-256 of exactly these bytes.
std::string sha256_hex(std::string_view bytes);

}  // namespace pgsafe::applier
