// file-naming: a migration whose file name does not follow the layout the project uses.
#include <cctype>
#include <filesystem>
#include <optional>

#include "analyzer/rule.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "file-naming",
    .category = "process",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "A migration file name that does not follow the project's layout, or carries an impossible timestamp.",
    .rationale =
        "Migration tools find, order and record migrations by their names: Supabase and dbmate read the "
        "version from a leading `YYYYMMDDHHMMSS_` timestamp, Prisma and Diesel from the folder name, "
        "golang-migrate needs `.up.sql`/`.down.sql`, Flyway `V<version>__`. A file that does not fit is "
        "silently skipped by some tools, sorted into the wrong place by others, and recorded under a "
        "version nobody intended, so environments end up with different schemas. An impossible "
        "timestamp (month 13, 30 February, hour 24) is a typed-by-hand version that will sort wrongly "
        "against real ones. pgsafe checks the layout in use (`layout` in .pgsafe.toml, or the one most "
        "files follow): timestamp `YYYYMMDDHHMMSS_snake_case_description.sql` (the default), Prisma "
        "`<timestamp>_<name>/migration.sql`, Diesel `<YYYY-MM-DD-HHMMSS>_<name>/up.sql|down.sql`, "
        "golang-migrate `<version>_<name>.up.sql|.down.sql`, Flyway `V<version>__<description>.sql` (U "
        "undo, R repeatable) and Drizzle `NNNN_<name>.sql`. Descriptions are snake_case in the timestamp, "
        "Prisma and Drizzle layouts (the names those tools generate) and free of blanks in the others. An "
        "all-zero version (`00000000000000_...`, diesel's initial setup, baselines) is a deliberate "
        "\"before everything\" and not an impossible date.",
    .help = "Let the tool generate the name (`supabase migration new <name>`, `dbmate new <name>`, "
            "`prisma migrate dev --name <name>`, `diesel migration generate <name>`, "
            "`migrate create -ext sql <name>`), or rename the file by hand to the layout, e.g. "
            "`20240517093000_add_invoice_due_date.sql`, with the current UTC time as its timestamp. If the "
            "project uses another layout, set `layout` in .pgsafe.toml. A name that cannot change any more "
            "(already applied everywhere) is accepted with `-- pgsafe-ignore-file file-naming: <why>` "
            "anywhere in the file.",
    .bad_example = "-- filename: migrations/2024-05-17 add Invoice due date.sql\n"
                   "ALTER TABLE invoices ADD COLUMN due_date date;",
    .good_example = "-- filename: migrations/20240517093000_add_invoice_due_date.sql\n"
                    "ALTER TABLE invoices ADD COLUMN due_date date;",
};

namespace fs = std::filesystem;

// What is wrong with a name decides what it risks.
enum class Kind {
  Unreadable,  // the tool cannot read a version (or the right file) from the name
  Impossible,  // a timestamp that is no real moment: hand-made, sorts unpredictably
  Style,       // only the description breaks the layout's convention
};
struct Problem {
  Kind kind;
  std::string text;
};
Problem unreadable(std::string t) { return {Kind::Unreadable, std::move(t)}; }
Problem style(std::string t) { return {Kind::Style, std::move(t)}; }

bool snake_case(std::string_view s) {
  if (s.empty() || s.front() == '_' || s.back() == '_') return false;
  char prev = 0;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok || (c == '_' && prev == '_')) return false;
    prev = c;
  }
  return true;
}

bool has_blank(std::string_view s) {
  for (char c : s)
    if (std::isspace(static_cast<unsigned char>(c))) return true;
  return false;
}

size_t leading_digits(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) ++n;
  return n;
}

int number(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// Why the date and time y-mo-d h:mi:s cannot exist, if they cannot.
std::optional<std::string> impossible_moment(int y, int mo, int d, int h, int mi, int s) {
  static const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                  "July",    "August",   "September", "October", "November", "December"};
  if (mo < 1 || mo > 12) return "month " + std::to_string(mo) + " does not exist";
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int days = kDays[mo - 1] + (mo == 2 && leap ? 1 : 0);
  if (d < 1 || d > days)
    return std::string(kMonths[mo - 1]) + " " + std::to_string(d) + ", " + std::to_string(y) + " does not exist";
  if (h > 23) return "hour " + std::to_string(h) + " does not exist (00-23)";
  if (mi > 59) return "minute " + std::to_string(mi) + " does not exist (00-59)";
  if (s > 59) return "second " + std::to_string(s) + " does not exist (00-59)";
  return std::nullopt;
}

