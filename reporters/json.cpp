// `--format json`: the lint-output-v1 contract (contracts/lint-output-v1.schema.json), one document.
// Written as a stream, not built as a DOM: a corpus-sized report is tens of thousands of
// diagnostics, and a JSON tree of them cost as much CPU as parsing the SQL did.
#include <ostream>
#include <string>
#include <string_view>

#include "reporters/format_util.h"
#include "reporters/reporter.h"

namespace pgsafe::report {

namespace {

// A JSON string with the escapes nlohmann::json uses (so output stays byte-identical to the
// documented goldens); invalid UTF-8 becomes U+FFFD, since messages quote the user's SQL.
void write_string(std::string& out, std::string_view s) {
  out += '"';
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    // Copy the run of characters that need no escaping in one go.
    size_t run = i;
    while (run < n) {
      unsigned char r = static_cast<unsigned char>(s[run]);
      if (r < 0x20 || r == '"' || r == '\\' || r >= 0x80) break;
      ++run;
    }
    if (run > i) {
      out.append(s.data() + i, run - i);
      i = run;
      if (i == n) break;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            static const char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    bool ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok) {
      out.append(s.data() + i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  out += '"';
}

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void open(char bracket) {
    out_ += bracket;
    ++depth_;
    first_ = true;
  }
  void close(char bracket, bool empty) {
    --depth_;
    if (!empty) newline();
    out_ += bracket;
    first_ = false;
  }
  void key(std::string_view k) {
    item();
    write_string(out_, k);
    out_ += ": ";
  }
  void item() {
    if (!first_) out_ += ',';
    newline();
    first_ = false;
  }
  void string(std::string_view s) { write_string(out_, s); }
  void nullable(const std::string& s) {
    if (s.empty()) out_ += "null";
    else write_string(out_, s);
  }
  void number(uint64_t v) { out_ += std::to_string(v); }
  void boolean(bool b) { out_ += b ? "true" : "false"; }
  void null() { out_ += "null"; }

 private:
  void newline() {
    out_ += '\n';
    out_.append(static_cast<size_t>(depth_) * 2, ' ');
  }
  std::string& out_;
  int depth_ = 0;
  bool first_ = true;
};

void position(Writer& w, const Position& p) {
  w.open('{');
  w.key("line"); w.number(p.line);
  w.key("column"); w.number(p.column);
  w.key("offset"); w.number(p.offset);
  w.close('}', false);
}

void range(Writer& w, const Range& r) {
  w.open('{');
  w.key("start"); position(w, r.start);
  w.key("end"); position(w, r.end);
  w.close('}', false);
}

void diagnostic(Writer& w, const Diagnostic& d) {
  w.open('{');
  w.key("file"); w.string(d.file);
  w.key("rule"); w.string(d.rule);
  w.key("severity"); w.string(util::severity_name(d.severity));
  w.key("message"); w.string(d.message);
  w.key("help"); w.nullable(d.help);
  w.key("url"); w.nullable(d.url);
  w.key("range"); range(w, d.range);
  w.key("fix");
  if (d.fix) {
    w.open('{');
    w.key("description"); w.string(d.fix->description);
    w.key("safe"); w.boolean(d.fix->safe);
    w.key("edits");
    w.open('[');
    for (const Edit& e : d.fix->edits) {
      w.item();
      w.open('{');
      w.key("range"); range(w, e.range);
      w.key("newText"); w.string(e.new_text);
      w.close('}', false);
    }
    w.close(']', d.fix->edits.empty());
    w.close('}', false);
  } else {
    w.null();
  }
  w.key("suppression");
  if (d.suppression) {
    w.open('{');
    w.key("kind"); w.string(d.suppression->kind == Suppression::Kind::External ? "external" : "inSource");
    w.key("justification"); w.string(d.suppression->justification);
    w.close('}', false);
  } else {
    w.null();
  }
  w.key("category"); w.string(d.category);
  w.close('}', false);
}

}  // namespace

void write_json(std::ostream& out, const ReportInput& in, const ReportOptions&) {
  std::string buf;
  buf.reserve(4096 + in.diagnostics.size() * 900);
  Writer w(buf);
  w.open('{');
  w.key("version"); w.number(1);
  w.key("tool");
  w.open('{');
  w.key("name"); w.string("pgsafe");
  w.key("version"); w.string(in.tool_version);
  w.close('}', false);
  w.key("diagnostics");
  w.open('[');
  for (const Diagnostic& d : in.diagnostics) {
    w.item();
    diagnostic(w, d);
    // Flush as we go so a huge report never holds two copies.
    if (buf.size() > (1u << 20)) {
      out << buf;
      buf.clear();
    }
  }
  w.close(']', in.diagnostics.empty());
  w.key("summary");
  w.open('{');
  w.key("files"); w.number(in.summary.files);
  w.key("errors"); w.number(in.summary.errors);
  w.key("warnings"); w.number(in.summary.warnings);
  w.key("infos"); w.number(in.summary.infos);
  w.key("suppressed"); w.number(in.summary.suppressed);
  w.close('}', false);
  w.close('}', false);
  buf += '\n';
  out << buf;
}

}  // namespace pgsafe::report
