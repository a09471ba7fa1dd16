// The two executables: pgsafe, the linter, built without libpq so it starts fast, and
// pgsafe-apply, the same CLI with the applier. pgsafe hands the applier's commands over to
// pgsafe-apply (exec, arguments unchanged); without one it says where it looked and exits 2.
#include <catch2/catch.hpp>

#include <elf.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "tests/support.h"

using namespace pgsafe::test;
namespace fs = std::filesystem;

namespace {

bool mentions(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

// The DT_NEEDED entries of a 64-bit ELF executable: the shared libraries it asks the loader for
// (what `readelf -d` lists as NEEDED), read from the file itself.
std::vector<std::string> needed_libraries(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() >= sizeof(Elf64_Ehdr));
  Elf64_Ehdr eh;
  std::memcpy(&eh, bytes.data(), sizeof eh);
  REQUIRE(std::memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0);
  REQUIRE(eh.e_ident[EI_CLASS] == ELFCLASS64);
  std::vector<Elf64_Phdr> phdrs(eh.e_phnum);
  REQUIRE(eh.e_phoff + eh.e_phnum * sizeof(Elf64_Phdr) <= bytes.size());
  for (size_t i = 0; i < phdrs.size(); ++i)
    std::memcpy(&phdrs[i], bytes.data() + eh.e_phoff + i * eh.e_phentsize, sizeof(Elf64_Phdr));
  auto file_offset = [&](uint64_t addr) -> uint64_t {
    for (const auto& p : phdrs)
      if (p.p_type == PT_LOAD && addr >= p.p_vaddr && addr < p.p_vaddr + p.p_filesz) return addr - p.p_vaddr + p.p_offset;
    FAIL("address outside every loaded segment");
    return 0;
  };
  std::vector<std::string> needed;
  for (const auto& p : phdrs) {
    if (p.p_type != PT_DYNAMIC) continue;  // a fully static executable has none
    std::vector<uint64_t> name_offsets;
    uint64_t strtab = 0;
    for (uint64_t off = p.p_offset; off + sizeof(Elf64_Dyn) <= p.p_offset + p.p_filesz; off += sizeof(Elf64_Dyn)) {
      Elf64_Dyn d;
      std::memcpy(&d, bytes.data() + off, sizeof d);
      if (d.d_tag == DT_NULL) break;
      if (d.d_tag == DT_NEEDED) name_offsets.push_back(d.d_un.d_val);
      if (d.d_tag == DT_STRTAB) strtab = d.d_un.d_ptr;
    }
    REQUIRE((name_offsets.empty() || strtab != 0));
    for (uint64_t n : name_offsets) needed.emplace_back(bytes.c_str() + file_offset(strtab) + n);
  }
  return needed;
}

bool needs_library_like(const std::vector<std::string>& needed, const std::string& prefix) {
  return std::any_of(needed.begin(), needed.end(), [&](const std::string& n) { return n.starts_with(prefix); });
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + " ";
  return s;
}

// A copy of the linter alone in an empty folder: no pgsafe-apply beside it.
std::string lone_pgsafe() {
  std::string dir = temp_dir("lone-pgsafe");
  std::string copy = dir + "/pgsafe";
  fs::copy_file(PGSAFE_BINARY, copy);
  fs::permissions(copy, fs::perms::owner_all);
  return copy;
}

// Run a program with PATH set to path (env finds nothing else: the program is given absolute).
ProcessResult run_with_path(const std::string& path, std::vector<std::string> argv, const std::string& stdin_data = "") {
  argv.insert(argv.begin(), {"env", "PATH=" + path});
  return run_command(argv, stdin_data, source_dir(), 60);
}

// The line of a --help listing that names a subcommand, whitespace-trimmed.
std::string help_line(const std::string& help, const std::string& command) {
  std::istringstream in(help);
  for (std::string line; std::getline(in, line);) {
    auto start = line.find_first_not_of(' ');
    if (start != std::string::npos && line.compare(start, command.size() + 1, command + " ") == 0) return line.substr(start);
  }
  return {};
}

const std::vector<std::string> kApplierCommands = {"apply", "status", "repair", "drift"};

}  // namespace

TEST_CASE("the linter does not load libpq or what libpq pulls in", "[binaries]") {
  auto needed = needed_libraries(PGSAFE_BINARY);
  INFO("pgsafe needs: " << joined(needed));
  for (const char* lib : {"libpq.", "libgssapi", "libkrb5", "libldap", "liblber", "libsasl2", "libgnutls", "libssl.",
                          "libcrypto."})
    CHECK_FALSE(needs_library_like(needed, lib));
}

#ifdef PGSAFE_APPLY_BINARY

TEST_CASE("pgsafe-apply links libpq", "[binaries]") {
  auto needed = needed_libraries(PGSAFE_APPLY_BINARY);
  INFO("pgsafe-apply needs: " << joined(needed));
  CHECK(needs_library_like(needed, "libpq."));
}

