#!/usr/bin/env python3
"""A stand-in for Dokploy's HTTP API, for swarmform's tests.

Why not the real Dokploy: Dokploy runs as a set of containers (Next.js app,
PostgreSQL, Redis, Traefik) whose images come from Docker Hub / GHCR, a
registry these test machines cannot reach; so the tests talk to this server
instead.  It implements exactly the procedures swarmform calls, as Dokploy
serves them (Dokploy/dokploy, apps/dokploy/pages/api/[...trpc].ts with
@dokploy/trpc-openapi; routers under apps/dokploy/server/api/routers/):

  GET  /api/project.all                         (router project.ts, `all`)
  GET  /api/application.one?applicationId=ID    (router application.ts, `one`)
  POST /api/application.update   JSON body      (`update`, apiUpdateApplication)
  GET  /api/compose.one?composeId=ID            (router compose.ts, `one`)

and, like Dokploy: the `x-api-key` header checked before any procedure (401
{"message":"Unauthorized"}), 404 NOT_FOUND for an unknown application,
cpuLimit/memoryLimit/cpuReservation/memoryReservation as text (a JSON number
there is a 400, as zod's z.string() refuses it), replicas an integer,
placementSwarm JSON; project.all lists only {applicationId, name,
applicationStatus} per application (project.ts at commit 010a6e2a).

Real HTTPS on 127.0.0.1 (Python's ssl with a certificate the test makes
with a test CA), so the client's TLS, CA file and http/https rules are
exercised as against a real Dokploy.  Python's http.server + ssl was chosen
over a C++ server: the standard library gives a faithful HTTP/1.1 + TLS
server in a page, starts in well under a second, and keeps test code out of
the product's build.

Every request is appended to --log as one JSON line (method, path, query,
whether the key matched, the body), the key itself never, so tests can
assert what apply wrote.  --fail-update answers application.update with 500
(a Dokploy that cannot write its database).

State: --state FILE, JSON {"applications": [...rows...], "compose": [...]}.
"""
import argparse
import json
import os
import ssl
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RESOURCE_FIELDS = ("cpuLimit", "memoryLimit", "cpuReservation", "memoryReservation")


class State:
    def __init__(self, path):
        with open(path) as f:
            doc = json.load(f)
        self.lock = threading.Lock()
        self.applications = {a["applicationId"]: a for a in doc.get("applications", [])}
        self.compose = {c["composeId"]: c for c in doc.get("compose", [])}


def make_handler(state, key, log_path, fail_update):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # quiet: the test reads --log
            pass

        def answer(self, status, doc):
            data = json.dumps(doc).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def record(self, body, key_ok):
            url = urllib.parse.urlsplit(self.path)
            entry = {"method": self.command, "path": url.path,
                     "query": dict(urllib.parse.parse_qsl(url.query)),
                     "key_ok": key_ok, "body": body}
            with state.lock, open(log_path, "a") as f:
                f.write(json.dumps(entry) + "\n")

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = None
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode(errors="replace")
            key_ok = self.headers.get("x-api-key") == key
            self.record(body, key_ok)
            if not key_ok:
                return self.answer(401, {"message": "Unauthorized"})
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            route = (self.command, url.path)
            if route == ("GET", "/api/project.all"):
                return self.project_all()
            if route == ("GET", "/api/application.one"):
                return self.application_one(query.get("applicationId", ""))
            if route == ("POST", "/api/application.update"):
                return self.application_update(body)
            if route == ("GET", "/api/compose.one"):
                return self.compose_one(query.get("composeId", ""))
            return self.answer(404, {"message": "Not found", "code": "NOT_FOUND"})

        do_GET = handle_any
        do_POST = handle_any

        def project_all(self):
            with state.lock:
                apps = [{"applicationId": a["applicationId"], "name": a.get("name", a["appName"]),
                         "applicationStatus": a.get("applicationStatus", "done")}
                        for a in state.applications.values()]
                comps = [{"composeId": c["composeId"], "name": c.get("name", c["appName"]),
                          "composeStatus": c.get("composeStatus", "done")}
                         for c in state.compose.values()]
            project = {"projectId": "proj-1", "name": "stand-in", "description": None,
                       "environments": [{"environmentId": "env-1", "name": "production", "isDefault": True,
                                         "applications": apps, "compose": comps, "mariadb": [], "mongo": [],
                                         "mysql": [], "postgres": [], "redis": [], "libsql": []}],
                       "projectTags": []}
            return self.answer(200, [project])

        def application_one(self, application_id):
            with state.lock:
                app = state.applications.get(application_id)
                app = dict(app) if app else None
            if app is None:
                return self.answer(404, {"message": "Application not found", "code": "NOT_FOUND"})
            app.setdefault("replicas", 1)
            app.setdefault("placementSwarm", None)
            for f in RESOURCE_FIELDS:
                app.setdefault(f, None)
            app["hasGitProviderAccess"] = True
            app["unauthorizedProvider"] = None
            return self.answer(200, app)

        def application_update(self, body):
            if not isinstance(body, dict) or not isinstance(body.get("applicationId"), str) \
                    or not body["applicationId"]:
                return self.answer(400, {"message": "applicationId: Required", "code": "BAD_REQUEST"})
            for f in RESOURCE_FIELDS:
                if f in body and body[f] is not None and not isinstance(body[f], str):
                    return self.answer(400, {"message": f + ": Expected string, received number",
                                             "code": "BAD_REQUEST"})
            if "replicas" in body and not isinstance(body["replicas"], int):
                return self.answer(400, {"message": "replicas: Expected number", "code": "BAD_REQUEST"})
            if "serverId" in body:  # apiUpdateApplication omits serverId
                return self.answer(400, {"message": "Unrecognized key: serverId", "code": "BAD_REQUEST"})
            if fail_update:
                return self.answer(500, {"message": "Error updating the application",
                                         "code": "INTERNAL_SERVER_ERROR"})
            with state.lock:
                app = state.applications.get(body["applicationId"])
                if app is None:
                    return self.answer(404, {"message": "Application not found", "code": "NOT_FOUND"})
                for k, v in body.items():
                    if k != "applicationId":
                        app[k] = v
            return self.answer(200, True)

        def compose_one(self, compose_id):
            with state.lock:
                comp = state.compose.get(compose_id)
                comp = dict(comp) if comp else None
            if comp is None:
                return self.answer(404, {"message": "Compose not found", "code": "NOT_FOUND"})
            comp.setdefault("composePath", "./docker-compose.yml")
            comp.setdefault("composeType", "stack")
            return self.answer(200, comp)

    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--state", required=True)
    p.add_argument("--key-file", required=True, help="file holding the API key the server accepts")
    p.add_argument("--cert", required=True)
    p.add_argument("--cert-key", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--fail-update", action="store_true")
    p.add_argument("--plain-http", action="store_true", help="serve http (for the http-only-on-127.0.0.1 rule)")
    args = p.parse_args()
    with open(args.key_file) as f:
        key = f.read().strip()
    state = State(args.state)
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state, key, args.log, args.fail_update))
    if not args.plain_http:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.cert_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
