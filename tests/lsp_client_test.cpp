// The test LSP client (tests/lsp_client.h) checked against fake servers made of /bin/sh and cat
// only: printf of pre-framed bytes, and cat as an echo server (what the client sends comes back, so a
// request it sends returns to it as a server->client request, which it answers, and the answer comes
// back as the response). Nothing here needs pgsafe's own server.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/lsp_client.h"
#include "tests/support.h"

using namespace pgsafe::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {
std::string framed(const std::string& body, const std::string& extra_header = "") {
  return "Content-Length: " + std::to_string(body.size()) + "\r\n" + extra_header + "\r\n" + body;
}
// A server that writes `first`, waits a little, writes `second`, then reads (and ignores) its stdin
// with its stdout still open (no exec: cat's stdout is /dev/null, the shell keeps the pipe).
std::vector<std::string> printf_server(const std::string& first, const std::string& second) {
  return {"/bin/sh", "-c", "printf '%s' \"$1\"; sleep 0.1; printf '%s' \"$2\"; cat >/dev/null", "sh", first, second};
}
}  // namespace

TEST_CASE("lsp client: frames count bytes, and notifications wait in a queue", "[lsp-client]") {
  const std::string response = R"({"jsonrpc":"2.0","id":1,"result":{"text":"é😀"}})";
  REQUIRE(response.size() == 51);  // 45 ASCII bytes, é in 2 and 😀 in 4: Content-Length is in bytes
  std::string first = framed(R"({"jsonrpc":"2.0","method":"window/logMessage","params":{"message":"before"}})") +
                      framed(response, "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n");
  std::string second_note = framed(R"({"jsonrpc":"2.0","method":"window/logMessage","params":{"message":"après 😀"}})");
  // The second notification is cut inside the 4 bytes of 😀: its end arrives 0.1 s later.
  size_t cut = second_note.find("😀") + 2;
  first += second_note.substr(0, cut);
  LspClient c(printf_server(first, second_note.substr(cut)));
  REQUIRE(c.request("test/unicode", {{"x", 1}}) == 1);
  json r = c.wait_response(1);
  CHECK(r["result"]["text"] == "é😀");
  // The notification that came before the response is queued; the one after it is awaited.
  CHECK(c.queued("window/logMessage").size() == 1);
  json later = c.wait_notification("window/logMessage", [](const json& n) { return n["params"]["message"] != "before"; });
  CHECK(later["params"]["message"] == "après 😀");
  CHECK(c.queued("window/logMessage").size() == 1);
  CHECK(c.wait_notification("window/logMessage")["params"]["message"] == "before");
  CHECK(c.queued("window/logMessage").empty());
  CHECK(c.protocol_errors().empty());
  CHECK(c.request("next") == 2);  // ids count up
}

