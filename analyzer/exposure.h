#pragma once
// Whether the project serves its public schema through an HTTP API (PostgREST, Supabase,
// Hasura): the RLS, grant and view checks are about exactly that. Apps that expose no API
// (Prisma, Diesel, Rails, ... behind their own server) have nothing for RLS to protect against.
// With `exposed_schemas = "auto"` (the default) public counts as exposed only on evidence.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/migration_set.h"

namespace pg_query { class Node; }

namespace pgsafe {

class ExposureDetector {
 public:
  // Supabase layout: files under supabase/migrations, or a supabase/config.toml above the files.
  void observe_set(const MigrationSet& set);
  // A statement that only makes sense with an API: a grant to or policy for the API roles, a
  // policy, RLS enabled, the API roles created.
  void observe_statement(const pg_query::Node& stmt, const std::string& file);
  // auth.uid() / auth.jwt() / auth.role() anywhere in a file's text (Supabase's JWT helpers).
  // Matches inside comments (byte ranges [begin, end)) do not count.
  void observe_text(std::string_view text, const std::vector<std::pair<uint32_t, uint32_t>>& comments, const std::string& file);

  bool exposed() const { return !reason_.empty(); }
  // observe_set found a Supabase project (supabase/migrations, supabase/config.toml).
  bool supabase() const { return supabase_; }
  // What showed it, e.g. "a policy (profiles_owner on public.profiles) in 20240101_x.sql".
  const std::string& reason() const { return reason_; }

 private:
  void found(std::string why) {
    if (reason_.empty()) reason_ = std::move(why);
  }
  std::string reason_;
  bool supabase_ = false;
};

// True for the roles an API hands to clients (Supabase's anon and authenticated).
bool is_api_role(std::string_view role);

}  // namespace pgsafe
