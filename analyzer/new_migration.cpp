#include "analyzer/new_migration.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyzer/atomic_write.h"
#include "parser/parser.h"

namespace fs = std::filesystem;

namespace pgsafe {
namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string format_time(std::time_t t, const char* fmt) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, fmt, &tm);
  return buf;
}

// A 14-digit UTC timestamp (YYYYMMDDHHMMSS) as seconds; -1 when it is not one.
std::time_t parse_stamp(const std::string& digits) {
  if (digits.size() != 14 || !all_digits(digits)) return -1;
  std::tm tm{};
  tm.tm_year = std::stoi(digits.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(digits.substr(4, 2)) - 1;
  tm.tm_mday = std::stoi(digits.substr(6, 2));
  tm.tm_hour = std::stoi(digits.substr(8, 2));
  tm.tm_min = std::stoi(digits.substr(10, 2));
  tm.tm_sec = std::stoi(digits.substr(12, 2));
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) return -1;
  return timegm(&tm);
}

std::string only_digits(const std::string& v) {
  std::string d;
  for (char c : v)
    if (c >= '0' && c <= '9') d += c;
  return d;
}

// Adds one to a string of digits, keeping its width (growing it when it overflows).
std::string increment_digits(std::string d) {
  int i = static_cast<int>(d.size()) - 1;
  while (i >= 0) {
    if (d[i] == '9') {
      d[i] = '0';
      --i;
    } else {
      ++d[i];
      return d;
    }
  }
  return "1" + d;
}

// The versions `count` new files get, each strictly after every existing version and the one before.
class Versioner {
 public:
  Versioner(Layout layout, const std::vector<MigrationFile>& existing, std::time_t now) : layout_(layout), now_(now) {
    for (const auto& f : existing)
      if (!f.version.empty() && (max_.empty() || compare_versions(f.version, max_) > 0)) max_ = f.version;
  }

  std::string next() {
    std::string v = compute();
    max_ = v;
    return v;
  }

 private:
  // A timestamp version: now, or one second after the newest when the clock is not past it.
  std::time_t after_newest_stamp() const {
    std::time_t t = now_;
    std::time_t newest = parse_stamp(only_digits(max_).substr(0, 14));  // Diesel's -0000 suffix is not time
    if (newest >= 0 && t <= newest) t = newest + 1;
    return t;
  }

  std::string compute() const {
    switch (layout_) {
      case Layout::Timestamp:
      case Layout::Prisma:
      case Layout::Auto: {
        if (!max_.empty() && parse_stamp(max_) < 0 && all_digits(max_))  // a set numbered otherwise
          return increment_digits(max_);
        return format_time(after_newest_stamp(), "%Y%m%d%H%M%S");
      }
      case Layout::Diesel: {
        std::time_t t = after_newest_stamp();
        if (max_.size() == 14 && all_digits(max_)) return format_time(t, "%Y%m%d%H%M%S");
        std::string v = format_time(t, "%Y-%m-%d-%H%M%S");
        return max_.size() == 22 ? v + "-0000" : v;
      }
      case Layout::GolangMigrate: {
        if (max_.empty() || (max_.size() == 14 && parse_stamp(max_) >= 0))
          return format_time(after_newest_stamp(), "%Y%m%d%H%M%S");
        if (max_.size() == 10 && all_digits(max_) && max_ >= "1000000000") {  // unix seconds
          long long t = std::max<long long>(now_, std::stoll(max_) + 1);
          return std::to_string(t);
        }
        return all_digits(max_) ? increment_digits(max_) : format_time(after_newest_stamp(), "%Y%m%d%H%M%S");
      }
      case Layout::Flyway: {
        if (max_.empty()) return "1";
        if (max_.size() == 14 && all_digits(max_) && parse_stamp(max_) >= 0)
          return format_time(after_newest_stamp(), "%Y%m%d%H%M%S");
        // 1, 1.2, 1_2, 2024.01.15.1: the last number goes up by one.
        size_t last = max_.find_last_of("._");
        std::string head = last == std::string::npos ? "" : max_.substr(0, last + 1);
        std::string tail = last == std::string::npos ? max_ : max_.substr(last + 1);
        return head + increment_digits(tail);
      }
      case Layout::Drizzle: {
        if (max_.empty()) return "0000";
        return increment_digits(max_);
      }
    }
    return "";
  }

  Layout layout_;
  std::time_t now_;
  std::string max_;
};

// The statements of a rendered body, each with the comment lines just before it.
std::vector<std::string> split_statements(const std::string& body) {
  auto parsed = parser::parse_sql(body);
  std::vector<std::string> out;
  uint32_t from = 0;
  for (const auto& s : parsed.statements()) {
    if (s.parent >= 0) continue;
    uint32_t end = s.end;
    while (end < body.size() && body[end] != ';') ++end;
    if (end < body.size()) ++end;
    out.push_back(body.substr(from, end - from));
    from = end;
  }
  if (out.empty()) return {body};
  out.back() += body.substr(from);
  for (auto& s : out) {
    size_t b = s.find_first_not_of("\n");
    s = b == std::string::npos ? "" : s.substr(b);
    if (!s.empty() && s.back() != '\n') s += "\n";
  }
  return out;
}

