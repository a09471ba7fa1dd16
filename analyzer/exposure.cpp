#include "analyzer/exposure.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <pg_query/pg_query.pb.h>

#include "analyzer/catalog.h"

namespace fs = std::filesystem;

namespace pgsafe {

bool is_api_role(std::string_view role) { return role == "anon" || role == "authenticated"; }

void ExposureDetector::observe_set(const MigrationSet& set) {
  if (exposed() || set.files.empty()) return;
  // Absolute paths: `pgsafe lint migrations` run from supabase/ is the same project.
  // The working folder is read once (fs::absolute would ask the system for it per file).
  std::error_code aec;
  const fs::path cwd = fs::current_path(aec);
  for (const auto& f : set.files) {
    fs::path p(f.path);
    if (!p.is_absolute()) {
      if (aec) continue;
      p = cwd / p;
    }
    if (p.generic_string().find("supabase/migrations/") != std::string::npos) {
      supabase_ = true;
      found("the migrations live in supabase/migrations (a Supabase project)");
      return;
    }
  }
  // supabase/config.toml in a folder above the first file (stop at the repository root).
  std::error_code ec;
  fs::path dir = fs::absolute(fs::path(set.files.front().path), ec).parent_path();
  if (ec) return;
  for (int depth = 0; depth < 8 && !dir.empty(); ++depth) {
    bool in_supabase_dir = dir.filename() == "supabase" && fs::is_regular_file(dir / "config.toml", ec);
    if (in_supabase_dir || fs::is_regular_file(dir / "supabase" / "config.toml", ec)) {
      supabase_ = true;
      found("supabase/config.toml was found (a Supabase project)");
      return;
    }
    if (fs::exists(dir / ".git", ec) || !dir.has_parent_path() || dir.parent_path() == dir) break;
    dir = dir.parent_path();
  }
}

namespace {

std::string role_of(const pg_query::Node& n) {
  if (n.has_role_spec()) return n.role_spec().rolename();
  if (n.has_string()) return n.string().sval();
  return {};
}

}  // namespace

void ExposureDetector::observe_statement(const pg_query::Node& n, const std::string& file) {
  if (exposed()) return;
  switch (n.node_case()) {
    case pg_query::Node::kGrantStmt:
      for (const auto& g : n.grant_stmt().grantees())
        if (is_api_role(role_of(g))) {
          found("a GRANT to " + role_of(g) + " (an API role) in " + file);
          return;
        }
      break;
    case pg_query::Node::kAlterDefaultPrivilegesStmt:
      if (n.alter_default_privileges_stmt().has_action())
        for (const auto& g : n.alter_default_privileges_stmt().action().grantees())
          if (is_api_role(role_of(g))) {
            found("default privileges for " + role_of(g) + " (an API role) in " + file);
            return;
          }
      break;
    case pg_query::Node::kCreatePolicyStmt: {
      const auto& p = n.create_policy_stmt();
      found("a policy (" + p.policy_name() + " on " + Catalog::qualify(p.table().schemaname(), p.table().relname()) + ") in " + file);
      return;
    }
    case pg_query::Node::kAlterTableStmt: {
      const auto& at = n.alter_table_stmt();
      for (const auto& c : at.cmds())
        if (c.has_alter_table_cmd() && (c.alter_table_cmd().subtype() == pg_query::AT_EnableRowSecurity ||
                                        c.alter_table_cmd().subtype() == pg_query::AT_ForceRowSecurity)) {
          found("row level security enabled on " + Catalog::qualify(at.relation().schemaname(), at.relation().relname()) + " in " + file);
          return;
        }
      break;
    }
    case pg_query::Node::kCreateRoleStmt:
      if (is_api_role(n.create_role_stmt().role())) {
        found("the role " + n.create_role_stmt().role() + " is created in " + file);
        return;
      }
      break;
    default: break;
  }
}

void ExposureDetector::observe_text(std::string_view text, const std::vector<std::pair<uint32_t, uint32_t>>& comments,
                                    const std::string& file) {
  if (exposed()) return;
  static const std::string_view helpers[] = {"auth.uid(", "auth.jwt(", "auth.role("};
  auto in_comment = [&](size_t at) {
    for (const auto& [b, e] : comments)
      if (at >= b && at < e) return true;
    return false;
  };
  for (auto h : helpers) {
    auto it = text.begin();
    while ((it = std::search(it, text.end(), h.begin(), h.end(),
                             [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; })) != text.end()) {
      if (!in_comment(static_cast<size_t>(it - text.begin()))) {
        found(std::string(h.substr(0, h.size() - 1)) + "() (Supabase's API auth) is used in " + file);
        return;
      }
      ++it;
    }
  }
}

}  // namespace pgsafe
