// A local runner for pgsafe's workflow templates (docs/ci/github/*.yml) and its Action
// (action.yml): it runs one job of a workflow the way GitHub's runner does, so the tests exercise
// the very YAML a user copies, against a real PostgreSQL standing in for staging and production.
//
//   node tests/ci/run-workflow.mjs --workflow FILE --job NAME --workspace DIR --context FILE.json
//                                  [--action-root DIR]
//
// The context file gives what GitHub would: event_name, event (the payload), secrets (the
// repository's), environment_secrets ({environment: {...}}: seen only by a job in that
// environment), inputs,
// needs ({job: {result, outputs}}), vars, env (the runner's environment, e.g. PATH and
// PGSAFE_BIN_DIR), github (overrides: sha, actor, run_id, api_url, ...).
//
// What it does as GitHub does: `${{ }}` expressions (contexts, operators, status functions,
// contains/startsWith/endsWith/format/toJSON/fromJSON), step and job `if:` (an implicit success()
// unless a status function is named), `run:` steps through `bash --noprofile --norc -eo pipefail`
// with GITHUB_OUTPUT / GITHUB_ENV / GITHUB_PATH / GITHUB_STEP_SUMMARY files, `continue-on-error`,
// `working-directory`, workflow/job/step `env`, job `outputs`, and composite actions (this
// repository's action.yml, for `uses: pgsafe/pgsafe@...` or `uses: ./`) with their inputs,
// defaults and outputs. Other actions: actions/checkout checks out `with.ref` in the workspace
// (the workspace is already a clone), actions/cache (and cache/restore) restores nothing, cache/save saves nothing, and
// github/codeql-action/upload-sarif checks that the file is SARIF 2.1.0. Any other action is an
// error, so a template cannot depend on something these tests do not run.
//
// What it cannot do is GitHub's own: an environment's required reviewers (the test plays the
// reviewer by running the next job), concurrency groups, runners. Prints one JSON document:
// {result, outputs, steps: [{id, name, outcome, conclusion, outputs}], summary}.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, appendFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

// ------------------------------------------------------------------------------------------
// Expressions

function tokenize(src) {
  const tokens = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'") {
      let s = "";
      i++;
      for (;;) {
        if (i >= src.length) throw new Error(`unterminated string in: ${src}`);
        if (src[i] === "'") {
          if (src[i + 1] === "'") { s += "'"; i += 2; continue; }
          i++;
          break;
        }
        s += src[i++];
      }
      tokens.push({ t: "str", v: s });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (["==", "!=", "<=", ">=", "&&", "||"].includes(two)) { tokens.push({ t: "op", v: two }); i += 2; continue; }
    if ("!<>()[],.*".includes(c)) { tokens.push({ t: "op", v: c }); i++; continue; }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num && (c !== "-" || /\d/.test(src[i + 1]))) { tokens.push({ t: "num", v: Number(num[0]) }); i += num[0].length; continue; }
    const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i));
    if (id) { tokens.push({ t: "id", v: id[0] }); i += id[0].length; continue; }
    throw new Error(`unexpected '${c}' in expression: ${src}`);
  }
  return tokens;
}

const toNumber = (v) => {
  if (v === null || v === undefined) return 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  if (typeof v === "string") return v.trim() === "" ? 0 : Number(v);
  return NaN;
};
const truthy = (v) => !(v === null || v === undefined || v === false || v === 0 || v === "" || Number.isNaN(v));
function looseEquals(a, b) {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if (a === null && b === null) return true;
  if (typeof a === "object" || typeof b === "object") return a === b;
  return toNumber(a) === toNumber(b);
}
export function toText(v) {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v, null, 2);
  return String(v);
}
function member(obj, key) {
  if (obj === null || obj === undefined || typeof obj !== "object") return null;
  const k = Object.keys(obj).find((x) => x.toLowerCase() === String(key).toLowerCase());
  return k === undefined ? null : obj[k];
}

