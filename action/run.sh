#!/usr/bin/env bash
# The Action's main step (action.yml): run one pgsafe command with the inputs in INPUT_* and
# report through GitHub's files: outputs to $GITHUB_OUTPUT, a markdown report appended to
# $GITHUB_STEP_SUMMARY, annotations on stdout. The test suite runs this same script against a
# real PostgreSQL (tests/applier/ci_workflow_test.cpp).
#
# Exits with pgsafe's exit code, so the step fails exactly when pgsafe does.
set -uo pipefail

say() { echo "pgsafe-action: $*" >&2; }
usage_error() { echo "::error title=pgsafe::$*"; exit 2; }

command=${INPUT_COMMAND:-lint}
output=${GITHUB_OUTPUT:-/dev/null}
summary_file=${GITHUB_STEP_SUMMARY:-}
[ "${INPUT_SUMMARY:-true}" = true ] || summary_file=""
work=$(mktemp -d "${RUNNER_TEMP:-/tmp}/pgsafe.XXXXXX")
report=$work/report.md

set_output() { echo "$1=$2" >> "$output"; }

# Values from a JSON file, in one node run (node is on every GitHub runner): json_values FILE
# NAME=EXPRESSION... prints NAME=value lines, each expression over the document d ("" when null).
json_values() {
  node -e '
    const fs = require("fs");
    let d = null;
    try { d = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch (e) { process.exit(0); }
    for (const arg of process.argv.slice(2)) {
      const eq = arg.indexOf("=");
      const v = (new Function("d", "return (" + arg.slice(eq + 1) + ");"))(d);
      process.stdout.write(arg.slice(0, eq) + "=" + (v === undefined || v === null ? "" : String(v)) + "\n");
    }
  ' "$@"
}

# Text as a <pre> block for the summary (escaped: file names and server messages are not markdown).
as_pre() {
  printf '<pre>\n'
  sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' "$1"
  printf '</pre>\n'
}

append_summary() { [ -n "$summary_file" ] && cat "$1" >> "$summary_file"; return 0; }

common=()
[ -n "${INPUT_CONFIG:-}" ] && common+=(--config "$INPUT_CONFIG")
extra=()
# shellcheck disable=SC2206  # documented: split on spaces (never globbed)
[ -n "${INPUT_ARGS:-}" ] && { set -f; extra=(${INPUT_ARGS}); set +f; }

# The database URL goes to pgsafe in DATABASE_URL, never on a command line (ps would show it).
# GitHub masks the secret in logs; the password alone is masked too, in case a tool prints it.
if [ -n "${INPUT_DATABASE_URL:-}" ]; then
  export DATABASE_URL=$INPUT_DATABASE_URL
  password=$(printf '%s' "$INPUT_DATABASE_URL" | sed -nE 's#^[a-z]+://[^:/@]*:([^@]*)@.*#\1#p')
  [ -n "$password" ] && [ -n "${GITHUB_ACTIONS:-}" ] && echo "::add-mask::$password"
fi
needs_db() {
  [ -n "${DATABASE_URL:-}" ] || usage_error "the $command command needs database-url (e.g. database-url: \${{ secrets.DATABASE_URL }})"
}

dir_args=()
[ -n "${INPUT_MIGRATIONS_DIR:-}" ] && dir_args+=(--dir "$INPUT_MIGRATIONS_DIR")

# The .sql files a pull request adds, changes or renames: against the base commit when the
# checkout has it (fetch-depth: 0), else the merge commit's first parent (fetch-depth: 2).
changed_sql() {
  local range=""
  if [ -n "${PGSAFE_BASE_SHA:-}" ] && git cat-file -e "${PGSAFE_BASE_SHA}^{commit}" 2>/dev/null; then
    range="$PGSAFE_BASE_SHA...HEAD"
  elif git rev-parse -q --verify HEAD^2 >/dev/null 2>&1; then
    range="HEAD^1 HEAD"
  else
    return 1
  fi
  # shellcheck disable=SC2086
  git -c core.quotepath=off diff --relative --name-only --diff-filter=AMR $range -- '*.sql' |
    while IFS= read -r f; do
      [ -f "$f" ] || continue
      if [ -n "${INPUT_MIGRATIONS_DIR:-}" ]; then
        case "$f" in "${INPUT_MIGRATIONS_DIR%/}"/*) ;; *) continue ;; esac
      fi
      printf '%s\n' "$f"
    done
}

run_lint() {
  local fail_on=${INPUT_FAIL_ON:-warning}
  local args=(lint --format github "${common[@]}")
  case "$fail_on" in
    error | warning | info) args+=(--fail-on "$fail_on") ;;
    never) args+=(--exit-zero) ;;
    *) usage_error "fail-on must be error, warning, info or never, not '$fail_on'" ;;
  esac
  [ -n "${INPUT_MIGRATIONS_DIR:-}" ] && args+=(--migrations-dir "$INPUT_MIGRATIONS_DIR")
  local json=$work/lint.json sarif=${INPUT_SARIF_FILE:-}
  args+=(--report "json=$json" --report "markdown=$report")
  # Links to the pull request's head commit: GITHUB_SHA is a temporary merge commit there.
  if [ -n "${PGSAFE_HEAD_SHA:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ]; then
    args+=(--link-base "${GITHUB_SERVER_URL:-https://github.com}/$GITHUB_REPOSITORY/blob/$PGSAFE_HEAD_SHA")
  fi
  [ -n "$sarif" ] && args+=(--report "sarif=$sarif")

  local paths=()
  if [ -n "${INPUT_PATHS:-}" ]; then
    # shellcheck disable=SC2206  # documented: split on spaces and new lines (pgsafe expands globs itself)
    set -f; paths=(${INPUT_PATHS}); set +f
  elif [ "${GITHUB_EVENT_NAME:-}" = pull_request ] || [ "${GITHUB_EVENT_NAME:-}" = pull_request_target ]; then
    local list
    if list=$(changed_sql); then
      if [ -z "$list" ]; then
        say "this pull request changes no migration"
        printf '### pgsafe lint\n\n✅ This pull request changes no migration.\n\n' > "$report"
        append_summary "$report"
        set_output files 0; set_output errors 0; set_output warnings 0; set_output infos 0
        set_output suppressed 0; set_output findings 0; set_output exit-code 0
        set_output report-file "$report"; set_output sarif-file ""
        exit 0
      fi
      mapfile -t paths <<< "$list"
      say "linting the ${#paths[@]} migration(s) this pull request changes, with the rest of the set as history"
    else
      echo "::notice title=pgsafe::the base commit is not in this checkout (use fetch-depth: 0); linting the whole set"
    fi
  fi

  # The whole set: the folder given (alone, --migrations-dir would only be history).
  [ "${#paths[@]}" -eq 0 ] && [ -n "${INPUT_MIGRATIONS_DIR:-}" ] && paths=("$INPUT_MIGRATIONS_DIR")
  local errors_file=$work/lint.stderr
  "$PGSAFE" "${args[@]}" "${extra[@]}" -- "${paths[@]}" 2> >(tee "$errors_file" >&2)
  local code=$?
  wait  # for tee
  if [ "$code" = 2 ] && [ -s "$json" ]; then
    # Some files could not be checked (unreadable, not UTF-8, ...): the reports only hold the
    # others, so the summary and the comment must not read as "no findings".
    {
      printf '### ⛔ pgsafe could not check every file (exit 2)\n\n<pre>\n'
      grep -E '^pgsafe: (error|warning)' "$errors_file" | head -20 | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'
      printf '</pre>\n\n'
      cat "$report"
    } > "$report.new" && mv "$report.new" "$report"
  fi
  set_output exit-code "$code"
  if [ ! -s "$json" ]; then
    # pgsafe stopped before reporting (a usage or input error it printed).
    set_output report-file ""
    set_output sarif-file ""
    return "$code"
  fi
  # An unchecked file (exit 2) counts as a finding, so the pull request gets a comment about it.
  json_values "$json" errors=d.summary.errors warnings=d.summary.warnings infos=d.summary.infos \
    suppressed=d.summary.suppressed files=d.summary.files \
    "findings=d.summary.errors + d.summary.warnings + d.summary.infos + ($code === 2 ? 1 : 0)" >> "$output"
  set_output report-file "$report"
  # Absolute: upload-sarif resolves a relative path from the workspace, not working-directory.
  if [ -n "$sarif" ] && [ -s "$sarif" ]; then
    set_output sarif-file "$(cd "$(dirname "$sarif")" && pwd)/$(basename "$sarif")"
  else
    set_output sarif-file ""
  fi
  append_summary "$report"
  return "$code"
}

# plan and apply: pgsafe writes the JSON document (outputs) and the markdown (summary) of one run.
run_db_command() {
  needs_db
  local json=$work/$command.json args
  if [ "$command" = plan ]; then
    args=(plan --db "")  # --db "" : $DATABASE_URL (the URL stays off the command line)
  else
    args=(apply)
    [ -n "${INPUT_APPROVE:-}" ] && args+=(--approve "$INPUT_APPROVE")
    if [ -n "${INPUT_APPROVE:-}" ]; then
      local who=${INPUT_APPROVED_BY:-}
      [ -n "$who" ] || who=$(node "$(dirname "${BASH_SOURCE[0]}")/comment.mjs" --approvers 2>/dev/null || true)
      # Never a guess recorded as the approver: who started the run is not who approved it.
      [ -n "$who" ] || who="unknown (the approvals could not be read; run started by ${GITHUB_TRIGGERING_ACTOR:-${GITHUB_ACTOR:-?}})"
      [ -n "$who" ] && args+=(--approved-by "$who")
    fi
    [ -n "${INPUT_EMERGENCY_REASON:-}" ] && args+=(--emergency --reason "$INPUT_EMERGENCY_REASON")
  fi
  [ -n "${INPUT_ENVIRONMENT:-}" ] && args+=(--env "$INPUT_ENVIRONMENT")
  "$PGSAFE" "${args[@]}" "${dir_args[@]}" "${common[@]}" --format json --summary-file "$report" "${extra[@]}" > "$json"
  local code=$?
  set_output exit-code "$code"
  json_values "$json" plan-hash=d.plan_hash pending=d.summary.pending applied=d.summary.applied >> "$output"
  if [ -s "$report" ]; then
    set_output report-file "$report"
    append_summary "$report"
  else
    set_output report-file ""
  fi
  # The person reading the log sees the plan too (the JSON has no secret: pgsafe never puts the
  # password in it).
  [ -s "$json" ] && json_values "$json" 'plan=(d.plan_hash || "-") + ": " + d.result + ", exit " + d.exit_code' >&2
  return "$code"
}

# status and drift: their text output, in the log and the summary.
run_text_command() {
  needs_db
  local text=$work/$command.txt
  local args=("$command" "${dir_args[@]}" "${common[@]}")
  [ "$command" = status ] && args+=(--exit-code)
  # Before an apply: what the pending files account for (a captured hotfix) is not drift.
  [ "$command" = drift ] && args+=(--with-pending)
  "$PGSAFE" "${args[@]}" "${extra[@]}" > "$text"
  local code=$?
  cat "$text"
  set_output exit-code "$code"
  if [ "$command" = drift ]; then
    [ "$code" = 1 ] && set_output drift true || set_output drift false
  fi
  {
    printf '### pgsafe %s\n\n' "$command"
    case "$command/$code" in
      drift/0) printf '✅ No drift: the database matches its applied migrations.\n\n' ;;
      drift/1) printf '⛔ Drift: the database was changed outside the migrations. Capture the change with `pgsafe drift --emit-migration`, or undo it.\n\n' ;;
      status/0) printf '✅ Everything is applied.\n\n' ;;
      status/3) printf '📋 Migrations are pending, modified, missing or out of order, or the schema drifted (below).\n\n' ;;
      status/7) printf '⛔ A migration needs `pgsafe repair` (below).\n\n' ;;
      *) printf 'pgsafe exited %s.\n\n' "$code" ;;
    esac
    as_pre "$text"
  } > "$report"
  set_output report-file "$report"
  append_summary "$report"
  return "$code"
}

PGSAFE=$(command -v pgsafe) || usage_error "pgsafe is not on PATH (the install step puts it there)"
case "$command" in
  lint) run_lint ;;
  plan | apply) run_db_command ;;
  status | drift) run_text_command ;;
  *) usage_error "command must be lint, plan, apply, status or drift, not '$command'" ;;
esac
exit $?
