#include "analyzer/engine.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "analyzer/concurrency.h"
#include "analyzer/exposure.h"
#include "analyzer/history_cache.h"
#include "analyzer/plan.h"
#include "analyzer/registry.h"
#include "analyzer/rule.h"
#include "analyzer/statement_facts.h"
#include "analyzer/suppressions.h"
#include "analyzer/template_placeholders.h"
#include "analyzer/work_counters.h"
#include "parser/parser.h"

namespace pgsafe {

// ---------------------------------------------------------------------------------------------
// Rule selection

namespace {

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

bool rule_enabled(std::string_view id, const LintOptions& opts) {
  const RuleDef* def = find_rule(id);
  if (!def) return false;
  if (contains(opts.ignore, id)) return false;
  auto it = opts.config.rules.find(std::string(id));
  if (it != opts.config.rules.end() && it->second.severity == Severity::Off) return false;
  if (!opts.select.empty()) return contains(opts.select, id);
  if (meta_of(*def).enabled_by_default) return true;
  // Opt-in rules are turned on by naming them in the config with a severity or options.
  return it != opts.config.rules.end() && (it->second.severity.has_value() || !it->second.options.empty());
}

Severity effective_severity(std::string_view id, const LintOptions& opts) {
  auto it = opts.config.rules.find(std::string(id));
  if (it != opts.config.rules.end() && it->second.severity) return *it->second.severity;
  const RuleDef* def = find_rule(id);
  return def ? meta_of(*def).default_severity : Severity::Off;
}

std::vector<std::string> unknown_rule_ids(const LintOptions& opts) {
  std::vector<std::string> out;
  auto check = [&](const std::string& id) {
    if (!find_rule(id) && !contains(out, id)) out.push_back(id);
  };
  for (const auto& id : opts.select) check(id);
  for (const auto& id : opts.ignore) check(id);
  for (const auto& [id, rc] : opts.config.rules) check(id);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading files

namespace {

struct LoadedFile {
  SourceText source;
  parser::ParsedFile parsed;
  std::optional<InputError> error;
  std::vector<TemplatePlaceholder> placeholders;  // template actions the parser saw replaced
  // content_hash of the bytes read: notices a file changed during the run, and is the history
  // cache's record of the file.
  uint64_t digest = 0;
  std::optional<HistoryFileStamp> stamp;  // for the history cache: the file's stat before it was read, and its hash
};


// Read and validate a file's text (size, binary, UTF-8); parse it only when asked.
LoadedFile load(const MigrationFile& f, size_t max_size, bool parse = true,
                const std::vector<TemplateDelimiters>& templates = {}, const parser::ParseLimits& limits = {}) {
  LoadedFile out;
  std::string bytes;
  if (f.contents) {
    bytes = *f.contents;
  } else {
    std::string why;
    if (!read_migration_file(f.path, max_size, bytes, why)) {
      out.error = InputError{f.path, why};
      return out;
    }
  }
  out.digest = content_hash(bytes);
  if (bytes.size() > max_size) {
    out.error = InputError{f.path, "input is " + describe_mib(bytes.size()) + ", larger than the limit of " +
                                       describe_mib(max_size)};
    return out;
  }
  SourceText src(f.path, std::move(bytes));
  const std::string& text = src.text();
  if (looks_binary(text)) {
    Position p = src.position(text.find('\0'));
    out.error = InputError{f.path,
                           "contains a NUL byte: binary, not SQL text (pgsafe would not see what follows the byte, "
                           "while psql runs it); remove it",
                           p.line, p.column};
    return out;
  }
  if (auto bad = find_invalid_utf8(text)) {
    Position p = src.position(*bad);
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[*bad]));
    out.error = InputError{f.path, std::string("not valid UTF-8 (byte ") + hex +
                                       "); pgsafe reads migrations as UTF-8, re-save the file in that encoding",
                           p.line, p.column};
    return out;
  }
  // A UTF-8 byte order mark is not SQL, nor are template actions: the parser sees them
  // replaced by bytes of the same length, so offsets are unchanged.
  bool bom = text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0;
  if (!parse) {
    // Only the text is wanted (positions of a finding found after the file was processed).
  } else if (bom || !templates.empty()) {
    std::string copy = text;
    if (bom) copy[0] = copy[1] = copy[2] = ' ';
    out.placeholders = substitute_template_placeholders(copy, templates);
    out.parsed = parser::parse_sql(copy, limits);
  } else {
    out.parsed = parser::parse_sql(text, limits);
  }
  out.source = std::move(src);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Per-file bookkeeping kept until the end of the run (small: no trees).

// Where the ignores of a file apply, built once per file when its findings are matched, so a
// finding costs a lookup, not a pass over every ignore: (statement, rule) -> the first line
// ignore naming the rule before that statement, rule -> the first (and the last) whole-file
// ignore naming it. Each as (ignore, entry) indexes into FileRecord::ignores; the keys view the
// ignores' own rule ids.
struct IgnoreIndex {
  using Entry = std::pair<uint32_t, uint32_t>;
  std::map<std::pair<int, std::string_view>, Entry> line;
  std::map<std::string_view, Entry> whole_file_first;
  std::map<std::string_view, uint32_t> whole_file_last;
};

struct FileRecord {
  bool linted = false;
  std::vector<IgnoreComment> ignores;
  std::optional<IgnoreIndex> ignore_index;  // built from ignores when first needed
  std::vector<std::pair<uint32_t, uint32_t>> stmt_ranges;
  std::vector<int> stmt_parent;
  bool stmt_begins_sorted = true;  // statement starts never decrease (then placing a finding is a search)
  std::optional<SourceText> source;  // kept when the file has findings
  std::vector<TemplatePlaceholder> placeholders;
  uint64_t digest = 0;  // of the text linted (files read from disk)
  bool changed_reported = false;
  bool unreadable = false;  // reported as an input error when first read
};

// Another file's object a finding is about (LintOptions::related).
struct RelatedRef {
  int file;
  uint32_t begin, end;
  std::string message;
};

struct RawFinding {
  const RuleDef* rule;
  Finding finding;
  int file;
  int statement;
  // Positions, computed while the file's text is at hand (the text itself need not be kept).
  std::optional<Range> range = {};
  std::vector<Range> edit_ranges = {};
  std::vector<RelatedRef> related = {};
};

// "schema.name" of the table a statement creates, read from its first words:
// CREATE [GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED] TABLE [IF NOT EXISTS] [schema.]name; "" otherwise.
std::string plainly_created_table(std::string_view text) {
  size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size()) {
      if (std::isspace(static_cast<unsigned char>(text[i]))) ++i;
      else if (text.compare(i, 2, "--") == 0) { while (i < text.size() && text[i] != '\n') ++i; }
      else if (text.compare(i, 2, "/*") == 0) { size_t e = text.find("*/", i + 2); i = e == std::string_view::npos ? text.size() : e + 2; }
      else break;
    }
  };
  auto word = [&]() -> std::string {
    skip_space();
    std::string w;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) w += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i++])));
    return w;
  };
  auto ident = [&]() -> std::string {
    skip_space();
    std::string w;
    if (i < text.size() && text[i] == '"') {
      for (++i; i < text.size(); ++i) {
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') { w += '"'; ++i; continue; }
          ++i;
          return w;
        }
        w += text[i];
      }
      return {};
    }
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_' || text[i] == '$'))
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i++])));
    return w;
  };
  if (word() != "create") return {};
  std::string w = word();
  if (w == "global" || w == "local") w = word();
  if (w == "temp" || w == "temporary" || w == "unlogged") w = word();
  if (w != "table") return {};
  size_t mark = i;
  if (word() == "if") {
    if (word() != "not" || word() != "exists") return {};
  } else {
    i = mark;
  }
  std::string first = ident();
  if (first.empty()) return {};
  skip_space();
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::string second = ident();
    return second.empty() ? std::string() : Catalog::qualify(first, second);
  }
  return Catalog::qualify("", first);
}

