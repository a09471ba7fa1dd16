#pragma once
// The project's local PostgreSQL (`pgsafe dev start|stop|status|url|destroy`): a private server
// made with the installed PostgreSQL's initdb and pg_ctl, its data under <project>/.pgsafe/dev/,
// listening on a Unix socket there (trust, for the owner only) and on localhost at a free port
// (a generated password). Run as root, the server runs as an unprivileged user (postgres, else
// nobody), since PostgreSQL refuses to run as root.
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace pgsafe::applier::dev {

// The installed PostgreSQL server programs.
struct Binaries {
  std::string bin_dir;   // holds initdb, pg_ctl, postgres
  int major = 0;         // 15
  std::string version;   // "15.8"
  std::string found_by;  // how: $PGSAFE_PG_BIN, /usr/lib/postgresql/N/bin, pg_config --bindir, PATH
};
// $PGSAFE_PG_BIN, else the newest /usr/lib/postgresql/<N>/bin (Debian's layout), else
// `pg_config --bindir`, else initdb on PATH. With want_major, only that major will do. False with
// why: every place looked at and what to install.
bool find_binaries(Binaries& out, std::string& why, std::optional<int> want_major = std::nullopt);

// What .pgsafe/dev/server.json records about the project's server.
struct Server {
  std::string root;         // the project folder
  std::string home;         // data/, run/ and server.log live here: <root>/.pgsafe/dev, or a folder in
                            // /var/tmp when the server's user cannot reach the project (run as root)
  std::string socket_dir;   // <home>/run, or a short /tmp folder when that path is too long for a socket
  int port = 0;             // on localhost
  int major = 0;
  std::string bin_dir;
  std::string server_user;  // "" when the server runs as the invoking user
  std::string database = "postgres";
  std::string user = "postgres";

  std::string data_dir() const { return home + "/data"; }
  std::string log_file() const { return home + "/server.log"; }
  std::string record_file() const { return root + "/.pgsafe/dev/server.json"; }
  std::string password_file() const { return root + "/.pgsafe/dev/password"; }
};

// The project folder: that of the nearest .pgsafe.toml (or of --config), else the git work
// tree's top, else the working directory.
std::string project_root(const std::optional<std::string>& config);
// The project's server record, if `pgsafe dev start` ever made one.
std::optional<Server> load_server(const std::string& root);
// Whether the server is up (postmaster.pid names a live process and the socket answers).
bool running(const Server& s, int* pid = nullptr);
// postgresql://postgres@localhost:PORT/postgres?host=SOCKET_DIR: over the socket, no password.
std::string socket_url(const Server& s);
// postgresql://postgres:PASSWORD@localhost:PORT/postgres: for programs that only speak TCP.
std::string tcp_url(const Server& s, const std::string& password);

struct DevOptions {
  std::string action;                   // start | stop | status | url | destroy
  std::optional<std::string> config;
  std::string format = "text";          // status: text | json
  bool tcp = false;                     // url: the TCP URL with the password
  bool yes = false;                     // destroy without asking
};
// 0 done (status: running), 3 status/url of a server that is not running, 2 usage, 5 the server
// could not be made, started or stopped (with the server's own words).
int run_dev(const DevOptions& opts, std::ostream& out, std::ostream& err);

// Whether stdin is a terminal a question can be asked on; ask() prints the question to err and
// reads y/yes (anything else is no).
bool interactive();
bool ask(const std::string& question, std::ostream& err);

}  // namespace pgsafe::applier::dev