bool has_statement(const std::string& sql) {
  auto parsed = parser::parse_sql(sql);
  return !parsed.statements().empty();
}


}  // namespace

std::string migration_slug(const std::string& description) {
  std::string s;
  for (unsigned char c : description) {
    if (std::isalnum(c)) s += static_cast<char>(std::tolower(c));
    else if (!s.empty() && s.back() != '_') s += '_';
  }
  while (!s.empty() && s.back() == '_') s.pop_back();
  if (s.size() > 60) {
    s.resize(60);
    while (!s.empty() && s.back() == '_') s.pop_back();
  }
  return s;
}

Layout layout_for_folder(const std::string& dir, const std::vector<MigrationFile>& existing) {
  std::vector<std::string> paths;
  for (const auto& f : existing)
    if (f.name_matches_layout) paths.push_back(f.path);
  if (!paths.empty()) return detect_layout(paths);
  std::string d = fs::path(dir).lexically_normal().generic_string();
  if (d.find("prisma/migrations") != std::string::npos) return Layout::Prisma;
  if (d.find("db/migration") != std::string::npos && d.find("db/migrations") == std::string::npos) return Layout::Flyway;
  if (d.find("drizzle") != std::string::npos) return Layout::Drizzle;
  return Layout::Timestamp;
}

NewMigrationPlan plan_new_migration(const NewMigrationRequest& r) {
  NewMigrationPlan plan;
  std::string slug = migration_slug(r.description);
  if (slug.empty()) {
    plan.errors.push_back("the description must contain letters or digits: it names the file");
    return plan;
  }
  // One entry per file: a no-transaction step with several statements becomes one file per
  // statement, because most tools send a file as one query, and PostgreSQL runs a query of
  // several statements in one (implicit) transaction, where CONCURRENTLY is refused.
  struct Part {
    std::string name, up, down;
    bool no_tx = false;
  };
  std::vector<Part> parts;
  if (r.steps.empty()) parts.push_back({"", "", "", false});
  for (const auto& s : r.steps) {
    std::string step_name = r.steps.size() > 1 ? s.name : "";
    if (!s.no_transaction) {
      parts.push_back({step_name, s.up, s.down, false});
      continue;
    }
    auto ups = split_statements(s.up);
    auto downs = split_statements(s.down);
    bool paired = downs.size() == ups.size();
    for (size_t i = 0; i < ups.size(); ++i) {
      std::string part_name = step_name;
      if (ups.size() > 1) part_name += (part_name.empty() ? "" : "_") + std::to_string(i + 1);
      parts.push_back({part_name, ups[i], paired ? downs[i] : (i == 0 ? s.down : ""), true});
    }
  }
  Versioner versions(r.layout, r.existing, r.now);
  std::vector<std::string> drizzle_tags;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Part& p = parts[i];
    std::string name = slug + (p.name.empty() ? "" : "_" + p.name);
    std::string version = versions.next();
    std::ostringstream head;
    head << "-- intent: " << r.description << "\n";
    if (p.no_tx) head << "-- pgsafe:no-transaction\n";
    if (r.dbmate) head << (p.no_tx ? "-- migrate:up transaction:false\n" : "-- migrate:up\n");
    if (parts.size() > 1)
      head << "-- " << (i + 1) << " of " << parts.size() << (r.pattern.empty() ? "" : " (pattern " + r.pattern + ")")
           << (p.name.empty() ? "" : ": " + p.name) << "\n";
    std::string body = p.up.empty() ? "\n" : "\n" + p.up;
    std::string up = head.str() + body;
    if (r.dbmate) up += "\n-- migrate:down\n";
    bool down_has_sql = has_statement(p.down);
    std::string down = "-- intent: undo " + r.description + "\n" + (p.no_tx ? "-- pgsafe:no-transaction\n" : "") + "\n" +
                       (p.down.empty() ? "" : p.down);
    fs::path dir(r.dir);
    switch (r.layout) {
      case Layout::Timestamp:
      case Layout::Auto:
        plan.files.push_back({(dir / (version + "_" + name + ".sql")).generic_string(), up});
        break;
      case Layout::Prisma:
        plan.files.push_back({(dir / (version + "_" + name) / "migration.sql").generic_string(), up});
        break;
      case Layout::Diesel:
        plan.files.push_back({(dir / (version + "_" + name) / "up.sql").generic_string(), up});
        // Diesel runs every migration in a transaction unless its metadata.toml says otherwise.
        if (p.no_tx)
          plan.files.push_back({(dir / (version + "_" + name) / "metadata.toml").generic_string(),
                                "# Written by pgsafe new: this migration cannot run inside a transaction.\n"
                                "run_in_transaction = false\n"});
        // Diesel 2 runs a migration without down.sql: none is written when nothing can be undone.
        if (down_has_sql) plan.files.push_back({(dir / (version + "_" + name) / "down.sql").generic_string(), down});
        break;
      case Layout::GolangMigrate:
        plan.files.push_back({(dir / (version + "_" + name + ".up.sql")).generic_string(), up});
        if (down_has_sql) plan.files.push_back({(dir / (version + "_" + name + ".down.sql")).generic_string(), down});
        break;
      case Layout::Flyway:
        plan.files.push_back({(dir / ("V" + version + "__" + name + ".sql")).generic_string(), up});
        break;
      case Layout::Drizzle:
        plan.files.push_back({(dir / (version + "_" + name + ".sql")).generic_string(), up});
        drizzle_tags.push_back(version + "_" + name);
        if (p.no_tx)
          plan.notes.push_back(plan.files.back().path + " must run outside a transaction, and Drizzle's migrator runs "
                               "pending migrations in one: apply it with pgsafe apply (or by hand)");
        break;
    }
  }
  // Drizzle applies what meta/_journal.json lists: the new files are added to it.
  if (r.layout == Layout::Drizzle) {
    fs::path journal = fs::path(r.dir) / "meta" / "_journal.json";
    std::error_code ec;
    if (fs::exists(journal, ec)) {
      std::ifstream in(journal);
      std::stringstream ss;
      ss << in.rdbuf();
      // ordered_json: the journal's keys keep their order, so the diff shows only the new entries.
      nlohmann::ordered_json j = nlohmann::ordered_json::parse(ss.str(), nullptr, false);
      if (j.is_discarded() || !j.is_object() || !j.contains("entries") || !j["entries"].is_array()) {
        plan.errors.push_back(journal.generic_string() + ": not a Drizzle journal (no \"entries\" list); not changed");
        return plan;
      }
      auto& entries = j["entries"];
      long long when = static_cast<long long>(r.now) * 1000;
      std::string version = "7";
      for (const auto& e : entries) {
        if (e.contains("when") && e["when"].is_number()) when = std::max(when, e["when"].get<long long>() + 1);
        if (e.contains("version") && e["version"].is_string()) version = e["version"].get<std::string>();
      }
      for (const auto& tag : drizzle_tags) {
        nlohmann::ordered_json e;
        e["idx"] = entries.size();
        e["version"] = version;
        e["when"] = when++;
        e["tag"] = tag;
        e["breakpoints"] = true;
        entries.push_back(e);
      }
      plan.journal_path = journal.generic_string();
      plan.journal_content = j.dump(2) + "\n";
    } else {
      plan.notes.push_back(journal.generic_string() + " does not exist: Drizzle applies only the migrations its journal "
                           "lists (drizzle-kit creates it), so add the new file(s) to it");
    }
  }
  return plan;
}