class Run {
 public:
  Run(const MigrationSet& set, const LintOptions& opts) : set_(set), opts_(opts) {
    for (const RuleDef* def : all_rules()) {
      if (!rule_enabled(meta_of(*def).id, opts)) continue;
      Active a;
      a.def = def;
      a.rule = def->make();
      a.severity = effective_severity(meta_of(*def).id, opts);
      auto it = opts.config.rules.find(std::string(meta_of(*def).id));
      a.options = it != opts.config.rules.end() ? it->second.options : nlohmann::json::object();
      a.category = SharedText(meta_of(*def).category);
      a.help = SharedText(meta_of(*def).help);
      a.url = SharedText(rule_url(meta_of(*def).id));
      active_.push_back(std::move(a));
    }
    for (size_t i = 0; i < active_.size(); ++i) {
      active_index_.emplace(active_[i].def, i);
      for (int kind : active_[i].rule->subscriptions()) {
        if (kind == kAnyStatement) any_.push_back(i);
        else if (kind == kUnparsedStatement) unparsed_.push_back(i);
        else {
          if (static_cast<size_t>(kind) >= by_kind_.size()) by_kind_.resize(static_cast<size_t>(kind) + 1);
          by_kind_[static_cast<size_t>(kind)].push_back(i);
        }
      }
    }
    records_.resize(set.files.size());
  }

  LintResult run() {
    LintResult result;
    const Settings& configured = opts_.config.settings;
    if (configured.exposed_schemas_auto) exposure_.observe_set(set_);
    size_t first = restore_history(result);
    load_all_in_order(first, [&](size_t i, LoadedFile&& lf) { process(i, std::move(lf), result); });
    set_settings_ = configured;
    if (configured.exposed_schemas_auto) {
      if (exposed()) {
        result.exposure_note = "RLS and grant checks: on for schema public, because " + exposure_reason();
      } else {
        set_settings_.exposed_schemas.clear();
        result.exposure_note = "RLS and grant checks: off, nothing shows that an API (Supabase, PostgREST) serves "
                               "schema public; set exposed_schemas in .pgsafe.toml to turn them on";
      }
    } else {
      std::string list;
      for (const auto& s : configured.exposed_schemas) list += (list.empty() ? "" : ", ") + s;
      result.exposure_note = list.empty() ? "RLS and grant checks: off (exposed_schemas = [] in the configuration)"
                                          : "RLS and grant checks: on for " + list + " (exposed_schemas in the configuration)";
    }
    finish_set();
    if (opts_.after_files_analysed) opts_.after_files_analysed();
    build_diagnostics(result);
    for (auto& e : late_errors_) result.errors.push_back(std::move(e));
    return result;
  }

 private:
  struct Active {
    const RuleDef* def = nullptr;
    std::unique_ptr<Rule> rule;
    Severity severity = Severity::Warning;
    nlohmann::json options;
    // The rule's texts, made once: every finding of the rule refers to them.
    SharedText category, help, url;
  };

