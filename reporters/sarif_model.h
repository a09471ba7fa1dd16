#pragma once
// The part of the SARIF 2.1.0 object model pgsafe emits, as plain structs. The SARIF reporter
// fills these and serialises them; it never assembles JSON text by hand, so every property name
// and nesting level lives here once. Optional members are left out of the output when unset,
// as SARIF consumers expect absent rather than null properties.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgsafe::sarif {

using Json = nlohmann::ordered_json;

inline constexpr const char* kSchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
inline constexpr const char* kVersion = "2.1.0";

// §3.11 message: plain text, optionally with a Markdown rendering.
struct Message {
  std::string text;
  std::optional<std::string> markdown;
};

// §3.12 multiformatMessageString (rule descriptions and help).
struct MultiformatMessageString {
  std::string text;
  std::optional<std::string> markdown;
};

// §3.50 reportingConfiguration: only the default level is configured.
struct ReportingConfiguration {
  std::string level;  // "error" | "warning" | "note" | "none"
};

// §3.8 property bag, restricted to what pgsafe puts in it. `tags` must hold distinct strings
// (§3.8.4; the schema says uniqueItems), so it is only ever filled through add_tag.
struct PropertyBag {
  std::optional<std::string> category;
  std::vector<std::string> tags;
  // GitHub code scanning: a CVSS-like score, "0.0" to "10.0" as a string, on rules tagged
  // "security"; it ranks their alerts Critical (>= 9.0), High (>= 7.0), Medium (>= 4.0) or Low.
  std::optional<std::string> security_severity;

  void add_tag(std::string tag);
};

// §3.49 reportingDescriptor: one per rule.
struct ReportingDescriptor {
  std::string id;
  std::optional<std::string> name;
  std::optional<MultiformatMessageString> short_description;
  std::optional<MultiformatMessageString> full_description;
  std::optional<MultiformatMessageString> help;
  std::optional<std::string> help_uri;
  std::optional<ReportingConfiguration> default_configuration;
  std::optional<PropertyBag> properties;
};

// §3.19 toolComponent (the driver).
struct ToolComponent {
  std::string name;
  std::optional<std::string> version;
  std::optional<std::string> semantic_version;
  std::optional<std::string> information_uri;
  std::vector<ReportingDescriptor> rules;
};

// §3.18 tool.
struct Tool {
  ToolComponent driver;
};

// §3.4 artifactLocation. In results `uri` is always set; an entry of run.originalUriBaseIds may
// carry only a description, leaving the base's absolute location to the consumer (§3.14.14).
struct ArtifactLocation {
  std::optional<std::string> uri;
  std::optional<std::string> uri_base_id;
  std::optional<Message> description;
};

// §3.30 region: 1-based lines and columns, endColumn one past the last character, plus the byte
// span, which SARIF counts independently of columnKind.
struct Region {
  uint32_t start_line = 1;
  uint32_t start_column = 1;
  uint32_t end_line = 1;
  uint32_t end_column = 1;
  std::optional<uint32_t> byte_offset;
  std::optional<uint32_t> byte_length;
};

// §3.29 physicalLocation.
struct PhysicalLocation {
  ArtifactLocation artifact_location;
  std::optional<Region> region;
};

// §3.28 location.
struct Location {
  PhysicalLocation physical_location;
};

// §3.35 suppression.
struct Suppression {
  std::string kind;  // "inSource" | "external"
  std::optional<std::string> justification;
};

// §3.57 replacement, §3.56 artifactChange, §3.55 fix.
struct ArtifactContent {
  std::string text;
};
struct Replacement {
  Region deleted_region;
  std::optional<ArtifactContent> inserted_content;
};
struct ArtifactChange {
  ArtifactLocation artifact_location;
  std::vector<Replacement> replacements;
};
struct Fix {
  std::optional<Message> description;
  std::vector<ArtifactChange> artifact_changes;
};

// §3.27 result.
struct Result {
  std::string rule_id;
  std::optional<int> rule_index;
  std::string level;  // "error" | "warning" | "note"
  Message message;
  std::vector<Location> locations;
  // §3.27.17: what consumers match a result by across runs, besides rule and file. Omitted when empty.
  std::map<std::string, std::string> partial_fingerprints;
  std::vector<Suppression> suppressions;  // omitted when empty: absent means "not suppressed"
  std::vector<Fix> fixes;
};

// §3.14 run. `results` is always written, empty or not: an empty array says "analysed, nothing
// found", whereas a missing one would say "results not computed".
struct Run {
  Tool tool;
  // §3.14.14: the uriBaseIds that artifact locations use, e.g. "%SRCROOT%". Omitted when empty.
  std::map<std::string, ArtifactLocation> original_uri_base_ids;
  std::string column_kind = "unicodeCodePoints";
  std::vector<Result> results;
};

// §3.13 sarifLog.
struct Log {
  std::string schema = kSchemaUri;
  std::string version = kVersion;
  std::vector<Run> runs;
};

void to_json(Json& j, const Message& v);
void to_json(Json& j, const MultiformatMessageString& v);
void to_json(Json& j, const ReportingConfiguration& v);
void to_json(Json& j, const PropertyBag& v);
void to_json(Json& j, const ReportingDescriptor& v);
void to_json(Json& j, const ToolComponent& v);
void to_json(Json& j, const Tool& v);
void to_json(Json& j, const ArtifactLocation& v);
void to_json(Json& j, const Region& v);
void to_json(Json& j, const PhysicalLocation& v);
void to_json(Json& j, const Location& v);
void to_json(Json& j, const Suppression& v);
void to_json(Json& j, const ArtifactContent& v);
void to_json(Json& j, const Replacement& v);
void to_json(Json& j, const ArtifactChange& v);
void to_json(Json& j, const Fix& v);
void to_json(Json& j, const Result& v);
void to_json(Json& j, const Run& v);
void to_json(Json& j, const Log& v);

}  // namespace pgsafe::sarif