export function evaluate(src, ctx) {
  const tokens = tokenize(src);
  let p = 0;
  const peek = () => tokens[p];
  const take = (v) => {
    const t = tokens[p];
    if (!t || (v !== undefined && t.v !== v)) throw new Error(`expected '${v}' in expression: ${src}`);
    p++;
    return t;
  };
  const functions = {
    always: () => true,
    success: () => ctx.status === "success",
    failure: () => ctx.status === "failure",
    cancelled: () => false,
    contains: (a, b) => Array.isArray(a) ? a.some((x) => looseEquals(x, b)) : toText(a).toLowerCase().includes(toText(b).toLowerCase()),
    startswith: (a, b) => toText(a).toLowerCase().startsWith(toText(b).toLowerCase()),
    endswith: (a, b) => toText(a).toLowerCase().endsWith(toText(b).toLowerCase()),
    format: (f, ...args) => toText(f).replace(/\{(\d+)\}/g, (_, n) => toText(args[Number(n)])),
    tojson: (v) => JSON.stringify(v, null, 2),
    fromjson: (v) => JSON.parse(toText(v)),
    join: (a, sep = ",") => (Array.isArray(a) ? a.map(toText).join(toText(sep)) : toText(a)),
  };
  function primary() {
    const t = take();
    let v;
    if (t.t === "str" || t.t === "num") v = t.v;
    else if (t.t === "op" && t.v === "(") { v = or(); take(")"); }
    else if (t.t === "op" && t.v === "!") return !truthy(primary());
    else if (t.t === "id") {
      const name = t.v.toLowerCase();
      if (name === "true") return true;
      if (name === "false") return false;
      if (name === "null") return null;
      if (peek()?.v === "(") {
        take("(");
        const args = [];
        if (peek()?.v !== ")") { args.push(or()); while (peek()?.v === ",") { take(","); args.push(or()); } }
        take(")");
        if (!functions[name]) throw new Error(`unknown function ${t.v}() in: ${src}`);
        if (["always", "success", "failure", "cancelled"].includes(name)) ctx.usedStatus = true;
        v = functions[name](...args);
      } else {
        if (!(name in ctx.contexts)) throw new Error(`unknown context '${t.v}' in: ${src}`);
        v = ctx.contexts[name];
      }
    } else throw new Error(`unexpected '${t.v}' in expression: ${src}`);
    for (;;) {
      if (peek()?.v === ".") {
        take(".");
        const k = take();
        v = k.v === "*" ? (v && typeof v === "object" ? Object.values(v) : []) : member(v, k.v);
      } else if (peek()?.v === "[") {
        take("[");
        const k = or();
        take("]");
        v = Array.isArray(v) ? v[toNumber(k)] ?? null : member(v, k);
      } else break;
    }
    return v;
  }
  function unary() { return primary(); }
  function comparison() {
    let l = unary();
    while (["==", "!=", "<", ">", "<=", ">="].includes(peek()?.v)) {
      const op = take().v;
      const r = unary();
      if (op === "==") l = looseEquals(l, r);
      else if (op === "!=") l = !looseEquals(l, r);
      else {
        const a = toNumber(l), b = toNumber(r);
        l = op === "<" ? a < b : op === ">" ? a > b : op === "<=" ? a <= b : a >= b;
      }
    }
    return l;
  }
  function and() {
    let l = comparison();
    while (peek()?.v === "&&") { take(); const r = comparison(); l = truthy(l) ? r : l; }
    return l;
  }
  function or() {
    let l = and();
    while (peek()?.v === "||") { take(); const r = and(); l = truthy(l) ? l : r; }
    return l;
  }
  const value = or();
  if (p !== tokens.length) throw new Error(`unexpected '${tokens[p].v}' in expression: ${src}`);
  return value;
}

// "text ${{ expr }} text" -> string; a value that is only "${{ expr }}" keeps its type.
export function interpolate(value, ctx) {
  if (typeof value !== "string") return value;
  // Only a value that is exactly one expression keeps its type ("${{ a }}-${{ b }}" is text).
  const whole = /^\s*\$\{\{((?:(?!\}\})[\s\S])*)\}\}\s*$/.exec(value);
  if (whole) return evaluate(whole[1], ctx);
  return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, e) => toText(evaluate(e, ctx)));
}

// Step or job `if:`: with no status function, success() && (...) is implied.
function condition(src, ctx) {
  if (src === undefined || src === null || src === "") return ctx.status === "success";
  let text = String(src).trim();
  const wrapped = /^\$\{\{([\s\S]*)\}\}$/.exec(text);
  if (wrapped) text = wrapped[1];
  const c = { ...ctx, usedStatus: false };
  const v = truthy(evaluate(text, c));
  return c.usedStatus ? v : v && ctx.status === "success";
}

// ------------------------------------------------------------------------------------------
// Files GitHub gives each step

