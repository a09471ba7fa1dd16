#pragma once
// The Language Server Protocol's base protocol: JSON-RPC 2.0 messages, each framed by a header
// ("Content-Length: N\r\n", optionally "Content-Type: ...\r\n") and a blank line, then N bytes of
// UTF-8 JSON. Read from and written to file descriptors (the server's stdin and stdout).
#include <cstddef>
#include <string>

namespace pgsafe::lsp {

// Bodies larger than this are refused (and skipped), never buffered: a 64 MiB migration is
// four times the linter's own file size limit.
inline constexpr size_t kMaxMessageBytes = 64u * 1024 * 1024;

class MessageReader {
 public:
  explicit MessageReader(int fd) : fd_(fd) {}

  enum class Status {
    Message,    // body holds one message's bytes (not yet parsed as JSON)
    Timeout,    // nothing whole arrived in time
    End,        // the input ended (the client went away)
    Malformed,  // a header the protocol does not allow; error says what (the frame is skipped)
  };
  struct Result {
    Status status = Status::Timeout;
    std::string body;
    std::string error;
  };

  // The next message, waiting at most timeout_ms milliseconds (-1: as long as it takes).
  Result next(int timeout_ms);

 private:
  // A whole frame from the buffer, if one is there.
  bool take(Result& out);
  int fd_;
  std::string buf_;
  size_t skip_ = 0;  // body bytes of a refused frame still to be discarded
  // After a header without a usable length: bytes are dropped up to the next Content-Length header,
  // so one bad frame does not take every later message with it.
  bool resync_ = false;
  bool ended_ = false;
};

class MessageWriter {
 public:
  explicit MessageWriter(int fd) : fd_(fd) {}
  // Writes one framed message; false when the output is gone (the client closed it).
  bool write(const std::string& json_body);

 private:
  int fd_;
};

}  // namespace pgsafe::lsp
