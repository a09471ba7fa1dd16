// A stand-in for the few GitHub REST endpoints the Action calls (GitHub itself cannot run here):
// a pull request's comments (list, create, update) and a run's deployment approvals. It keeps
// comments in memory, checks the token and the JSON bodies the way GitHub would reject them, and
// writes every request it served to a log the tests read.
//
//   node tests/ci/github-api-stub.mjs PORT_FILE LOG_FILE [APPROVER]
//
// Listens on 127.0.0.1 (a free port, written to PORT_FILE) and exits after 10 idle minutes.
import { createServer } from "node:http";
import { appendFileSync, writeFileSync } from "node:fs";

const [portFile, logFile, approver = "alice"] = process.argv.slice(2);
const comments = new Map(); // id -> {id, body, user}
// A comment a person posted that imitates the report's marker: the Action must leave it alone.
comments.set(1, { id: 1, body: "<!-- pgsafe:lint-report -->\nnot the report", user: { login: "mallory", type: "User" } });
let nextId = 1000;
let idle;
const resetIdle = () => {
  clearTimeout(idle);
  idle = setTimeout(() => process.exit(0), 10 * 60 * 1000);
};

function reply(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

const server = createServer((req, res) => {
  resetIdle();
  let raw = "";
  req.on("data", (c) => (raw += c));
  req.on("end", () => {
    const url = new URL(req.url, "http://stub");
    appendFileSync(logFile, JSON.stringify({ method: req.method, path: url.pathname, query: url.search, body: raw }) + "\n");
    if (req.headers.authorization !== "Bearer ghs_test_token") return reply(res, 401, { message: "Bad credentials" });
    let m;
    if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname))) {
      if (req.method === "GET") {
        const page = Number(url.searchParams.get("page") || "1");
        const per = Number(url.searchParams.get("per_page") || "30");
        const all = [...comments.values()];
        return reply(res, 200, all.slice((page - 1) * per, page * per));
      }
      if (req.method === "POST") {
        const body = JSON.parse(raw).body;
        if (typeof body !== "string" || body.length > 65536) return reply(res, 422, { message: "Validation Failed" });
        const c = { id: nextId++, body, user: { login: "github-actions[bot]", type: "Bot" } };
        comments.set(c.id, c);
        return reply(res, 201, c);
      }
    }
    if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname)) && req.method === "PATCH") {
      const c = comments.get(Number(m[1]));
      if (!c) return reply(res, 404, { message: "Not Found" });
      const body = JSON.parse(raw).body;
      if (typeof body !== "string" || body.length > 65536) return reply(res, 422, { message: "Validation Failed" });
      c.body = body;
      return reply(res, 200, c);
    }
    if (/^\/repos\/[^/]+\/[^/]+\/actions\/runs\/\d+\/approvals$/.test(url.pathname) && req.method === "GET")
      return reply(res, 200, [
        { state: "rejected", user: { login: "mallory" }, environments: [{ name: "production" }] },
        { state: "approved", user: { login: approver }, environments: [{ name: "production" }] },
      ]);
    return reply(res, 404, { message: "Not Found" });
  });
});
server.listen(0, "127.0.0.1", () => {
  writeFileSync(portFile, String(server.address().port));
  resetIdle();
});
