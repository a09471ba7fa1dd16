#include "lsp/jsonrpc.h"

#include <poll.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <string_view>

namespace pgsafe::lsp {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A header block longer than this without its blank line is not LSP framing.
constexpr size_t kMaxHeaderBytes = 8192;

}  // namespace

// Where the next "Content-Length:" (any case) begins in buf, or npos. Not only at a line's start:
// the body of a frame without a length runs straight into the next header.
size_t next_length_header(const std::string& buf) {
  static const std::string key = "content-length:";
  for (size_t i = 0; i + key.size() <= buf.size(); ++i) {
    bool match = true;
    for (size_t k = 0; match && k < key.size(); ++k)
      match = std::tolower(static_cast<unsigned char>(buf[i + k])) == key[k];
    if (match) return i;
  }
  return std::string::npos;
}

bool MessageReader::take(Result& out) {
  if (resync_) {
    size_t at = next_length_header(buf_);
    if (at == std::string::npos) {
      // Keep a tail that could be the start of a header split across reads.
      if (buf_.size() > 32) buf_.erase(0, buf_.size() - 32);
      return false;
    }
    buf_.erase(0, at);
    resync_ = false;
  }
  if (skip_ > 0) {
    size_t n = std::min(skip_, buf_.size());
    buf_.erase(0, n);
    skip_ -= n;
    if (skip_ > 0) return false;
  }
  size_t end = buf_.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (buf_.size() > kMaxHeaderBytes) {
      out = Result{Status::Malformed, {}, "a message header longer than 8 KiB without the blank line that ends it"};
      buf_.clear();
      return true;
    }
    return false;
  }
  std::string_view headers(buf_.data(), end);
  long long length = -1;
  std::string problem;
  size_t pos = 0;
  while (pos <= headers.size()) {
    size_t eol = headers.find("\r\n", pos);
    std::string_view line = headers.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? headers.size() + 1 : eol + 2;
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      problem = "a header line without a colon: '" + std::string(line.substr(0, 80)) + "'";
      continue;
    }
    std::string name = lower(trim(line.substr(0, colon)));
    std::string_view value = trim(line.substr(colon + 1));
    if (name != "content-length") continue;  // Content-Type and anything else: ignored
    long long v = 0;
    bool digits = !value.empty() && value.size() <= 18;  // 18 digits cannot overflow
    for (size_t k = 0; digits && k < value.size(); ++k) {
      if (value[k] < '0' || value[k] > '9') digits = false;
      else v = v * 10 + (value[k] - '0');
    }
    if (!digits) problem = "Content-Length is not a number: '" + std::string(value.substr(0, 40)) + "'";
    else length = v;
  }
  // Without a usable length the body cannot be found: the next header is looked for. So is it for a
  // length no client would send (over 4 GiB): skipping that many bytes would swallow everything.
  if (length < 0 || length > (1ll << 32)) {
    out = Result{Status::Malformed, {},
                 length < 0 ? (problem.empty() ? "a message without a Content-Length header" : problem)
                            : "a Content-Length of " + std::to_string(length) + " bytes: not a message any client sends"};
    buf_.erase(0, end + 4);
    resync_ = true;
    return true;
  }
  size_t body_start = end + 4;
  if (static_cast<unsigned long long>(length) > kMaxMessageBytes) {
    out = Result{Status::Malformed, {}, "a message of " + std::to_string(length) + " bytes, more than the limit of 64 MiB"};
    buf_.erase(0, body_start);
    skip_ = static_cast<size_t>(length);
    size_t n = std::min(skip_, buf_.size());
    buf_.erase(0, n);
    skip_ -= n;
    return true;
  }
  if (buf_.size() - body_start < static_cast<size_t>(length)) return false;
  out = Result{Status::Message, buf_.substr(body_start, static_cast<size_t>(length)), {}};
  buf_.erase(0, body_start + static_cast<size_t>(length));
  return true;
}

MessageReader::Result MessageReader::next(int timeout_ms) {
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
  Result r;
  for (;;) {
    if (take(r)) return r;
    if (ended_) return Result{Status::End, {}, {}};
    int wait = -1;
    if (timeout_ms >= 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
      wait = left > 0 ? static_cast<int>(left) : 0;
    }
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, wait);
    if (ready < 0) {
      if (errno == EINTR) continue;
      ended_ = true;
      continue;
    }
    if (ready == 0) return Result{Status::Timeout, {}, {}};
    char chunk[65536];
    ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      ended_ = true;
    } else if (n == 0) {
      ended_ = true;
    } else {
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }
}

bool MessageWriter::write(const std::string& json_body) {
  std::string frame = "Content-Length: " + std::to_string(json_body.size()) + "\r\n\r\n" + json_body;
  size_t done = 0;
  while (done < frame.size()) {
    ssize_t n = ::write(fd_, frame.data() + done, frame.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{fd_, POLLOUT, 0};
        ::poll(&p, 1, 1000);
        continue;
      }
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace pgsafe::lsp
