#include "reporters/sarif_model.h"

namespace pgsafe::sarif {

namespace {
template <typename T>
void put(Json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}
}  // namespace

void to_json(Json& j, const Message& v) {
  j = Json::object();
  j["text"] = v.text;
  put(j, "markdown", v.markdown);
}

void to_json(Json& j, const MultiformatMessageString& v) {
  j = Json::object();
  j["text"] = v.text;
  put(j, "markdown", v.markdown);
}

void to_json(Json& j, const ReportingConfiguration& v) { j = Json{{"level", v.level}}; }

void PropertyBag::add_tag(std::string tag) {
  for (const auto& t : tags)
    if (t == tag) return;
  tags.push_back(std::move(tag));
}

void to_json(Json& j, const PropertyBag& v) {
  j = Json::object();
  put(j, "category", v.category);
  if (!v.tags.empty()) j["tags"] = v.tags;
  put(j, "security-severity", v.security_severity);
}

void to_json(Json& j, const ReportingDescriptor& v) {
  j = Json::object();
  j["id"] = v.id;
  put(j, "name", v.name);
  put(j, "shortDescription", v.short_description);
  put(j, "fullDescription", v.full_description);
  put(j, "help", v.help);
  put(j, "helpUri", v.help_uri);
  put(j, "defaultConfiguration", v.default_configuration);
  put(j, "properties", v.properties);
}

void to_json(Json& j, const ToolComponent& v) {
  j = Json::object();
  j["name"] = v.name;
  put(j, "version", v.version);
  put(j, "semanticVersion", v.semantic_version);
  put(j, "informationUri", v.information_uri);
  j["rules"] = v.rules;
}

void to_json(Json& j, const Tool& v) { j = Json{{"driver", v.driver}}; }

void to_json(Json& j, const ArtifactLocation& v) {
  j = Json::object();
  put(j, "uri", v.uri);
  put(j, "uriBaseId", v.uri_base_id);
  put(j, "description", v.description);
}

void to_json(Json& j, const Region& v) {
  j = Json::object();
  j["startLine"] = v.start_line;
  j["startColumn"] = v.start_column;
  j["endLine"] = v.end_line;
  j["endColumn"] = v.end_column;
  put(j, "byteOffset", v.byte_offset);
  put(j, "byteLength", v.byte_length);
}

void to_json(Json& j, const PhysicalLocation& v) {
  j = Json::object();
  j["artifactLocation"] = v.artifact_location;
  put(j, "region", v.region);
}

void to_json(Json& j, const Location& v) { j = Json{{"physicalLocation", v.physical_location}}; }

void to_json(Json& j, const Suppression& v) {
  j = Json::object();
  j["kind"] = v.kind;
  put(j, "justification", v.justification);
}

void to_json(Json& j, const ArtifactContent& v) { j = Json{{"text", v.text}}; }

void to_json(Json& j, const Replacement& v) {
  j = Json::object();
  j["deletedRegion"] = v.deleted_region;
  put(j, "insertedContent", v.inserted_content);
}

void to_json(Json& j, const ArtifactChange& v) {
  j = Json::object();
  j["artifactLocation"] = v.artifact_location;
  j["replacements"] = v.replacements;
}

void to_json(Json& j, const Fix& v) {
  j = Json::object();
  put(j, "description", v.description);
  j["artifactChanges"] = v.artifact_changes;
}

void to_json(Json& j, const Result& v) {
  j = Json::object();
  j["ruleId"] = v.rule_id;
  put(j, "ruleIndex", v.rule_index);
  j["level"] = v.level;
  j["message"] = v.message;
  j["locations"] = v.locations;
  if (!v.partial_fingerprints.empty()) j["partialFingerprints"] = v.partial_fingerprints;
  if (!v.suppressions.empty()) j["suppressions"] = v.suppressions;
  if (!v.fixes.empty()) j["fixes"] = v.fixes;
}

void to_json(Json& j, const Run& v) {
  j = Json::object();
  j["tool"] = v.tool;
  if (!v.original_uri_base_ids.empty()) j["originalUriBaseIds"] = v.original_uri_base_ids;
  j["columnKind"] = v.column_kind;
  j["results"] = Json::array();
  for (const auto& r : v.results) j["results"].push_back(r);
}

void to_json(Json& j, const Log& v) {
  j = Json::object();
  j["$schema"] = v.schema;
  j["version"] = v.version;
  j["runs"] = v.runs;
}

}  // namespace pgsafe::sarif