  // Files are read and parsed by worker threads, at most `window` ahead of the consumer, and
  // handed over strictly in set order.
  // Files before `first` are skipped (their state came from the history cache).
  template <typename Fn>
  void load_all_in_order(size_t first, Fn&& consume) {
    const size_t n = set_.files.size();
    const size_t max_size = opts_.config.max_file_size;
    auto load_one = [&](size_t i) {
      // A history file the cache will record is stamped before it is read: a change after the
      // stat shows as a different stat next time, and its bytes are then hashed again.
      std::optional<HistoryFileStamp> stamp;
      if (i < stamp_count_) stamp = stat_stamp(set_.files[i]);
      LoadedFile lf = load(set_.files[i], max_size, true, opts_.config.template_placeholders, parse_limits());
      if (stamp && !lf.error) {
        stamp->content_hash = lf.digest;
        lf.stamp = std::move(stamp);
      }
      return lf;
    };
    unsigned jobs = opts_.jobs > 0 ? static_cast<unsigned>(opts_.jobs) : usable_cpus();
    // A file or two (the new migration with a history restored from the cache, and its down
    // file) are read here: starting workers would cost more than it saves.
    if (jobs <= 1 || n <= first + 2) {
      for (size_t i = first; i < n; ++i) consume(i, load_one(i));
      return;
    }
    const size_t window = static_cast<size_t>(jobs) * 4;
    std::vector<std::optional<LoadedFile>> slots(n);
    std::mutex m;
    std::condition_variable cv;
    size_t next = first, consumed = first;
    bool stop = false;
    std::exception_ptr failure;
    // Takes the next file to load, or none when all are taken (or the run is over).
    auto claim = [&](bool wait_for_window) -> std::optional<size_t> {
      std::unique_lock lock(m);
      if (wait_for_window) cv.wait(lock, [&] { return stop || next >= n || next < consumed + window; });
      if (stop || next >= n) return std::nullopt;
      return next++;
    };
    auto deliver = [&](size_t i, LoadedFile&& lf) {
      {
        std::lock_guard lock(m);
        slots[i] = std::move(lf);
      }
      cv.notify_all();
    };
    auto worker = [&] {
      try {
        while (auto i = claim(true)) deliver(*i, load_one(*i));
      } catch (...) {
        std::lock_guard lock(m);
        if (!failure) failure = std::current_exception();
        stop = true;
        cv.notify_all();
      }
    };
    // As many workers as the system grants, down to none: then this thread loads every file
    // itself, in order, as it needs them.
    std::vector<StackThread> threads;
    unsigned wanted = std::min<unsigned>(jobs, static_cast<unsigned>(n - first));
    threads.reserve(wanted);
    for (unsigned t = 0; t < wanted; ++t) {
      StackThread th;
      if (!th.start(worker)) break;
      threads.push_back(std::move(th));
    }
    // However this ends (also by an exception from consume), workers stop and are joined.
    struct Finish {
      std::function<void()> fn;
      ~Finish() { fn(); }
    } finish{[&] {
      {
        std::lock_guard lock(m);
        stop = true;
      }
      cv.notify_all();
      threads.clear();  // joins
    }};
    for (size_t i = first; i < n; ++i) {
      LoadedFile lf;
      bool mine = false;
      {
        // Wait for a worker to deliver file i, unless no worker has taken it yet: then (and
        // always when no worker could be started) this thread loads it itself.
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return slots[i].has_value() || failure || next == i; });
        if (failure) break;
        if (slots[i]) {
          lf = std::move(*slots[i]);
          slots[i].reset();
        } else {
          ++next;
          mine = true;
        }
      }
      if (mine) lf = load_one(i);
      consume(i, std::move(lf));
      {
        std::lock_guard lock(m);
        consumed = i + 1;
      }
      cv.notify_all();
    }
    finish.fn();
    finish.fn = [] {};
    if (failure) std::rethrow_exception(failure);
  }

  // Large files are parsed in windows (LintOptions::parse_window_bytes): the parser then holds
  // one window's trees and its own memory for one window, not a hundred times the whole file.
  parser::ParseLimits parse_limits() const {
    parser::ParseLimits limits;
    limits.window_bytes = opts_.parse_window_bytes;
    return limits;
  }

  void process(size_t i, LoadedFile&& lf, LintResult& result) {
    const MigrationFile& f = set_.files[i];
    FileRecord& rec = records_[i];
    if (!f.history_only) {
      ++result.files;
      result.linted_paths.push_back(f.path);
      rec.linted = true;
    }
    const bool recording = i < save_count_;
    // A history with an input error is not cached: the error is reported on every run. The cache
    // file records files by their stat (in-memory files have none); the memo needs none.
    if (recording && lf.error) save_count_ = 0;
    if (recording && record_file_ && !lf.stamp) record_file_ = false;
    if (lf.error) {
      result.errors.push_back(*lf.error);
      rec.unreadable = true;
      if (f.direction != Direction::Down) last_up_.reset();
      return;
    }
    if (recording && record_file_) stamps_[i] = *lf.stamp;
    rec.digest = lf.digest;
    const auto& stmts = lf.parsed.statements();
    FileDirectives directives = collect_directives(lf.source, lf.parsed);
    FileState state;
    // A down file right after its own up file (same version) starts from what that file did.
    if (f.direction == Direction::Down && last_up_ && !f.version.empty() && last_up_->version == f.version) {
      state.tables_created_in_file = last_up_->state.tables_created_in_file;
      state.columns_added_in_file = last_up_->state.columns_added_in_file;
      state.indexes_created_in_file = last_up_->state.indexes_created_in_file;
      state.renamed_to_in_file = last_up_->state.renamed_to_in_file;
      state.not_null_set_in_file = last_up_->state.not_null_set_in_file;
      state.column_types_changed_in_file = last_up_->state.column_types_changed_in_file;
      state.columns_dropped_in_file = last_up_->state.columns_dropped_in_file;
      state.reverts_up = true;
    }
    size_t real = 0, only_index = 0;
    for (size_t k = 0; k < stmts.size(); ++k)
      if (stmts[k].parent < 0) { ++real; only_index = k; }
    if (real == 1) lf.parsed.enter_window(only_index);
    const pg_query::Node* only = real == 1 ? stmts[only_index].node : nullptr;
    bool must_run_outside = real == 1 && only && cannot_run_in_transaction(*only);
    state.wrapped_by_applier = opts_.config.settings.assume_in_transaction && !directives.no_transaction && !must_run_outside;

    // Down migrations are linted against the schema they undo, but never change the forward one.
    // A one-statement down file needs no copy: nothing after its statement reads the catalog.
    std::optional<Catalog> scratch;
    bool down = f.direction == Direction::Down;
    bool replay = !down || stmts.size() > 1;
    if (down && replay) scratch = catalog_;
    Catalog& catalog = scratch ? *scratch : catalog_;

    if (rec.linted) {
      rec.ignores = collect_ignores(lf.source, lf.parsed);
      rec.placeholders = std::move(lf.placeholders);
    }
    size_t findings_before = raw_.size();
    const bool detect_exposure = opts_.config.settings.exposed_schemas_auto && !exposed();
    // The cache records what the history files alone show, whatever the rest of the set shows.
    const bool detect_history_exposure =
        recording && opts_.config.settings.exposed_schemas_auto && !history_exposure_.exposed();
    if (detect_exposure || detect_history_exposure) {
      std::vector<std::pair<uint32_t, uint32_t>> comments;
      for (const auto& c : lf.parsed.comments()) comments.emplace_back(c.begin, c.end);
      if (detect_exposure) exposure_.observe_text(lf.source.text(), comments, f.path);
      if (detect_history_exposure) history_exposure_.observe_text(lf.source.text(), comments, f.path);
    }
    std::vector<StatementPlan>* plans = nullptr;
    if (rec.linted && opts_.statement_plans) plans = &result.statement_plans[f.path];
    for (size_t si = 0; si < stmts.size(); ++si) {
      lf.parsed.enter_window(si);  // a large file's statements carry their trees only in their window
      const parser::Statement& st = stmts[si];
      if (detect_exposure && st.node) exposure_.observe_statement(*st.node, f.path);
      if (detect_history_exposure && st.node && !history_exposure_.exposed())
        history_exposure_.observe_statement(*st.node, f.path);
      size_t stmt_findings = raw_.size();
      if (rec.linted) dispatch(f, lf, st, si, state, catalog);
      if (rec.linted && (plans || (opts_.related && st.node && raw_.size() > stmt_findings))) {
        StatementPlan sp;
        sp.begin = st.begin;
        sp.end = st.end;
        sp.parent = st.parent;
        if (st.node) {
          sp.kind = tree::statement_kind(*st.node);
          sp.locks = statement_locks(catalog, *st.node, &sp.rewrites);  // the catalog before the statement
        }
        if (opts_.related && st.node)
          for (size_t k = stmt_findings; k < raw_.size(); ++k)
            if (raw_[k].file == static_cast<int>(i) && raw_[k].statement == static_cast<int>(si))
              raw_[k].related = related_to(sp.locks, catalog, static_cast<int>(i));
        if (plans) plans->push_back(std::move(sp));
      }
      if (!st.node && st.parent < 0) {
        // A statement that failed to parse still plainly names the table it creates: later
        // statements on that table must not look like operations on an existing one.
        std::string created = plainly_created_table(lf.source.text().substr(st.begin, st.end - st.begin));
        if (!created.empty()) {
          state.tables_created_in_file.insert(created);
          if (state.in_transaction()) state.tables_created_in_transaction.insert(created);
        }
      }
      if (st.node) {
        advance(state, *st.node, catalog);  // reads the catalog as it stood before the statement
        if (replay) catalog.apply(*st.node, SourceRef{static_cast<int>(i), st.begin, st.end, st.base}, lf.source.text());
      }
    }
    if (f.direction == Direction::Up) last_up_ = UpFile{f.version, state};
    else if (f.direction != Direction::Down) last_up_.reset();
    if (recording && save_count_ > 0 && i + 1 == save_count_) save_history(result);
    if (rec.linted) {
      for (auto& a : active_) {
        FileContext ctx{f, lf.source, lf.parsed, state, catalog, opts_.config.settings, a.options};
        Findings out;
        a.rule->finish_file(ctx, out);
        take(a, out, static_cast<int>(i), -1);
      }
      for (size_t k = findings_before; k < raw_.size(); ++k)
        if (raw_[k].file == static_cast<int>(i)) locate(raw_[k], lf.source);
      if (raw_.size() > findings_before && opts_.keep_sources) rec.source = std::move(lf.source);
      // What placing findings later needs of the statements: their spans and DO parents.
      rec.stmt_ranges.reserve(stmts.size());
      rec.stmt_parent.reserve(stmts.size());
      for (const auto& s : stmts) {
        if (!rec.stmt_ranges.empty() && s.begin < rec.stmt_ranges.back().first) rec.stmt_begins_sorted = false;
        rec.stmt_ranges.emplace_back(s.begin, s.end);
        rec.stmt_parent.push_back(s.parent);
      }
    }
  }

  void dispatch(const MigrationFile& f, const LoadedFile& lf, const parser::Statement& st, size_t si,
                const FileState& state, const Catalog& catalog) {
    auto run_list = [&](const std::vector<size_t>& list) {
      for (size_t idx : list) {
        Active& a = active_[idx];
        StatementContext ctx{f, lf.source, lf.parsed, st, si, state, catalog, opts_.config.settings, a.options};
        Findings out;
        a.rule->check(ctx, out);
        take(a, out, f.index, static_cast<int>(si));
      }
    };
    if (!st.node) {
      run_list(unparsed_);
      return;
    }
    size_t kind = static_cast<size_t>(st.node->node_case());
    if (kind < by_kind_.size()) run_list(by_kind_[kind]);
    run_list(any_);
  }

  // Where the relations a statement locks were created, when another file of the set did it.
  std::vector<RelatedRef> related_to(const std::vector<PlanLock>& locks, const Catalog& catalog, int file) const {
    std::vector<RelatedRef> out;
    auto add = [&](const SourceRef& where, const std::string& what) {
      if (where.file < 0 || where.file == file || static_cast<size_t>(where.file) >= set_.files.size()) return;
      for (const auto& r : out)
        if (r.file == where.file && r.begin == where.begin) return;
      out.push_back(RelatedRef{where.file, where.begin, where.end, what + " was created here"});
    };
    for (const auto& lock : locks) {
      if (const Table* t = catalog.find_table(lock.relation)) {
        if (t->known) add(t->created, (t->partition_of.empty() ? "table " : "partition ") + lock.relation);
      } else if (const View* v = catalog.find_view(lock.relation)) {
        add(v->created, (v->materialized ? "materialized view " : "view ") + lock.relation);
      } else if (const Index* ix = catalog.find_index(lock.relation)) {
        add(ix->source, "index " + lock.relation);
      }
    }
    return out;
  }

  void take(Active& a, Findings& out, int file, int statement) {
    for (auto& fnd : out.items()) {
      int target = fnd.file >= 0 ? fnd.file : file;
      raw_.push_back(RawFinding{a.def, std::move(fnd), target, statement});
    }
  }

  static void advance(FileState& state, const pg_query::Node& node, const Catalog& before) {
    ++state.statements_seen;
    auto new_transaction = [&] {
      state.tables_created_in_transaction.clear();
      state.tables_emptied_in_transaction.clear();
      state.access_exclusive_in_transaction.clear();
      state.not_valid_constraints_in_transaction.clear();
    };
    if (state.in_transaction()) {
      // Statements on an index: when the catalog does not know the index, its table is unknown.
      bool on_index = acts_on_index(node);
      // Locks on tables nobody else can see yet (created in this file or transaction) block no one.
      for (const auto& lock : statement_locks(before, node)) {
        // An index known to the catalog is listed with its table; the table is what others wait for.
        if (lock.mode != "ACCESS EXCLUSIVE" || before.find_index(lock.relation)) continue;
        if (on_index && state.indexes_created_in_file.count(lock.relation)) continue;
        if (state.tables_created_in_file.count(lock.relation) || state.tables_created_in_transaction.count(lock.relation)) continue;
        // An unknown index's table is unknown: held as "index:<name>", so two such drops are not
        // counted as two tables.
        std::string rel = on_index && !before.find_table(lock.relation) ? "index:" + lock.relation : lock.relation;
        if (!state.access_exclusive_held(rel)) state.access_exclusive_in_transaction.push_back(rel);
      }
      if (node.has_alter_table_stmt()) {
        const auto& rv = node.alter_table_stmt().relation();
        std::string table = Catalog::qualify(rv.schemaname(), rv.relname());
        for (const auto& c : node.alter_table_stmt().cmds())
          if (c.has_alter_table_cmd() && c.alter_table_cmd().subtype() == pg_query::AT_AddConstraint &&
              c.alter_table_cmd().def().has_constraint() && c.alter_table_cmd().def().constraint().skip_validation() &&
              !c.alter_table_cmd().def().constraint().conname().empty())
            state.not_valid_constraints_in_transaction.insert(table + "." + c.alter_table_cmd().def().constraint().conname());
      }
    }
    switch (node.node_case()) {
      case pg_query::Node::kTransactionStmt: {
        auto kind = node.transaction_stmt().kind();
        if (kind == pg_query::TRANS_STMT_BEGIN || kind == pg_query::TRANS_STMT_START) {
          ++state.explicit_transaction_depth;
          if (!state.in_explicit_transaction && !state.wrapped_by_applier) new_transaction();
          state.in_explicit_transaction = true;
        } else if (kind == pg_query::TRANS_STMT_COMMIT || kind == pg_query::TRANS_STMT_ROLLBACK ||
                   kind == pg_query::TRANS_STMT_COMMIT_PREPARED || kind == pg_query::TRANS_STMT_ROLLBACK_PREPARED ||
                   kind == pg_query::TRANS_STMT_PREPARE) {
          state.explicit_transaction_depth = 0;
          state.in_explicit_transaction = false;
          if (!state.wrapped_by_applier) new_transaction();
        }
        break;
      }
      case pg_query::Node::kVariableSetStmt: {
        const auto& v = node.variable_set_stmt();
        bool zero = false;
        for (const auto& a : v.args())
          if (a.has_a_const()) {
            const auto& c = a.a_const();
            if ((c.has_ival() && c.ival().ival() == 0) || (c.has_sval() && (c.sval().sval() == "0" || c.sval().sval().empty())))
              zero = true;
          }
        bool setting = v.kind() == pg_query::VAR_SET_VALUE && !zero;
        if (v.name() == "lock_timeout") state.lock_timeout_set = setting;
        if (v.name() == "statement_timeout") state.statement_timeout_set = setting;
        break;
      }
      case pg_query::Node::kCreateStmt: {
        const auto& rv = node.create_stmt().relation();
        std::string key = Catalog::qualify(rv.schemaname(), rv.relname());
        state.tables_created_in_file.insert(key);
        if (state.in_transaction()) state.tables_created_in_transaction.insert(key);
        break;
      }
      case pg_query::Node::kAlterTableStmt: {
        // Columns added here: dropping, renaming or retyping them again later in the file
        // touches nothing that running code or stored rows depend on yet.
        const auto& at = node.alter_table_stmt();
        std::string table = Catalog::qualify(at.relation().schemaname(), at.relation().relname());
        for (const auto& c : at.cmds()) {
          if (!c.has_alter_table_cmd()) continue;
          const auto& cmd = c.alter_table_cmd();
          if (cmd.subtype() == pg_query::AT_AddColumn && cmd.def().has_column_def())
            state.columns_added_in_file.insert(table + "." + cmd.def().column_def().colname());
          if (cmd.subtype() == pg_query::AT_SetNotNull) state.not_null_set_in_file.insert(table + "." + cmd.name());
          if (cmd.subtype() == pg_query::AT_AlterColumnType) state.column_types_changed_in_file.insert(table + "." + cmd.name());
          if (cmd.subtype() == pg_query::AT_DropColumn) state.columns_dropped_in_file.insert(table + "." + cmd.name());
        }
        break;
      }
      case pg_query::Node::kTruncateStmt:
        if (state.in_transaction())
          for (const auto& r : node.truncate_stmt().relations())
            if (r.has_range_var())
              state.tables_emptied_in_transaction.insert(Catalog::qualify(r.range_var().schemaname(), r.range_var().relname()));
        break;
      case pg_query::Node::kDeleteStmt:
        if (state.in_transaction() && !node.delete_stmt().has_where_clause() && node.delete_stmt().using_clause_size() == 0)
          state.tables_emptied_in_transaction.insert(
              Catalog::qualify(node.delete_stmt().relation().schemaname(), node.delete_stmt().relation().relname()));
        break;
      case pg_query::Node::kIndexStmt: {
        const auto& ix = node.index_stmt();
        if (!ix.idxname().empty())
          state.indexes_created_in_file.insert(Catalog::qualify(ix.relation().schemaname(), ix.idxname()));
        break;
      }
      case pg_query::Node::kRenameStmt: {
        const auto& rn = node.rename_stmt();
        if (rn.rename_type() == pg_query::OBJECT_COLUMN && rn.has_relation()) {
          std::string table = Catalog::qualify(rn.relation().schemaname(), rn.relation().relname());
          if (state.columns_added_in_file.count(table + "." + rn.subname()))
            state.columns_added_in_file.insert(table + "." + rn.newname());
          state.renamed_to_in_file.insert("column:" + table + "." + rn.newname());
        } else if ((rn.rename_type() == pg_query::OBJECT_TABLE || rn.rename_type() == pg_query::OBJECT_VIEW ||
                    rn.rename_type() == pg_query::OBJECT_MATVIEW) && rn.has_relation()) {
          std::string schema = rn.relation().schemaname();
          std::string old_key = Catalog::qualify(schema, rn.relation().relname());
          std::string new_key = Catalog::qualify(schema, rn.newname());
          state.renamed_to_in_file.insert("table:" + new_key);
          // A table created in this file keeps being new under its new name.
          if (state.tables_created_in_file.count(old_key)) state.tables_created_in_file.insert(new_key);
          if (state.tables_created_in_transaction.count(old_key)) state.tables_created_in_transaction.insert(new_key);
        } else if (rn.rename_type() == pg_query::OBJECT_INDEX && rn.has_relation()) {
          std::string schema = rn.relation().schemaname();
          if (state.indexes_created_in_file.count(Catalog::qualify(schema, rn.relation().relname())))
            state.indexes_created_in_file.insert(Catalog::qualify(schema, rn.newname()));
        }
        break;
      }
      case pg_query::Node::kCreateTableAsStmt: {
        const auto& into = node.create_table_as_stmt().into();
        if (into.has_rel()) {
          std::string key = Catalog::qualify(into.rel().schemaname(), into.rel().relname());
          state.tables_created_in_file.insert(key);
          if (state.in_transaction()) state.tables_created_in_transaction.insert(key);
        }
        break;
      }
      default: break;
    }
  }

  // The history cache (analyzer/history_cache.h). The history is the run of history-only files
  // at the start of the set; returns the first file still to read (after the history when its
  // state was restored, else 0, and then the history is recorded while it is replayed).
  // The memo (LintOptions::history_memo) is tried first, then the cache file; what restored the
  // state from the file is memoised too.
  size_t restore_history(LintResult& result) {
    HistoryMemo* memo = opts_.history_memo.get();
    const bool use_file = !opts_.history_cache_file.empty();
    if (!use_file && !memo) return 0;
    size_t history = 0;
    while (history < set_.files.size() && set_.files[history].history_only) ++history;
    if (history == 0) return 0;
    cache_key_ = history_options_key(set_, opts_);
    if (memo && memo->snapshot && memo->options_key == cache_key_ && memo->paths.size() == history) {
      bool same = true;
      for (size_t i = 0; same && i < history; ++i) same = memo->paths[i] == set_.files[i].path;
      if (same) {
        restore(*memo->snapshot);
        result.history_files_from_memo = history;
        return history;
      }
    }
    std::optional<HistorySnapshot> snap;
    if (use_file) snap = load_history_cache(opts_.history_cache_file, set_, history, cache_key_, opts_.config.max_file_size);
    if (!snap) {
      save_count_ = history;
      if (use_file) {
        record_file_ = true;
        stamp_count_ = history;
        stamps_.assign(history, HistoryFileStamp{});
      }
      return 0;
    }
    if (memo) memoise(*memo, *snap, history);
    restore(std::move(*snap));
    result.history_files_from_cache = history;
    return history;
  }

  template <typename Snapshot>
  void restore(Snapshot&& snap) {
    catalog_ = std::forward<Snapshot>(snap).catalog;
    if (snap.state.has_last_up) last_up_ = UpFile{snap.state.last_up_version, snap.state.last_up_state};
    restored_exposure_ = snap.state.exposure_reason;
  }

  void memoise(HistoryMemo& memo, HistorySnapshot snap, size_t history) const {
    memo.snapshot = std::move(snap);
    memo.paths.clear();
    for (size_t i = 0; i < history; ++i) memo.paths.push_back(set_.files[i].path);
    memo.options_key = cache_key_;
  }

  void save_history(LintResult& result) {
    HistoryState st;
    if (last_up_) {
      st.has_last_up = true;
      st.last_up_version = last_up_->version;
      st.last_up_state = last_up_->state;
    }
    st.exposure_reason = history_exposure_.reason();
    if (opts_.history_memo) memoise(*opts_.history_memo, HistorySnapshot{catalog_, st}, save_count_);
    if (record_file_)
      result.history_cache_written = save_history_cache(opts_.history_cache_file, set_, std::move(stamps_), cache_key_, catalog_, st);
    stamps_.clear();
    save_count_ = 0;
    record_file_ = false;
  }

  // Whether an API serves public: what this run saw, or what the cached history showed.
  bool exposed() const { return exposure_.exposed() || !restored_exposure_.empty(); }
  const std::string& exposure_reason() const { return exposure_.exposed() ? exposure_.reason() : restored_exposure_; }

  void finish_set() {
    for (auto& a : active_) {
      SetContext ctx{set_, catalog_, set_settings_, a.options};
      Findings out;
      a.rule->finish_set(ctx, out);
      for (auto& fnd : out.items()) {
        int file = fnd.file;
        if (file < 0 || static_cast<size_t>(file) >= records_.size()) continue;
        raw_.push_back(RawFinding{a.def, std::move(fnd), file, -1});
      }
    }
  }

  // The text of a file processed earlier (for findings positioned after it was dropped): kept
  // texts, else read again (it was valid) into a one-file cache, or kept when sources are.
  const SourceText* source_for(int file) {
    FileRecord& rec = records_[static_cast<size_t>(file)];
    if (rec.source) return &*rec.source;
    if (reread_ && reread_->first == file) return &reread_->second;
    if (rec.unreadable) return nullptr;
    const MigrationFile& f = set_.files[static_cast<size_t>(file)];
    LoadedFile lf = load(f, opts_.config.max_file_size, /*parse=*/false);
    // Its findings cannot be placed in a file that vanished or changed since it was linted: an
    // input error, never findings silently lost.
    if (lf.error || (!f.contents && lf.digest != rec.digest)) {
      if (!rec.changed_reported) {
        rec.changed_reported = true;
        late_errors_.push_back(InputError{f.path, lf.error ? "vanished or became unreadable while pgsafe was linting it (" +
                                                                 lf.error->message + "); lint it again"
                                                           : "changed while pgsafe was linting it; lint it again"});
      }
      return nullptr;
    }
    if (opts_.keep_sources) {
      rec.source = std::move(lf.source);
      return &*rec.source;
    }
    reread_.emplace(file, std::move(lf.source));
    return &reread_->second;
  }
  std::optional<std::pair<int, SourceText>> reread_;
  std::vector<InputError> late_errors_;

  // The innermost statement (the last listed) whose bytes hold offset, or -1. Statements listed
  // in order of their start (always, but for odd DO bodies) are searched, not scanned.
  static int statement_at(const FileRecord& rec, uint32_t offset) {
    const auto& r = rec.stmt_ranges;
    auto holds = [&](size_t i) {
      count_work(work_counters().statement_visits);
      auto [b, e] = r[i];
      return b <= offset && offset < std::max(e, b + 1);
    };
    if (!rec.stmt_begins_sorted) {
      int best = -1;
      for (size_t i = 0; i < r.size(); ++i)
        if (holds(i)) best = static_cast<int>(i);  // innermost wins (later)
      return best;
    }
    // Statements starting after offset cannot hold it; walk back from the last one that does
    // not. A top-level statement that does not hold it ends the walk: those before it end
    // before it starts, and statements of a DO block lie inside the DO.
    size_t i = static_cast<size_t>(std::upper_bound(r.begin(), r.end(), offset,
                                                    [](uint32_t v, const auto& p) { return v < p.first; }) -
                                   r.begin());
    while (i > 0) {
      --i;
      if (holds(i)) return static_cast<int>(i);
      if (rec.stmt_parent[i] < 0) break;
    }
    return -1;
  }

  static const IgnoreIndex& ignore_index(FileRecord& rec) {
    if (rec.ignore_index) return *rec.ignore_index;
    IgnoreIndex& x = rec.ignore_index.emplace();
    for (uint32_t g = 0; g < rec.ignores.size(); ++g) {
      const IgnoreComment& ig = rec.ignores[g];
      for (uint32_t k = 0; k < ig.rules.size(); ++k) {
        std::string_view rule = ig.rules[k];
        if (ig.whole_file && !ig.malformed) x.whole_file_last[rule] = g;
        if (ig.malformed) continue;
        // emplace keeps the first: the earliest ignore, and its first entry naming the rule.
        if (ig.whole_file) x.whole_file_first.emplace(rule, IgnoreIndex::Entry{g, k});
        else x.line.emplace(std::make_pair(ig.statement, rule), IgnoreIndex::Entry{g, k});
      }
    }
    return x;
  }

  // The ignore that covers a finding, if any; marks it used. The first line ignore of the
  // statement naming the rule, else of a DO block around it, else the first whole-file one.
  std::optional<Suppression> suppress(FileRecord& rec, std::string_view rule, int statement) {
    const IgnoreIndex& x = ignore_index(rec);
    auto use = [&](IgnoreIndex::Entry e) {
      IgnoreComment& ig = rec.ignores[e.first];
      ig.used[e.second] = true;
      return Suppression{Suppression::Kind::InSource, ig.reason};
    };
    if (!x.line.empty())
      for (int s = statement; s >= 0; s = rec.stmt_parent[static_cast<size_t>(s)]) {
        count_work(work_counters().ignore_lookups);
        if (auto it = x.line.find(std::make_pair(s, rule)); it != x.line.end()) return use(it->second);
      }
    count_work(work_counters().ignore_lookups);
    if (auto it = x.whole_file_first.find(rule); it != x.whole_file_first.end()) return use(it->second);
    return std::nullopt;
  }

  static void locate(RawFinding& rf, const SourceText& src) {
    rf.range = src.range(rf.finding.begin, rf.finding.end);
    if (rf.finding.fix)
      for (const auto& e : rf.finding.fix->edits) rf.edit_ranges.push_back(src.range(e.begin, e.end));
  }

  Diagnostic make_diagnostic(const Active& a, RawFinding& rf, const SourceText* src) {
    if (!rf.range) locate(rf, *src);
    const RuleMeta& meta = meta_of(*rf.rule);
    Diagnostic d;
    d.file = set_.files[static_cast<size_t>(rf.file)].path;
    d.rule = std::string(meta.id);
    d.category = a.category;
    d.severity = a.severity;
    if (rf.finding.severity && !configured_severity(meta.id)) d.severity = *rf.finding.severity;
    d.message = std::move(rf.finding.message);  // each finding is made into one diagnostic
    d.help = rf.finding.help.empty() ? a.help : SharedText(std::move(rf.finding.help));
    d.url = a.url;
    d.range = *rf.range;
    d.statement = rf.statement;
    for (auto& r : rf.related)
      d.related.push_back(RelatedLocation{set_.files[static_cast<size_t>(r.file)].path, r.begin, r.end, std::move(r.message)});
    const auto& placeholders = records_[static_cast<size_t>(rf.file)].placeholders;
    if (rf.finding.fix && !fix_touches_placeholder(*rf.finding.fix, placeholders)) {
      Fix fx;
      fx.description = rf.finding.fix->description;
      fx.safe = rf.finding.fix->safe;
      for (size_t k = 0; k < rf.finding.fix->edits.size(); ++k)
        fx.edits.push_back(Edit{rf.edit_ranges[k], restore_template_placeholders(rf.finding.fix->edits[k].new_text, placeholders)});
      d.fix = std::move(fx);
    }
    if (!placeholders.empty()) {
      // Names the rules took from the tree are the stand-ins: show the template as written.
      d.message = restore_template_placeholders(std::move(d.message), placeholders);
      std::string help = restore_template_placeholders(d.help.str(), placeholders);
      if (help != d.help.str()) d.help = std::move(help);
    }
    return d;
  }

  // A fix that edits inside a template action would write over template text the parser never saw.
  static bool fix_touches_placeholder(const FixSpec& fix, const std::vector<TemplatePlaceholder>& placeholders) {
    for (const auto& e : fix.edits)
      for (const auto& p : placeholders)
        if (e.begin == e.end ? p.begin < e.begin && e.begin < p.end : e.begin < p.end && p.begin < e.end) return true;
    return false;
  }

  bool configured_severity(std::string_view id) const {
    auto it = opts_.config.rules.find(std::string(id));
    return it != opts_.config.rules.end() && it->second.severity.has_value();
  }

  const Active* active_for(const RuleDef* def) const {
    auto it = active_index_.find(def);
    return it == active_index_.end() ? nullptr : &active_[it->second];
  }

  void build_diagnostics(LintResult& result) {
    // File by file, so a file read again for positions is read once.
    std::stable_sort(raw_.begin(), raw_.end(), [](const RawFinding& a, const RawFinding& b) { return a.file < b.file; });
    result.diagnostics.reserve(result.diagnostics.size() + raw_.size());
    for (auto& rf : raw_) {
      const Active* a = active_for(rf.rule);
      FileRecord& rec = records_[static_cast<size_t>(rf.file)];
      if (!a || !rec.linted) continue;
      const SourceText* src = nullptr;
      if (!rf.range && !(src = source_for(rf.file))) continue;
      if (rf.statement < 0) rf.statement = statement_at(rec, rf.finding.begin);
      Diagnostic d = make_diagnostic(*a, rf, src);
      d.suppression = suppress(rec, d.rule, rf.statement);
      result.diagnostics.push_back(std::move(d));
    }
    // Their text now lives in the diagnostics.
    raw_.clear();
    raw_.shrink_to_fit();
    // Ignores that suppressed nothing (or could not), for the rules that look at them.
    for (size_t i = 0; i < records_.size(); ++i) {
      FileRecord& rec = records_[i];
      if (!rec.linted || rec.ignores.empty()) continue;
      for (auto& ig : rec.ignores)
        for (size_t k = 0; k < ig.rules.size(); ++k) {
          ig.known[k] = find_rule(ig.rules[k]) != nullptr;
          // An ignore for a rule not running now (--select, off in config) is not judged.
          if (ig.known[k] && !active_for(find_rule(ig.rules[k]))) ig.used[k] = true;
        }
      const SourceText* src = source_for(static_cast<int>(i));
      if (!src) continue;
      for (auto& a : active_) {
        Findings out;
        a.rule->check_suppressions(SuppressionContext{set_.files[i], *src, rec.ignores}, out);
        for (auto& fnd : out.items()) {
          RawFinding rf{a.def, std::move(fnd), static_cast<int>(i), -1};
          Diagnostic d = make_diagnostic(a, rf, src);
          // The last whole-file ignore naming the rule (these findings mark nothing used).
          const IgnoreIndex& x = ignore_index(rec);
          count_work(work_counters().ignore_lookups);
          if (auto it = x.whole_file_last.find(d.rule); it != x.whole_file_last.end())
            d.suppression = Suppression{Suppression::Kind::InSource, rec.ignores[it->second].reason};
          result.diagnostics.push_back(std::move(d));
        }
      }
    }
    std::sort(result.diagnostics.begin(), result.diagnostics.end(), diagnostic_less);
    for (size_t i = 0; i < records_.size(); ++i)
      if (records_[i].source) result.sources.emplace(set_.files[i].path, std::move(*records_[i].source));
  }

  const MigrationSet& set_;
  const LintOptions& opts_;
  std::vector<Active> active_;
  std::map<const RuleDef*, size_t> active_index_;  // def -> index in active_
  std::vector<std::vector<size_t>> by_kind_;
  std::vector<size_t> any_, unparsed_;
  std::vector<FileRecord> records_;
  std::vector<RawFinding> raw_;
  ExposureDetector exposure_;
  // History cache: the files being recorded for it (0: none), their stamps, the options key,
  // what the history alone shows of an API, and that evidence restored from the cache.
  size_t save_count_ = 0;
  bool record_file_ = false;  // the files being recorded are also written to the cache file
  size_t stamp_count_ = 0;  // set before loading starts: what the loading threads stamp
  std::vector<HistoryFileStamp> stamps_;
  std::string cache_key_;
  ExposureDetector history_exposure_;
  std::string restored_exposure_;
  Settings set_settings_;  // the settings set rules see: exposed schemas resolved
  // The last up migration processed, for the down file that reverts it.
  struct UpFile {
    std::string version;
    FileState state;
  };
  std::optional<UpFile> last_up_;
  Catalog catalog_;
};

}  // namespace

// The whole run happens on a thread whose stack pgsafe sets, so results never depend on `ulimit -s`.
LintResult lint(const MigrationSet& set, const LintOptions& opts) {
  LintResult result;
  run_with_stack([&] { result = Run(set, opts).run(); });
  return result;
}

}  // namespace pgsafe