function parseKeyValueFile(path) {
  const out = {};
  if (!existsSync(path)) return out;
  const lines = readFileSync(path, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const body = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) body.push(lines[i]);
      if (i >= lines.length) throw new Error(`${path}: ${name}<<${delim} is never closed`);
      out[name] = body.join("\n");
      continue;
    }
    const eq = line.indexOf("=");
    if (eq < 0) throw new Error(`${path}: not name=value: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// Running

const here = dirname(fileURLToPath(import.meta.url));

class Runner {
  constructor({ workspace, context, actionRoot }) {
    this.workspace = resolve(workspace);
    this.context = context;
    this.actionRoot = resolve(actionRoot);
    this.temp = mkdtempSync(join(tmpdir(), "pgsafe-runner-"));
    this.summary = "";
    this.log = [];
    this.pathPrefix = [];
    this.jobEnv = {};
    const g = context.github || {};
    this.eventPath = join(this.temp, "event.json");
    writeFileSync(this.eventPath, JSON.stringify(context.event || {}));
    this.github = {
      event_name: context.event_name || "push",
      event: context.event || {},
      sha: g.sha || "",
      ref: g.ref || "refs/heads/main",
      repository: g.repository || "acme/app",
      repository_owner: (g.repository || "acme/app").split("/")[0],
      run_id: g.run_id || "1001",
      run_number: g.run_number || "1",
      actor: g.actor || "octocat",
      triggering_actor: g.triggering_actor || g.actor || "octocat",
      workspace: this.workspace,
      server_url: g.server_url || "https://github.com",
      api_url: g.api_url || "https://api.github.com",
      token: g.token || "ghs_test_token",
      base_ref: g.base_ref || "",
      head_ref: g.head_ref || "",
    };
  }

  baseEnv() {
    const env = { ...process.env, ...(this.context.env || {}) };
    const g = this.github;
    Object.assign(env, {
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: g.event_name,
      GITHUB_EVENT_PATH: this.eventPath,
      GITHUB_SHA: g.sha,
      GITHUB_REF: g.ref,
      GITHUB_REPOSITORY: g.repository,
      GITHUB_RUN_ID: String(g.run_id),
      GITHUB_ACTOR: g.actor,
      GITHUB_TRIGGERING_ACTOR: g.triggering_actor,
      GITHUB_WORKSPACE: this.workspace,
      GITHUB_SERVER_URL: g.server_url,
      GITHUB_API_URL: g.api_url,
      GITHUB_BASE_REF: g.base_ref,
      GITHUB_HEAD_REF: g.head_ref,
      RUNNER_OS: "Linux",
      RUNNER_ARCH: "X64",
      RUNNER_TEMP: this.temp,
      RUNNER_TOOL_CACHE: join(this.temp, "toolcache"),
    });
    if (this.pathPrefix.length) env.PATH = [...this.pathPrefix].reverse().join(":") + ":" + env.PATH;
    return env;
  }

  contexts(extra) {
    return {
      github: this.github,
      env: { ...(this.context.env_context || {}), ...this.workflowEnv, ...this.jobEnv, ...(extra.env || {}) },
      // Repository secrets, and an environment's own only in a job that names that environment.
      secrets: { ...(this.context.secrets || {}), ...((this.context.environment_secrets || {})[this.environment] || {}) },
      vars: this.context.vars || {},
      inputs: extra.inputs ?? this.context.inputs ?? {},
      needs: this.context.needs || {},
      steps: extra.steps || {},
      job: { status: extra.status || "success" },
      runner: { os: "Linux", arch: "X64", temp: this.temp, tool_cache: join(this.temp, "toolcache") },
      matrix: {},
      strategy: {},
    };
  }

  // One list of steps (a job's, or a composite action's), in its own steps context.
  runSteps(steps, scope) {
    const stepsCtx = {};
    let status = "success";
    const records = [];
    steps.forEach((step, index) => {
      const id = step.id || `__${index}`;
      const ctx = { status, contexts: this.contexts({ steps: stepsCtx, inputs: scope.inputs, env: scope.env, status }) };
      if (scope.actionPath) ctx.contexts.github = { ...this.github, action_path: scope.actionPath, action_ref: scope.actionRef, action_repository: scope.actionRepository };
      const name = step.name || step.run?.split("\n")[0] || step.uses || id;
      if (!condition(step.if, ctx)) {
        stepsCtx[id] = { outputs: {}, outcome: "skipped", conclusion: "skipped" };
        records.push({ id, name, outcome: "skipped", conclusion: "skipped", outputs: {} });
        return;
      }
      const env = { ...this.workflowEnv, ...this.jobEnv, ...scope.env };
      for (const [k, v] of Object.entries(step.env || {})) env[k] = toText(interpolate(v, ctx));
      let result;
      try {
        result = step.uses ? this.uses(step, ctx, env, scope) : this.run(step, ctx, env, scope);
      } catch (e) {
        this.log.push(`step ${name}: ${e.message}`);
        process.stderr.write(`run-workflow: step ${name}: ${e.message}\n`);
        result = { ok: false, outputs: {} };
      }
      const outcome = result.ok ? "success" : "failure";
      const coe = truthy(interpolate(step["continue-on-error"] ?? false, ctx));
      const conclusion = !result.ok && coe ? "success" : outcome;
      stepsCtx[id] = { outputs: result.outputs, outcome, conclusion };
      records.push({ id, name, outcome, conclusion, outputs: result.outputs, ...(result.checkedOut ? { checked_out: result.checkedOut } : {}) });
      if (conclusion === "failure") status = "failure";
    });
    return { status, stepsCtx, records };
  }

  run(step, ctx, env, scope) {
    const script = toText(interpolate(step.run, ctx));
    const files = {};
    for (const f of ["GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY"]) {
      files[f] = join(this.temp, `${f.toLowerCase()}-${Math.random().toString(36).slice(2)}`);
      writeFileSync(files[f], "");
    }
    const scriptPath = join(this.temp, `step-${Math.random().toString(36).slice(2)}.sh`);
    writeFileSync(scriptPath, script);
    const shell = step.shell || scope.defaultShell || "bash";
    if (shell !== "bash") throw new Error(`shell '${shell}' is not supported by this runner`);
    const wd = step["working-directory"] ? toText(interpolate(step["working-directory"], ctx)) : scope.workingDirectory;
    const cwd = wd ? resolve(this.workspace, wd) : this.workspace;
    const fullEnv = { ...this.baseEnv(), ...env, ...files };
    if (scope.actionPath) fullEnv.GITHUB_ACTION_PATH = scope.actionPath;
    const remaining = Math.max(1000, this.deadline - Date.now());
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", scriptPath], {
      cwd, env: fullEnv, encoding: "utf8", timeout: remaining, maxBuffer: 256 * 1024 * 1024,
    });
    process.stderr.write(r.stderr || "");
    process.stderr.write(r.stdout || "");
    this.log.push(r.stdout || "", r.stderr || "");
    if (r.error) throw r.error;
    const summary = readFileSync(files.GITHUB_STEP_SUMMARY, "utf8");
    this.summary += summary;
    Object.assign(this.jobEnv, parseKeyValueFile(files.GITHUB_ENV));
    for (const p of readFileSync(files.GITHUB_PATH, "utf8").split("\n")) if (p) this.pathPrefix.push(p);
    return { ok: r.status === 0, outputs: parseKeyValueFile(files.GITHUB_OUTPUT), stdout: r.stdout };
  }

  uses(step, ctx, env, scope) {
    const uses = step.uses;
    const withs = {};
    for (const [k, v] of Object.entries(step.with || {})) withs[k] = toText(interpolate(v, ctx));
    if (/^actions\/checkout@/.test(uses)) {
      if (withs.ref) {
        const r = spawnSync("git", ["-C", this.workspace, "checkout", "-q", "--detach", withs.ref], { encoding: "utf8" });
        if (r.status !== 0) throw new Error(`checkout ${withs.ref}: ${r.stderr}`);
      }
      const head = spawnSync("git", ["-C", this.workspace, "rev-parse", "HEAD"], { encoding: "utf8" }).stdout.trim();
      return { ok: true, outputs: {}, checkedOut: head };
    }
    if (/^actions\/cache(\/restore)?@/.test(uses)) return { ok: true, outputs: { "cache-hit": "false" } };
    if (/^actions\/cache\/save@/.test(uses)) return { ok: true, outputs: {} };
    if (/^github\/codeql-action\/upload-sarif@/.test(uses)) {
      const file = resolve(this.workspace, withs.sarif_file || "");
      const doc = JSON.parse(readFileSync(file, "utf8"));
      if (doc.version !== "2.1.0" || !Array.isArray(doc.runs)) throw new Error(`${file} is not SARIF 2.1.0`);
      return { ok: true, outputs: { "sarif-id": "local" } };
    }
    if (/^pgsafe\/pgsafe@/.test(uses) || uses === "./") {
      const ref = uses === "./" ? "" : uses.slice(uses.indexOf("@") + 1);
      return this.composite(withs, { ...scope, actionRef: ref, actionRepository: "pgsafe/pgsafe" });
    }
    throw new Error(`action '${uses}' is not run by this runner (the templates may only use what the tests run)`);
  }

  composite(withs, scope) {
    const action = YAML.parse(readFileSync(join(this.actionRoot, "action.yml"), "utf8"));
    if (action.runs?.using !== "composite") throw new Error("action.yml is not a composite action");
    for (const k of Object.keys(withs))
      if (!(k in (action.inputs || {}))) throw new Error(`action.yml has no input '${k}'`);
    const defaultsCtx = { status: "success", contexts: this.contexts({ steps: {} }) };
    const inputs = {};
    for (const [k, spec] of Object.entries(action.inputs || {})) {
      if (k in withs) inputs[k] = withs[k];
      else if (spec.required) throw new Error(`action input '${k}' is required`);
      else inputs[k] = toText(interpolate(spec.default ?? "", defaultsCtx));
    }
    const inner = this.runSteps(action.runs.steps, {
      inputs, env: {}, actionPath: this.actionRoot, actionRef: scope.actionRef,
      actionRepository: scope.actionRepository, defaultShell: undefined, workingDirectory: scope.workingDirectory,
    });
    const outCtx = { status: inner.status, contexts: this.contexts({ steps: inner.stepsCtx, inputs }) };
    const outputs = {};
    for (const [k, spec] of Object.entries(action.outputs || {})) outputs[k] = toText(interpolate(spec.value, outCtx));
    this.compositeSteps = (this.compositeSteps || []).concat([inner.records]);
    return { ok: inner.status === "success", outputs };
  }

  job(workflow, jobName) {
    const job = workflow.jobs?.[jobName];
    if (!job) throw new Error(`no job '${jobName}'`);
    this.deadline = Date.now() + (job["timeout-minutes"] ?? 360) * 60000;
    this.environment = typeof job.environment === "object" ? job.environment?.name : job.environment;
    this.workflowEnv = {};
    const wctx = { status: "success", contexts: this.contexts({}) };
    for (const [k, v] of Object.entries(workflow.env || {})) this.workflowEnv[k] = toText(interpolate(v, wctx));
    const needs = [].concat(job.needs || []);
    const needsOk = needs.every((n) => (this.context.needs?.[n]?.result ?? "success") === "success");
    const jctx = { status: needsOk ? "success" : "failure", contexts: this.contexts({}) };
    if (!condition(job.if, jctx)) return { result: "skipped", outputs: {}, steps: [], summary: "" };
    for (const [k, v] of Object.entries(job.env || {})) this.jobEnv[k] = toText(interpolate(v, jctx));
    const { status, stepsCtx, records } = this.runSteps(job.steps || [], {
      env: {}, workingDirectory: job.defaults?.run?.["working-directory"], defaultShell: job.defaults?.run?.shell,
    });
    const octx = { status, contexts: this.contexts({ steps: stepsCtx }) };
    const outputs = {};
    for (const [k, v] of Object.entries(job.outputs || {})) outputs[k] = toText(interpolate(v, octx));
    return {
      result: status, outputs, steps: records, action_steps: this.compositeSteps || [],
      environment: typeof job.environment === "object" ? job.environment?.name : job.environment ?? null,
      summary: this.summary,
    };
  }
}

function main() {
  const args = {};
  for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
  for (const k of ["workflow", "job", "workspace", "context"])
    if (!args[k]) { console.error(`run-workflow: --${k} is required`); process.exit(2); }
  const workflow = YAML.parse(readFileSync(args.workflow, "utf8"));
  const context = JSON.parse(readFileSync(args.context, "utf8"));
  const runner = new Runner({ workspace: args.workspace, context, actionRoot: args["action-root"] || resolve(here, "../..") });
  let result;
  try {
    result = runner.job(workflow, args.job);
  } finally {
    rmSync(runner.temp, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(result, null, 2) + "\n");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