// A 14-digit YYYYMMDDHHMMSS.
std::optional<Problem> bad_timestamp(std::string_view ts) {
  // All zeros is a deliberate "before everything" version (diesel's initial setup, baselines).
  if (ts.find_first_not_of('0') == std::string_view::npos) return std::nullopt;
  auto p = impossible_moment(number(ts.substr(0, 4)), number(ts.substr(4, 2)), number(ts.substr(6, 2)),
                             number(ts.substr(8, 2)), number(ts.substr(10, 2)), number(ts.substr(12, 2)));
  if (p) return Problem{Kind::Impossible, "its timestamp " + std::string(ts) + " is impossible: " + *p};
  return std::nullopt;
}

// "<14-digit timestamp>_<snake_case>" (a timestamp file's stem, a Prisma folder).
std::optional<Problem> timestamp_stem_problem(std::string_view stem) {
  size_t digits = leading_digits(stem);
  if (digits == 0) return unreadable("it does not start with a YYYYMMDDHHMMSS timestamp");
  if (digits != 14)
    return unreadable("it starts with a " + std::to_string(digits) +
                      "-digit number, not a 14-digit YYYYMMDDHHMMSS timestamp");
  if (stem.size() == 14 || stem[14] != '_') return unreadable("the timestamp is not followed by '_' and a description");
  if (auto p = bad_timestamp(stem.substr(0, 14))) return p;
  std::string_view desc = stem.substr(15);
  if (desc.empty()) return style("it has no description after the timestamp");
  if (!snake_case(desc))
    return style("its description \"" + std::string(desc) +
                 "\" is not snake_case (lowercase letters, digits, single underscores)");
  return std::nullopt;
}

struct Verdict {
  std::string layout;   // how the layout is described in the message
  std::string shown;    // the part of the path judged
  std::optional<Problem> problem;
};

// What a problem risks, for the message: a name the tool cannot read, a version that cannot be a
// real moment, or only a description that breaks the project's convention.
std::string risk_of(Kind kind) {
  switch (kind) {
    case Kind::Impossible: return "a hand-made version like this sorts unpredictably against generated ones";
    case Kind::Style: return "names that break the convention are hard to find, sort and refer to from scripts";
    case Kind::Unreadable: break;
  }
  return "the migration tool may not recognise it as a migration, or may apply it out of order";
}

