// The Action's GitHub API calls (node, no dependencies: every runner has node).
//
//   node comment.mjs              post the lint report (PGSAFE_REPORT_FILE) on the pull request as
//                                 one comment, updated in place on each push, never duplicated. A
//                                 clean report creates no comment, but updates an existing one
//                                 (so it stops showing findings that were fixed).
//   node comment.mjs --approvers  print who approved this run's deployment (comma-separated), for
//                                 the audit trail; prints nothing when unknown.
//
// Environment: INPUT_GITHUB_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_EVENT_PATH,
// GITHUB_RUN_ID, PGSAFE_REPORT_FILE, PGSAFE_FINDINGS. The comment it updates is one a bot wrote
// (the workflow's GITHUB_TOKEN posts as github-actions[bot]); with a personal token each run posts anew. An API failure (a fork's read-only token,
// an outage) is a warning: the report is still in the job summary.
import { readFileSync } from "node:fs";

const MARKER = "<!-- pgsafe:lint-report -->";
const LIMIT = 65536; // GitHub's limit on a comment body

const api = (process.env.GITHUB_API_URL || "https://api.github.com").replace(/\/$/, "");
const repo = process.env.GITHUB_REPOSITORY || "";
const token = process.env.INPUT_GITHUB_TOKEN || "";

async function call(method, path, body) {
  const res = await fetch(api + path, {
    method,
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${token}`,
      "x-github-api-version": "2022-11-28",
      "user-agent": "pgsafe-action",
      ...(body ? { "content-type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

function pullNumber() {
  try {
    const event = JSON.parse(readFileSync(process.env.GITHUB_EVENT_PATH, "utf8"));
    return event.pull_request?.number ?? null;
  } catch {
    return null;
  }
}

// The report, cut at a line boundary if it is over GitHub's limit.
function body(report) {
  let text = `${MARKER}\n${report}`;
  if (text.length > LIMIT) {
    const note = "\n\n… cut to fit a comment; the job summary and the annotations have everything.\n";
    text = text.slice(0, text.lastIndexOf("\n", LIMIT - note.length)) + note;
  }
  return text;
}

async function comment() {
  const number = pullNumber();
  if (!number) {
    console.log("pgsafe-action: not a pull request; no comment");
    return;
  }
  const report = readFileSync(process.env.PGSAFE_REPORT_FILE, "utf8");
  const findings = Number(process.env.PGSAFE_FINDINGS || "0");
  let existing = null;
  for (let page = 1; page <= 50 && !existing; page++) {
    const list = await call("GET", `/repos/${repo}/issues/${number}/comments?per_page=100&page=${page}`);
    // Only a comment a bot (this workflow's token) wrote: anyone can post a comment that starts
    // with the marker, and it must never be taken over or block the report.
    existing = list.find((c) => typeof c.body === "string" && c.body.startsWith(MARKER) && c.user?.type === "Bot") || null;
    if (list.length < 100) break;
  }
  if (existing) {
    await call("PATCH", `/repos/${repo}/issues/comments/${existing.id}`, { body: body(report) });
    console.log(`pgsafe-action: updated comment ${existing.id} on #${number}`);
  } else if (findings > 0) {
    const created = await call("POST", `/repos/${repo}/issues/${number}/comments`, { body: body(report) });
    console.log(`pgsafe-action: commented on #${number} (${created.id})`);
  } else {
    console.log("pgsafe-action: no findings and no earlier comment; nothing posted");
  }
}

async function approvers() {
  const run = process.env.GITHUB_RUN_ID;
  if (!run || !repo || !token) return;
  const list = await call("GET", `/repos/${repo}/actions/runs/${run}/approvals`);
  const names = [...new Set(list.filter((a) => a.state === "approved").map((a) => a.user?.login).filter(Boolean))];
  let text = names.join(",");
  if (text.length > 200) text = text.slice(0, text.lastIndexOf(",", 190)) + ",…";
  if (names.length) process.stdout.write(text);
}

try {
  if (process.argv.includes("--approvers")) await approvers();
  else await comment();
} catch (e) {
  if (process.argv.includes("--approvers")) process.exit(0);
  console.log(`::warning title=pgsafe::could not post the report as a comment (${e.message}); it is in the job summary`);
}
