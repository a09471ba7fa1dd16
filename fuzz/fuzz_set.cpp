// libFuzzer target: a migration set, written to a supabase/migrations folder and linted the way
// `pgsafe lint supabase/migrations/` does (cli::run_lint), with each reporter in turn.
//
// The input is the set's files one after another, each introduced by a line starting with
// "--@" (the text before the first such line is the first file):
//   --@            the next migration (timestamped name, version order = input order)
//   --@down        the down migration of the previous one (the set then uses golang-migrate's
//                  <version>_<name>.up.sql / .down.sql names)
//   --@config      not a migration: .pgsafe.toml in the working directory
// A hash of the input also chooses whether the whole folder is linted or only its last file, the
// others then being replayed as its history (as `pgsafe lint <one new file>` does).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.h"

namespace fs = std::filesystem;

namespace {

struct Chunk {
  enum Kind { Up, Down, Config } kind = Up;
  std::string_view text;
};

constexpr size_t kMaxFiles = 48;

std::vector<Chunk> split(std::string_view in) {
  std::vector<Chunk> chunks;
  Chunk cur;
  size_t body = 0;  // where the current chunk's text starts
  for (size_t line = 0; line < in.size() && chunks.size() < kMaxFiles;) {
    size_t eol = in.find('\n', line);
    size_t next = eol == std::string_view::npos ? in.size() : eol + 1;
    if (in.substr(line, 3) == "--@") {
      if (line > 0) {
        cur.text = in.substr(body, line - body);
        chunks.push_back(cur);
      }
      std::string_view marker = in.substr(line + 3, next - line - 3);
      cur = Chunk{};
      if (marker.substr(0, 4) == "down") cur.kind = Chunk::Down;
      else if (marker.substr(0, 6) == "config") cur.kind = Chunk::Config;
      body = next;
    }
    line = next;
  }
  if (chunks.size() < kMaxFiles) {
    cur.text = in.substr(body);
    chunks.push_back(cur);
  }
  return chunks;
}

void write(const fs::path& path, std::string_view text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!f.flush()) {
    std::perror(("pgsafe fuzz: cannot write " + path.string()).c_str());
    std::abort();
  }
}

}  // namespace

pgsafe::cli::LintArgs set_args(std::string path) {
  pgsafe::cli::LintArgs args;
  args.paths = {std::move(path)};
  args.jobs = 2;  // the parallel reader, as on a two-core machine
  args.quiet = true;
  args.color = "never";
  return args;
}

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  pgsafe::fuzz::enter_work_dir(argc, argv);
  // A plain set must lint (exit 0 or 1); see expect_lints.
  fs::create_directories("supabase/migrations");
  write("supabase/migrations/20240101000000_m0.sql", "CREATE TABLE t (id bigint PRIMARY KEY);\n");
  write("supabase/migrations/20240101000001_m1.sql", "ALTER TABLE t ADD COLUMN c text;\n");
  pgsafe::fuzz::expect_lints(set_args("supabase/migrations"), "");
  pgsafe::fuzz::expect_lints(set_args("supabase/migrations/20240101000001_m1.sql"), "");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<Chunk> chunks = split(in);

  const fs::path root = pgsafe::fuzz::work_dir();
  const fs::path dir = root / "supabase" / "migrations";
  std::error_code ec;
  fs::remove_all(root / "supabase", ec);
  fs::remove(root / ".pgsafe.toml", ec);
  fs::create_directories(dir);

  bool golang = false;
  for (const auto& c : chunks) golang = golang || c.kind == Chunk::Down;
  std::vector<std::string> files;
  std::string last_up;
  int n = 0;
  for (const auto& c : chunks) {
    if (c.kind == Chunk::Config) {
      write(root / ".pgsafe.toml", c.text);
      continue;
    }
    std::string name;
    if (c.kind == Chunk::Down) {
      if (last_up.empty()) continue;  // a down file with no up file before it: dropped
      name = last_up + ".down.sql";
    } else {
      char version[32];
      std::snprintf(version, sizeof version, "20240101%02d%02d%02d", n / 3600, n / 60 % 60, n % 60);
      last_up = std::string(version) + "_m" + std::to_string(n);
      ++n;
      name = last_up + (golang ? ".up.sql" : ".sql");
    }
    write(dir / name, c.text);
    files.push_back((fs::path("supabase") / "migrations" / name).generic_string());
  }
  if (files.empty()) return 0;

  uint32_t h = 0;
  for (size_t i = 0; i < size; ++i) h = h * 31 + data[i];
  bool only_last = (h >> 8) % 4 == 0 && files.size() > 1;
  pgsafe::fuzz::lint_all_formats(set_args(only_last ? files.back() : "supabase/migrations"), "", data, size);
  return 0;
}
