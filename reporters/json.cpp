// `--format json`: the lint-output-v1 contract (contracts/lint-output-v1.schema.json), one document.
#include <nlohmann/json.hpp>

#include "reporters/format_util.h"
#include "reporters/reporter.h"

namespace pgsafe::report {

namespace {

using Json = nlohmann::ordered_json;

Json position(const Position& p) { return Json{{"line", p.line}, {"column", p.column}, {"offset", p.offset}}; }

Json range(const Range& r) { return Json{{"start", position(r.start)}, {"end", position(r.end)}}; }

Json nullable(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json diagnostic(const Diagnostic& d) {
  Json j;
  j["file"] = d.file;
  j["rule"] = d.rule;
  j["severity"] = util::severity_name(d.severity);
  j["message"] = d.message;
  j["help"] = nullable(d.help);
  j["url"] = nullable(d.url);
  j["range"] = range(d.range);
  if (d.fix) {
    Json edits = Json::array();
    for (const Edit& e : d.fix->edits) edits.push_back(Json{{"range", range(e.range)}, {"newText", e.new_text}});
    j["fix"] = Json{{"description", d.fix->description}, {"safe", d.fix->safe}, {"edits", std::move(edits)}};
  } else {
    j["fix"] = nullptr;
  }
  if (d.suppression) {
    Json s{{"kind", d.suppression->kind == Suppression::Kind::External ? "external" : "inSource"}};
    s["justification"] = d.suppression->justification;
    j["suppression"] = std::move(s);
  } else {
    j["suppression"] = nullptr;
  }
  j["category"] = d.category;
  return j;
}

}  // namespace

void write_json(std::ostream& out, const ReportInput& in, const ReportOptions&) {
  Json doc;
  doc["version"] = 1;
  doc["tool"] = Json{{"name", "pgsafe"}, {"version", in.tool_version}};
  doc["diagnostics"] = Json::array();
  for (const Diagnostic& d : in.diagnostics) doc["diagnostics"].push_back(diagnostic(d));
  doc["summary"] = Json{{"files", in.summary.files},
                        {"errors", in.summary.errors},
                        {"warnings", in.summary.warnings},
                        {"infos", in.summary.infos},
                        {"suppressed", in.summary.suppressed}};
  // Messages quote SQL from the user's file; a stray invalid byte must not abort the report.
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
}

}  // namespace pgsafe::report
