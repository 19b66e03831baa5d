// A stand-in for the two GitLab APIs the pipeline's Terraform jobs use, with GitLab's rules for who
// may do what, so that .ci/gitlab/stack can be run against them offline:
//
//   GET  /api/v4/user                                   the token's user (PRIVATE-TOKEN header)
//   GET  /api/v4/projects/:project/terraform/state/:name        Developer or more
//   POST /api/v4/projects/:project/terraform/state/:name        Maintainer (write)
//   POST/DELETE /api/v4/projects/:project/terraform/state/:name/lock   Maintainer (lock, unlock)
//
// GitLab's rules (doc/user/infrastructure/iac/terraform_state.md, lib/api/terraform/state.rb):
// reading a state needs the Developer role, writing and locking it Maintainer; a job token carries
// the role of the user who started the job. Users and their roles per project come from the
// USERS environment variable (JSON: {"<token>": {"username": "...", "roles": {"<project>": "developer"}}});
// a project without an entry is one the user has no role in (404, as GitLab answers).
//
// Prints "listening <port>" when ready, and appends one JSON line per request to the file
// REQUEST_LOG: {"method","path","username","status"}.
import * as fs from "node:fs";
import * as http from "node:http";

const users = JSON.parse(process.env.USERS ?? "{}");
const LEVEL = { guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 };
const states = new Map();
const locks = new Map();

function userOf(req) {
  const token = req.headers["private-token"];
  if (token) return users[token];
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "");
  if (!basic) return undefined;
  const [, password] = /^[^:]*:(.*)$/.exec(Buffer.from(basic[1], "base64").toString("utf8")) ?? [];
  return users[password];
}

const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    const user = userOf(req);
    const reply = (status, payload) => {
      fs.appendFileSync(process.env.REQUEST_LOG, `${JSON.stringify({ method: req.method, path: req.url, username: user?.username ?? null, status })}\n`);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(payload === undefined ? "" : typeof payload === "string" ? payload : JSON.stringify(payload));
    };
    if (!user) return reply(401, { message: "401 Unauthorized" });
    if (req.method === "GET" && req.url === "/api/v4/user") return reply(200, { id: 7, username: user.username, bot: user.bot ?? false });

    const match = /^\/api\/v4\/projects\/([^/]+)\/terraform\/state\/([^/?]+)(\/lock)?(\?.*)?$/.exec(req.url ?? "");
    if (!match) return reply(404, { message: "404 Not Found" });
    const [, project, name, lock] = match;
    const level = LEVEL[user.roles?.[decodeURIComponent(project)]] ?? 0;
    if (level < LEVEL.developer) return reply(404, { message: "404 Project Not Found" });
    const key = `${decodeURIComponent(project)}/${name}`;
    if (req.method === "GET" && !lock) return states.has(key) ? reply(200, states.get(key)) : reply(404, { message: "404 Not Found" });
    if (level < LEVEL.maintainer) return reply(403, { message: "403 Forbidden" });
    if (lock && req.method === "POST") {
      if (locks.has(key)) return reply(409, locks.get(key));
      locks.set(key, body);
      return reply(200);
    }
    if (lock && req.method === "DELETE") {
      locks.delete(key);
      return reply(200);
    }
    if (req.method === "POST") {
      states.set(key, body);
      return reply(200);
    }
    return reply(405, { message: "405 Method Not Allowed" });
  });
});

server.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${server.address().port}\n`));