TEST_CASE("the linter lists the applier's commands as pgsafe-apply describes them", "[binaries]") {
  auto lint_help = run_pgsafe({"--help"});
  auto apply_help = run_command({PGSAFE_APPLY_BINARY, "--help"});
  REQUIRE(lint_help.exit_code == 0);
  REQUIRE(apply_help.exit_code == 0);
  CHECK(lint_help.out == apply_help.out);  // the whole top-level help, commands and footers
  for (const auto& c : kApplierCommands) {
    INFO(c);
    CHECK_FALSE(help_line(lint_help.out, c).empty());
    CHECK(help_line(lint_help.out, c) == help_line(apply_help.out, c));
  }
}

TEST_CASE("the applier's commands reach pgsafe-apply, with the same output and exit code", "[binaries]") {
  // Each is answered without a server: --help, a connection string refused before connecting,
  // and a port nothing listens on.
  const std::vector<std::vector<std::string>> invocations = {
      {"apply", "--help"},
      {"status", "--help"},
      {"repair", "--help"},
      {"drift", "--help"},
      {"plan", "--help"},
      {"status", "--db", "definitely not a connection string"},
      {"status", "--db", "postgresql://pgsafe@127.0.0.1:1/none?connect_timeout=2"},
      {"apply", "--db", "postgresql://pgsafe:secret@127.0.0.1:1/none?connect_timeout=2", "--dir", "migrations"},
      {"repair", "--db", "postgresql://127.0.0.1:1/none", "--reason", "test"},
      {"plan", "--db", "postgresql://pgsafe@127.0.0.1:1/none?connect_timeout=2", "--dir", "migrations"},
      {"plan", "--db=postgresql://pgsafe@127.0.0.1:1/none?connect_timeout=2", "migrations"},
      {"--version"},
  };
  for (const auto& args : invocations) {
    std::string shown;
    for (const auto& a : args) shown += a + " ";
    INFO("pgsafe " << shown);
    auto via_linter = run_pgsafe(args);
    std::vector<std::string> argv{PGSAFE_APPLY_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    auto direct = run_command(argv, "", source_dir());
    CHECK(via_linter.exit_code == direct.exit_code);
    CHECK(via_linter.out == direct.out);
    CHECK(via_linter.err == direct.err);
  }
  // The real help, not the linter's placeholder: apply's own options are listed.
  auto help = run_pgsafe({"apply", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(mentions(help.out, "--db"));
  CHECK(mentions(help.out, "--dir"));
  auto refused = run_pgsafe({"status", "--db", "postgresql://pgsafe@127.0.0.1:1/none?connect_timeout=2"});
  CHECK(refused.exit_code == 5);  // connection failed: the applier's code, not the linter's 2
}

TEST_CASE("without pgsafe-apply beside it, pgsafe falls back to PATH", "[binaries]") {
  std::string pgsafe = lone_pgsafe();
  std::string bin = temp_dir("path-bin");
  fs::create_symlink(PGSAFE_APPLY_BINARY, bin + "/pgsafe-apply");
  auto r = run_with_path(bin + ":/usr/bin:/bin", {pgsafe, "status", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(mentions(r.out, "--exit-code"));  // status's own option
}

#endif  // PGSAFE_APPLY_BINARY

TEST_CASE("without pgsafe-apply anywhere, an applier command exits 2 saying where it looked", "[binaries]") {
  std::string pgsafe = lone_pgsafe();
  std::string folder = fs::path(pgsafe).parent_path().string();
  const std::vector<std::vector<std::string>> invocations = {
      {"apply"},
      {"apply", "--help"},
      {"status", "--db", "postgresql://u:secret@127.0.0.1:1/x"},
      {"repair", "--reason", "x"},
      {"plan", "--db", "postgresql://127.0.0.1:1/x"},
  };
  for (auto args : invocations) {
    args.insert(args.begin(), pgsafe);
    auto r = run_with_path("/nonexistent-pgsafe-test-dir", args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(mentions(r.err, "pgsafe-apply"));
    CHECK(mentions(r.err, folder + "/pgsafe-apply (No such file or directory)"));
    CHECK(mentions(r.err, "PATH"));
    CHECK_FALSE(mentions(r.err, "secret"));
  }

  // Found but not executable: named, with the reason.
  std::string fake = folder + "/pgsafe-apply";
  write_file(fake, "not a program\n");
  fs::permissions(fake, fs::perms::owner_read | fs::perms::owner_write);
  auto r = run_with_path("/nonexistent-pgsafe-test-dir", {pgsafe, "apply"});
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, fake + " (Permission denied)"));

  // The linter itself needs nothing beside it, and still lists the applier's commands.
  auto help = run_with_path("/nonexistent-pgsafe-test-dir", {pgsafe, "--help"});
  CHECK(help.exit_code == 0);
  for (const auto& c : kApplierCommands) CHECK_FALSE(help_line(help.out, c).empty());
  auto version = run_with_path("/nonexistent-pgsafe-test-dir", {pgsafe, "--version"});
  CHECK(version.exit_code == 0);
  auto lint = run_with_path("/nonexistent-pgsafe-test-dir", {pgsafe, "lint", "--migrations-dir", folder, "--stdin-filename", "20260101000000_x.sql", "-"},
                            "CREATE TABLE t (id bigint PRIMARY KEY);\n");
  CHECK(lint.exit_code != 2);
  auto plan = run_with_path("/nonexistent-pgsafe-test-dir", {pgsafe, "plan", "migrations"});
  CHECK(plan.exit_code == 0);
}
