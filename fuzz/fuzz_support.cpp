#include "fuzz/fuzz_support.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace pgsafe::fuzz {

namespace {

void remove_work_dir() {
  std::error_code ec;
  fs::current_path(fs::temp_directory_path(ec), ec);
  fs::remove_all(work_dir(), ec);
}

[[noreturn]] void fail(const std::string& what, const std::string& output) {
  std::fprintf(stderr, "pgsafe fuzz: %s\n--- output (first 4000 bytes) ---\n%.4000s\n", what.c_str(), output.c_str());
  std::abort();
}

const char* const kFormats[] = {"text", "concise", "json", "sarif", "github", "diff"};

}  // namespace

const std::string& work_dir() {
  static const std::string dir = [] {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string templ = (base / "pgsafe-fuzz-XXXXXX").string();
    if (!mkdtemp(templ.data())) {
      std::perror("pgsafe fuzz: mkdtemp");
      std::abort();
    }
    fs::current_path(templ);
    std::atexit(remove_work_dir);
    return templ;
  }();
  return dir;
}

std::vector<std::string> formats_for(const uint8_t* data, size_t size) {
  constexpr size_t n = sizeof kFormats / sizeof kFormats[0];
  static const bool all = [] {
    const char* v = std::getenv("PGSAFE_FUZZ_ALL_FORMATS");
    return v && *v && std::string(v) != "0";
  }();
  if (all) return {std::begin(kFormats), std::end(kFormats)};
  uint32_t h = 2166136261u;  // FNV-1a: the same input always gets the same format
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 16777619u;
  return {kFormats[h % n]};
}

int lint_checked(const cli::LintArgs& args, std::string_view stdin_text) {
  std::istringstream in{std::string(stdin_text)};
  std::ostringstream out, err;
  int code = cli::run_lint(args, in, out, err);
  if (code != cli::exit_code::kOk && code != cli::exit_code::kFindings && code != cli::exit_code::kUsage)
    fail("exit code " + std::to_string(code) + " with --format " + args.format, err.str());
  if ((args.format == "json" || args.format == "sarif") && !out.str().empty()) {
    auto parsed = nlohmann::json::parse(out.str(), nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) fail("--format " + args.format + " printed invalid JSON", out.str());
  }
  return code;
}

void lint_all_formats(cli::LintArgs args, std::string_view stdin_text, const uint8_t* data, size_t size) {
  int first = -1;
  std::string first_format;
  for (const auto& f : formats_for(data, size)) {
    args.diff = f == "diff";
    args.format = args.diff ? "text" : f;
    int code = lint_checked(args, stdin_text);
    // --diff answers whether there are fixes, not findings: its exit code is its own.
    if (args.diff) continue;
    if (first < 0) {
      first = code;
      first_format = f;
    } else if (code != first) {
      fail("exit code " + std::to_string(code) + " with --format " + f + " but " + std::to_string(first) +
               " with --format " + first_format,
           "");
    }
  }
}

}  // namespace pgsafe::fuzz
