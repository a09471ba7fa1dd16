#pragma once
// What every subcommand shares at the top level: its exit codes (the --help footer) and the
// answer to a subcommand that does not exist.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace pgsafe::cli {

// The "Exit codes: ..." paragraph for a subcommand's --help, "" for a command pgsafe's CLI does
// not describe here (the applier's apply keeps its own).
std::string exit_codes_footer(std::string_view command);

// Give every subcommand of app that has no footer of its own its exit codes.
void add_exit_code_footers(CLI::App& app);

// When args (argv without the program name) name a subcommand app does not have, the message:
// "unknown command 'lnit' (did you mean 'lint'?)". Only the first word counts (the top level
// takes no option with a value); an option the top level does not have is left to CLI11.
std::optional<std::string> unknown_subcommand(const CLI::App& app, const std::vector<std::string>& args);

}  // namespace pgsafe::cli