Verdict judge(const MigrationFile& f, Layout layout) {
  fs::path p(f.path);
  std::string file = p.filename().string();
  std::string folder = p.parent_path().filename().string();
  Verdict v;
  v.shown = file;
  auto ends_with = [](std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
  };
  switch (layout) {
    case Layout::Auto:
    case Layout::Timestamp: {
      v.layout = "timestamp layout YYYYMMDDHHMMSS_snake_case_description.sql";
      if (!ends_with(file, ".sql")) v.problem = unreadable("it does not end in .sql");
      else v.problem = timestamp_stem_problem(std::string_view(file).substr(0, file.size() - 4));
      break;
    }
    case Layout::Prisma: {
      v.layout = "Prisma layout <YYYYMMDDHHMMSS>_<snake_case_name>/migration.sql";
      v.shown = folder.empty() ? file : folder + "/" + file;
      if (file != "migration.sql") v.problem = unreadable("the file inside the migration's folder must be named migration.sql");
      else if (auto pr = timestamp_stem_problem(folder)) v.problem = Problem{pr->kind, "the folder name is wrong: " + pr->text};
      break;
    }
    case Layout::Diesel: {
      v.layout = "Diesel layout <YYYY-MM-DD-HHMMSS>_<name>/up.sql|down.sql";
      v.shown = folder.empty() ? file : folder + "/" + file;
      if (file != "up.sql" && file != "down.sql") {
        v.problem = unreadable("the files inside a migration's folder must be named up.sql and down.sql");
        break;
      }
      std::string_view stem = folder;
      // YYYY-MM-DD-HHMMSS (what diesel generates), optionally -NNNN; or a plain 14-digit timestamp.
      size_t desc_at = std::string_view::npos;
      bool dashed = stem.size() >= 17 && leading_digits(stem) == 4 && stem[4] == '-' && stem[7] == '-' &&
                    stem[10] == '-' && leading_digits(stem.substr(5)) == 2 && leading_digits(stem.substr(8)) == 2 &&
                    leading_digits(stem.substr(11)) == 6;
      if (dashed) {
        bool zero = stem.substr(0, 17).find_first_not_of("0-") == std::string_view::npos;
        auto pr = zero ? std::nullopt : impossible_moment(number(stem.substr(0, 4)), number(stem.substr(5, 2)), number(stem.substr(8, 2)),
                                    number(stem.substr(11, 2)), number(stem.substr(13, 2)), number(stem.substr(15, 2)));
        if (pr) {
          v.problem = Problem{Kind::Impossible, "its version " + std::string(stem.substr(0, 17)) + " is impossible: " + *pr};
          break;
        }
        desc_at = 17;
        if (stem.size() >= 22 && stem[17] == '-' && leading_digits(stem.substr(18)) == 4) desc_at = 22;
      } else if (leading_digits(stem) == 14) {
        if (auto pr = bad_timestamp(stem.substr(0, 14))) {
          v.problem = Problem{pr->kind, "the folder name is wrong: " + pr->text};
          break;
        }
        desc_at = 14;
      } else {
        v.problem = unreadable("the folder name does not start with a YYYY-MM-DD-HHMMSS version");
        break;
      }
      if (desc_at >= stem.size() || stem[desc_at] != '_') v.problem = unreadable("the version is not followed by '_' and a name");
      else if (has_blank(stem.substr(desc_at + 1)))
        v.problem = style("its name \"" + std::string(stem.substr(desc_at + 1)) + "\" contains blanks");
      break;
    }
    case Layout::GolangMigrate: {
      v.layout = "golang-migrate layout <version>_<name>.up.sql|.down.sql";
      std::string_view stem = file;
      if (ends_with(stem, ".up.sql")) stem.remove_suffix(7);
      else if (ends_with(stem, ".down.sql")) stem.remove_suffix(9);
      else {
        v.problem = unreadable("it does not end in .up.sql or .down.sql");
        break;
      }
      size_t digits = leading_digits(stem);
      if (digits == 0) v.problem = unreadable("it does not start with a numeric version");
      else if (digits >= stem.size() || stem[digits] != '_') v.problem = unreadable("the version is not followed by '_' and a name");
      else if (digits == 14 && bad_timestamp(stem.substr(0, 14))) v.problem = bad_timestamp(stem.substr(0, 14));
      else if (digits + 1 == stem.size()) v.problem = style("it has no name after the version");
      else if (has_blank(stem)) v.problem = style("its name contains blanks");
      break;
    }
    case Layout::Flyway: {
      v.layout = "Flyway layout V<version>__<description>.sql";
      if (!f.name_matches_layout) {
        if (file.empty() || (file[0] != 'V' && file[0] != 'U' && file[0] != 'R'))
          v.problem = unreadable("it does not start with V (versioned), U (undo) or R (repeatable)");
        else if (file.find("__") == std::string::npos)
          v.problem = unreadable("the version is not followed by '__' and a description");
        else if (!ends_with(file, ".sql"))
          v.problem = unreadable("it does not end in .sql");
        else
          v.problem = unreadable("its version is not made of numbers separated by '.' or '_'");
      } else if (has_blank(f.name)) {
        v.problem = style("its description contains blanks (Flyway writes them as '_')");
      }
      break;
    }
    case Layout::Drizzle: {
      v.layout = "Drizzle layout NNNN_snake_case_name.sql";
      if (!ends_with(file, ".sql")) {
        v.problem = unreadable("it does not end in .sql");
        break;
      }
      std::string_view stem = std::string_view(file).substr(0, file.size() - 4);
      if (leading_digits(stem) != 4) v.problem = unreadable("it does not start with a 4-digit index");
      else if (stem.size() <= 5 || stem[4] != '_') v.problem = unreadable("the index is not followed by '_' and a name");
      else if (!snake_case(stem.substr(5)))
        v.problem = style("its name \"" + std::string(stem.substr(5)) + "\" is not snake_case");
      break;
    }
  }
  return v;
}

class FileNaming final : public Rule {
 public:
  void finish_set(const SetContext& ctx, Findings& out) override {
    Layout layout = ctx.set.layout;
    for (size_t i = 0; i < ctx.set.files.size(); ++i) {
      const MigrationFile& f = ctx.set.files[i];
      if (f.history_only) continue;
      // Standard input without --stdin-filename has no name to judge.
      if (f.from_stdin && f.path == "<stdin>") continue;
      Layout l = layout == Layout::Auto ? parse_name(f.path, Layout::Auto).layout : layout;
      Verdict v = judge(f, l);
      if (!v.problem) continue;
      // A down file shares its up file's name: one finding per migration, on the up file.
      if (f.direction == Direction::Down && i > 0 && ctx.set.files[i - 1].direction == Direction::Up &&
          ctx.set.files[i - 1].version == f.version)
        continue;
      Finding fnd;
      // An impossible but well-formed version (hand-numbered 2025-08-01-000061) still sorts where
      // its author meant among the project's own names: worth knowing, not a warning.
      if (v.problem->kind == Kind::Impossible) fnd.severity = Severity::Info;
      fnd.message = "migration file name \"" + v.shown + "\" does not follow the " + v.layout + ": " + v.problem->text + "; " +
                    risk_of(v.problem->kind);
      fnd.file = static_cast<int>(i);
      out.add(std::move(fnd));
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(file_naming, kMeta, FileNaming)
