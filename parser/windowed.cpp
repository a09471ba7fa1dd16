// Large texts parsed in windows: libpg_query holds a whole text's parse tree several times over
// (its own nodes, the protobuf it builds, the serialised bytes, then pgsafe's copy), about a
// hundred times the text for short statements. A text is cut after a statement's ';' into
// windows of about ParseLimits::window_bytes, each parsed on its own exactly as a whole text is
// (fast path, then statement by statement when it has a syntax error). The first pass keeps
// every statement's span, parent and errors and the trees of the few kinds rules look for across
// statements; enter_window parses a window again when its statements are visited.
#include <google/protobuf/arena.h>

#include <algorithm>
#include <stdexcept>

#include "parser/lexer.h"
#include "parser/parser.h"

namespace pgsafe::parser {

namespace {

// The statements rules read from elsewhere in the file (looking back or ahead), whose trees are
// kept for the whole file: a table created, rebuilt from a query (CREATE TABLE AS, a view, an
// INSERT ... SELECT) or altered and renamed later (ban-drop-table, ban-drop-column,
// renaming-table), transaction control (renaming-table, empty-migration), schemas and databases
// created earlier (ban-drop-schema, ban-drop-database). Data statements, the bulk of any large
// file, are not among them.
bool retained_across_windows(const pg_query::Node& n) {
  switch (n.node_case()) {
    case pg_query::Node::kCreateStmt:
    case pg_query::Node::kCreateTableAsStmt:
    case pg_query::Node::kViewStmt:
    case pg_query::Node::kAlterTableStmt:
    case pg_query::Node::kRenameStmt:
    case pg_query::Node::kTransactionStmt:
    case pg_query::Node::kCreateSchemaStmt:
    case pg_query::Node::kCreatedbStmt:
      return true;
    case pg_query::Node::kInsertStmt: {
      const auto& ins = n.insert_stmt();
      return ins.has_select_stmt() && ins.select_stmt().has_select_stmt() &&
             ins.select_stmt().select_stmt().values_lists_size() == 0;
    }
    default:
      return false;
  }
}

ParseLimits whole(const ParseLimits& limits) {
  ParseLimits l = limits;
  l.window_bytes = 0;
  return l;
}

}  // namespace

ParsedFile parse_windowed(std::string_view text, const ParseLimits& limits) {
  ParsedFile out;
  out.limits_ = limits;
  out.text_.assign(text.data(), text.size());
  out.comments_ = lex_comments(out.text_);
  size_t estimate = 0;
  std::vector<uint32_t> cuts = window_cuts(out.text_, limits.window_bytes, &estimate);
  cuts.push_back(static_cast<uint32_t>(out.text_.size()));
  out.statements_.reserve(estimate);
  out.windows_.reserve(cuts.size());
  const std::string_view all(out.text_);
  uint32_t begin = 0;
  for (uint32_t end : cuts) {
    ParsedFile part = parse_sql(all.substr(begin, end - begin), whole(limits));
    ParsedFile::Window w{begin, end, static_cast<uint32_t>(out.statements_.size()),
                         static_cast<uint32_t>(part.statements_.size())};
    for (auto& st : part.statements_) {
      Statement s = std::move(st);
      s.begin += begin;
      s.end += begin;
      // base matters only for a tree; a statement without one keeps what a whole parse gives it.
      if (s.node || s.base != 0) s.base += begin;
      if (s.parent >= 0) s.parent = s.parent + static_cast<int32_t>(w.first);
      if (s.error) s.error->offset += begin;
      if (s.body_error) s.body_error->offset += begin;
      if (s.node && retained_across_windows(*s.node)) {
        auto* copy = google::protobuf::Arena::CreateMessage<pg_query::Node>(out.arena_.get());
        copy->CopyFrom(*s.node);
        s.node = copy;
        out.retained_.emplace_back(static_cast<uint32_t>(out.statements_.size()), copy);
      } else {
        s.node = nullptr;
      }
      out.statements_.push_back(std::move(s));
    }
    out.windows_.push_back(w);
    begin = end;
  }
  out.index_kinds();  // the retained trees only: the others are gone already
  return out;
}

void ParsedFile::enter_window(size_t statement) {
  if (windows_.empty() || statement >= statements_.size()) return;
  if (current_window_ < windows_.size()) {
    const Window& cur = windows_[current_window_];
    if (statement >= cur.first && statement < cur.first + cur.count) return;
  }
  // The window holding the statement: the last one starting at or before it.
  auto it = std::upper_bound(windows_.begin(), windows_.end(), statement,
                             [](size_t s, const Window& w) { return s < w.first; });
  const Window& next = *(it - 1);
  // Trees of the window being left go first: at most one window's trees at a time.
  if (current_window_ < windows_.size()) {
    const Window& cur = windows_[current_window_];
    auto r = std::lower_bound(retained_.begin(), retained_.end(), cur.first,
                              [](const auto& p, uint32_t v) { return p.first < v; });
    for (uint32_t k = cur.first; k < cur.first + cur.count; ++k) {
      const pg_query::Node* kept = nullptr;
      if (r != retained_.end() && r->first == k) kept = (r++)->second;
      statements_[k].node = kept;
    }
  }
  window_.reset();
  tokens_.clear();
  tokens_.shrink_to_fit();
  tokens_scanned_ = false;
  auto part = std::make_unique<ParsedFile>(
      parse_sql(std::string_view(text_).substr(next.begin, next.end - next.begin), whole(limits_)));
  // The same bytes parse to the same statements as in the first pass.
  if (part->statements_.size() != next.count) throw std::logic_error("pgsafe: a window parsed differently the second time");
  for (uint32_t k = 0; k < next.count; ++k) statements_[next.first + k].node = part->statements_[k].node;
  window_ = std::move(part);
  current_window_ = static_cast<size_t>(it - 1 - windows_.begin());
}

void ParsedFile::scan_window_tokens() const {
  tokens_.clear();
  if (window_) {
    const uint32_t shift = windows_[current_window_].begin;
    const auto& local = window_->tokens();
    tokens_.reserve(local.size());
    for (Token t : local) {
      t.begin += shift;
      t.end += shift;
      tokens_.push_back(t);
    }
    window_->tokens_.clear();
    window_->tokens_.shrink_to_fit();
    window_->tokens_scanned_ = false;
  }
  tokens_scanned_ = true;
}

}  // namespace pgsafe::parser
