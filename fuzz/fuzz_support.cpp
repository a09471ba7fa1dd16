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

// Never destroyed: the atexit handler below runs after static destructors may have.
std::string* g_work_dir = nullptr;

void remove_work_dir() {
  if (!g_work_dir) return;
  std::error_code ec;
  fs::current_path(fs::temp_directory_path(ec), ec);
  fs::remove_all(*g_work_dir, ec);
}

// libFuzzer flags whose value is a path (or, for seed_inputs, a comma-separated list of paths).
bool is_path_flag(const std::string& name) {
  return name == "artifact_prefix" || name == "exact_artifact_path" || name == "dict" || name == "seed_inputs" ||
         name == "merge_control_file" || name == "features_dir" || name == "data_flow_trace" ||
         name == "mutation_graph_file" || name == "stop_file";
}

std::string absolute(const std::string& p, const fs::path& from) {
  if (p.empty() || p.front() == '/') return p;
  std::string a = (from / p).string();
  // artifact_prefix is a prefix, not a path: "out/" must keep its slash.
  if (p.back() == '/' && a.back() != '/') a += '/';
  return a;
}

[[noreturn]] void fail(const std::string& what, const std::string& output) {
  std::fprintf(stderr, "pgsafe fuzz: %s\n--- output (first 4000 bytes) ---\n%.4000s\n", what.c_str(), output.c_str());
  std::abort();
}

const char* const kFormats[] = {"text", "concise", "json", "sarif", "github", "markdown", "gitlab", "diff"};

}  // namespace

void enter_work_dir(int* argc, char*** argv) {
  if (g_work_dir) return;
  const fs::path started_in = fs::current_path();
  static std::vector<std::string> args;  // the rewritten arguments, alive as long as libFuzzer uses them
  static std::vector<char*> ptrs;
  bool has_artifact_prefix = false;
  for (int i = 0; i < *argc; ++i) {
    std::string a = (*argv)[i];
    if (i > 0 && a.size() > 1 && a[0] == '-') {
      size_t eq = a.find('=');
      std::string name = a.substr(1, eq == std::string::npos ? std::string::npos : eq - 1);
      has_artifact_prefix = has_artifact_prefix || name == "artifact_prefix" || name == "exact_artifact_path";
      if (eq != std::string::npos && is_path_flag(name)) {
        std::string value = a.substr(eq + 1), out;
        if (name == "seed_inputs" && !value.empty() && value[0] != '@') {
          for (size_t pos = 0; pos <= value.size();) {
            size_t comma = value.find(',', pos);
            if (comma == std::string::npos) comma = value.size();
            out += (out.empty() ? "" : ",") + absolute(value.substr(pos, comma - pos), started_in);
            pos = comma + 1;
          }
        } else if (name == "seed_inputs") {
          out = "@" + absolute(value.substr(1), started_in);
        } else {
          out = value.empty() && name == "artifact_prefix" ? started_in.string() + "/" : absolute(value, started_in);
        }
        a = "-" + name + "=" + out;
      }
    } else if (i > 0) {
      a = absolute(a, started_in);
    }
    args.push_back(a);
  }
  if (!has_artifact_prefix) args.push_back("-artifact_prefix=" + started_in.string() + "/");
  for (auto& a : args) ptrs.push_back(a.data());
  ptrs.push_back(nullptr);
  *argc = static_cast<int>(args.size());
  *argv = ptrs.data();

  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string templ = (base / "pgsafe-fuzz-XXXXXX").string();
  if (!mkdtemp(templ.data())) {
    std::perror("pgsafe fuzz: mkdtemp");
    std::abort();
  }
  g_work_dir = new std::string(templ);
  fs::current_path(templ);
  std::atexit(remove_work_dir);
}

const std::string& work_dir() {
  if (!g_work_dir) {
    std::fprintf(stderr, "pgsafe fuzz: enter_work_dir() was not called\n");
    std::abort();
  }
  return *g_work_dir;
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
  static const bool verbose = std::getenv("PGSAFE_FUZZ_VERBOSE") != nullptr;
  if (verbose)
    std::fprintf(stderr, "--- pgsafe lint --format %s%s: exit %d\n%s%s", args.format.c_str(), args.diff ? " --diff" : "",
                 code, out.str().c_str(), err.str().c_str());
  if (code != cli::exit_code::kOk && code != cli::exit_code::kFindings && code != cli::exit_code::kUsage)
    fail("exit code " + std::to_string(code) + " with --format " + args.format, err.str());
  if ((args.format == "json" || args.format == "sarif" || args.format == "gitlab") && !out.str().empty()) {
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

void expect_lints(const cli::LintArgs& args, std::string_view stdin_text) {
  for (const char* f : kFormats) {
    cli::LintArgs a = args;
    a.diff = std::string(f) == "diff";
    a.format = a.diff ? "text" : f;
    std::istringstream in{std::string(stdin_text)};
    std::ostringstream out, err;
    int code = cli::run_lint(a, in, out, err);
    if (code != cli::exit_code::kOk && code != cli::exit_code::kFindings)
      fail("the harness's own check failed: a plain migration exits " + std::to_string(code) + " with --format " + f,
           err.str());
  }
}

}  // namespace pgsafe::fuzz
