// The --format words and one entry point for every reporter.
#include "reporters/reporter.h"

namespace pgsafe::report {

namespace {

constexpr std::pair<Format, std::string_view> kNames[] = {
    {Format::Text, "text"},   {Format::Concise, "concise"},   {Format::Json, "json"},     {Format::Sarif, "sarif"},
    {Format::Github, "github"}, {Format::Markdown, "markdown"}, {Format::Gitlab, "gitlab"},
};

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  for (const auto& [f, n] : kNames)
    if (n == name) return f;
  return std::nullopt;
}

std::string_view format_name(Format f) {
  for (const auto& [g, n] : kNames)
    if (g == f) return n;
  return "text";
}

std::string format_names() {
  std::string out;
  for (const auto& [f, n] : kNames) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

void write_report(std::ostream& out, Format f, const ReportInput& in, const ReportOptions& opts) {
  switch (f) {
    case Format::Text: write_text(out, in, opts); return;
    case Format::Concise: write_concise(out, in, opts); return;
    case Format::Json: write_json(out, in, opts); return;
    case Format::Sarif: write_sarif(out, in, opts); return;
    case Format::Github: write_github(out, in, opts); return;
    case Format::Markdown: write_markdown(out, in, opts); return;
    case Format::Gitlab: write_gitlab(out, in, opts); return;
  }
}

}  // namespace pgsafe::report