TEST_CASE("lsp client: server requests are answered; big messages; protocol errors", "[lsp-client]") {
  LspClient c({"cat"});  // an echo server, found in PATH
  c.set_request_handler([](const json& req) { return json{{"echoed", req["params"]}}; });
  // A request comes back as a server->client request; the client's answer comes back as the response.
  json r = c.call("client/echo", {{"s", "é😀"}});
  CHECK(r["result"]["echoed"]["s"] == "é😀");
  REQUIRE(c.server_requests().size() == 1);
  CHECK(c.server_requests()[0]["method"] == "client/echo");

  // 2 MB each way through 64 KiB pipes: cat blocks writing back unless the client reads while it writes.
  std::string big(2 << 20, 'x');
  r = c.call("client/big", {{"s", big}});
  CHECK(r["result"]["echoed"]["s"].get<std::string>().size() == big.size());

  // Without a handler the answer is null; a handler that throws answers with an error.
  c.set_request_handler({});
  CHECK(c.call("client/null")["result"].is_null());
  c.set_request_handler([](const json&) -> json { throw std::runtime_error("no way"); });
  r = c.call("client/fails");
  CHECK(r["error"]["code"] == -32603);
  CHECK(r["error"]["message"] == "no way");
  CHECK(c.protocol_errors().empty());

  // Bad frames sent to cat come back as bad frames from the "server".
  c.send_raw("Content-Length: 5\r\n\r\nhello");                         // not JSON
  c.send_raw("X-Junk: 1\r\n\r\n");                                       // no Content-Length
  c.send_message({{"method", "window/logMessage"}, {"params", json::object()}});  // no "jsonrpc"
  c.send_message({{"jsonrpc", "2.0"}, {"id", 99}, {"result", nullptr}});          // an id never sent
  c.set_request_handler({});
  c.call("client/after");  // a good message after the bad ones still gets through
  auto errors = c.protocol_errors();
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].find("not JSON") != std::string::npos);
  CHECK(errors[1].find("without Content-Length") != std::string::npos);
  CHECK(errors[2].find("jsonrpc") != std::string::npos);
  CHECK(errors[3].find("never sent") != std::string::npos);
  CHECK(c.queued("window/logMessage").size() == 1);  // recorded, and still delivered
  c.drain();
  CHECK(c.queued("window/logMessage").empty());

  c.close_stdin();
  CHECK(c.wait_exit() == 0);
  CHECK_FALSE(c.running());
}

TEST_CASE("lsp client: timeouts, exits, stderr, cwd and env", "[lsp-client]") {
  {
    LspClient c({"/bin/sh", "-c", "echo still here >&2; cat >/dev/null"});
    int id = c.request("never/answered");
    CHECK_THROWS_WITH(c.wait_response(id, 150ms), Catch::Contains("no response to id 1") && Catch::Contains("still here"));
    CHECK_THROWS_WITH(c.wait_notification("nothing", {}, 50ms), Catch::Contains("no matching nothing notification"));
    CHECK(c.wait_exit(50ms) == -1);  // still running: left to the destructor, which kills it
    CHECK(c.running());
  }
  {
    LspClient c({"/bin/sh", "-c", "echo bye >&2; exit 3"});
    // No request is sent: the server may be gone already, and a write to it would fail first.
    CHECK_THROWS_WITH(c.wait_response(1, 5s), Catch::Contains("closed its stdout") && Catch::Contains("bye"));
    CHECK(c.wait_exit() == 3);
    CHECK(c.stderr_text() == "bye\n");
  }
  {
    LspClient c({"/bin/sh", "-c", "kill -9 $$"});
    CHECK(c.wait_exit() == 128 + 9);
  }
  {
    std::string dir = temp_dir("lsp-client");
    LspClient c({"/bin/sh", "-c", "printf '%s|%s' \"$(pwd -P)\" \"$LSP_CLIENT_TEST\" >&2"}, dir, {"LSP_CLIENT_TEST=é b"});
    CHECK(c.wait_exit() == 0);
    CHECK(c.stderr_text() == std::filesystem::canonical(dir).string() + "|é b");
  }
  CHECK_THROWS_WITH(LspClient({"/nonexistent/server"}), Catch::Contains("cannot start /nonexistent/server"));
}

TEST_CASE("lsp client: file URIs", "[lsp-client]") {
  CHECK(file_uri("/tmp/a b/é#%.sql") == "file:///tmp/a%20b/%C3%A9%23%25.sql");
  CHECK(uri_path("file:///tmp/a%20b/%C3%A9%23%25.sql") == "/tmp/a b/é#%.sql");
  CHECK(uri_path("file:///tmp/%c3%a9") == "/tmp/é");
  CHECK(uri_path("file://localhost/x/y-_.~z") == "/x/y-_.~z");
  CHECK(uri_path(file_uri("/p/2019-02-26-002946_create_user/up.sql")) == "/p/2019-02-26-002946_create_user/up.sql");
  CHECK_THROWS(uri_path("untitled:Untitled-1"));
  CHECK_THROWS(file_uri("relative/path"));
}