bool write_new_migration(const NewMigrationPlan& plan, std::string& error) {
  std::vector<std::string> created_files, created_dirs;
  auto undo = [&]() {
    for (auto it = created_files.rbegin(); it != created_files.rend(); ++it) ::unlink(it->c_str());
    for (auto it = created_dirs.rbegin(); it != created_dirs.rend(); ++it) ::rmdir(it->c_str());
  };
  for (const auto& f : plan.files) {
    fs::path parent = fs::path(f.path).parent_path();
    if (!parent.empty()) {
      std::error_code ec;
      // Create the folders one by one, remembering those made here (removed again on failure).
      fs::path acc;
      for (const auto& part : parent) {
        acc /= part;
        if (fs::is_directory(acc, ec)) continue;
        if (::mkdir(acc.c_str(), 0777) != 0 && errno != EEXIST) {
          error = acc.generic_string() + ": cannot create the folder: " + std::strerror(errno);
          undo();
          return false;
        }
        created_dirs.push_back(acc.string());
      }
    }
    int fd = ::open(f.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (fd < 0) {
      error = f.path + ": " + (errno == EEXIST ? std::string("already exists (never replaced)") : std::strerror(errno));
      undo();
      return false;
    }
    created_files.push_back(f.path);
    size_t done = 0;
    while (done < f.content.size()) {
      ssize_t n = ::write(fd, f.content.data() + done, f.content.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error = f.path + ": cannot write: " + std::strerror(n < 0 ? errno : ENOSPC);
        ::close(fd);
        undo();
        return false;
      }
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
      error = f.path + ": cannot write: " + std::strerror(errno);
      undo();
      return false;
    }
  }
  if (!plan.journal_path.empty() && !write_file_atomically(plan.journal_path, plan.journal_content, error)) {
    error = plan.journal_path + ": " + error;
    undo();
    return false;
  }
  return true;
}

}  // namespace pgsafe
