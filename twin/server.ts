// HTTP front door: body limits, admin routes, fault injection, auth, api-version, JSON parsing,
// then ARM routing. Every failure becomes an ARM error body; nothing a client sends can crash it.
import * as http from "node:http";
import { randomUUID } from "node:crypto";
import type { Twin } from "./twin";
import { RequestLog, loggedBody } from "./requestLog";
import { ArmError, errorBody } from "./errors";
import { routeAdmin } from "./admin";
import { routeArm } from "./arm/router";
import { matchRequestFault } from "./faults";
import type { Reply } from "./http";

export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface ServerOptions {
  token: string;
  quiet?: boolean;
}

export function createTwinServer(twin: Twin, log: RequestLog, opts: ServerOptions): http.Server {
  const server = http.createServer((req, res) => {
    handle(twin, log, opts, req, res).catch((e) => {
      if (!opts.quiet) process.stderr.write(`twin: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
      if (!res.headersSent)
        send(res, { status: 500, body: { error: { code: "InternalServerError", message: "The twin hit an internal error." } } });
    });
  });
  server.keepAliveTimeout = 30_000;
  return server;
}

function readBody(req: http.IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on("end", () => resolve({ text: tooLarge ? "" : Buffer.concat(chunks).toString("utf8"), tooLarge }));
    req.on("error", reject);
  });
}

async function handle(
  twin: Twin,
  log: RequestLog,
  opts: ServerOptions,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const wallStart = Date.now();
  const method = (req.method ?? "GET").toUpperCase();
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const path = url.pathname;
  const baseUrl = `http://${req.headers.host ?? "127.0.0.1"}`;
  let logged: ReturnType<typeof loggedBody> = {};
  const record = (status: number, fault?: string) =>
    log.add({
      method,
      path,
      query: url.search,
      status,
      virtualTime: twin.clock.nowIso(),
      wallTime: new Date().toISOString(),
      durationMs: Date.now() - wallStart,
      fault,
      ...logged,
    });
  // A reply goes out once what the request changed is on disk (Twin.commit's group commit).
  const finish = async (reply: Reply, fault?: string) => {
    await twin.durable();
    send(res, reply);
    record(reply.status, fault);
  };

  const { text, tooLarge } = await readBody(req);
  if (tooLarge) {
    await finish({
      status: 413,
      body: { error: { code: "RequestEntityTooLarge", message: `The request body exceeds the maximum of ${MAX_BODY_BYTES} bytes.` } },
      headers: { Connection: "close" },
    });
    return;
  }
  let body: unknown;
  let bodyError = false;
  if (text.trim().length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      bodyError = true;
    }
  }

  if (!bodyError && (method === "PUT" || method === "POST" || method === "PATCH")) logged = loggedBody(body, opts.token);

  if (path === "/_twin" || path.startsWith("/_twin/")) {
    if (bodyError)
      return finish({ status: 400, body: { error: { code: "InvalidRequestContent", message: "The request body is not valid JSON." } } });
    twin.tick();
    // Admin calls are not logged: the log shows the ARM traffic under test.
    const adminReply = routeAdmin(twin, log, method, path, url.searchParams, body);
    await twin.durable();
    return send(res, adminReply);
  }

  const fault = matchRequestFault(twin, method, path);
  if (fault) {
    if (fault.kind === "latency") {
      await new Promise((r) => setTimeout(r, fault.ms ?? 0));
    } else if (fault.kind === "reset") {
      record(0, "reset");
      req.socket.destroy();
      return;
    } else {
      const status = Number(fault.kind);
      const code = status === 429 ? "TooManyRequests" : status === 503 ? "ServiceUnavailable" : "InternalServerError";
      const headers: Record<string, string> = status === 429 ? { "Retry-After": String(fault.retryAfter ?? 1) } : {};
      return finish({ status, body: { error: { code, message: `Injected fault (${fault.kind}).` } }, headers }, fault.kind);
    }
  }

  const auth = req.headers.authorization;
  if (!auth) {
    return finish({
      status: 401,
      body: { error: { code: "AuthenticationFailed", message: "Authentication failed. The 'Authorization' header is missing." } },
      headers: {
        "WWW-Authenticate":
          'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."',
      },
    });
  }
  const m = /^Bearer\s+(.+)$/i.exec(auth);
  if (!m || m[1].trim() !== opts.token) {
    return finish({
      status: 401,
      body: { error: { code: "InvalidAuthenticationToken", message: "The access token is invalid." } },
      headers: { "WWW-Authenticate": 'Bearer error="invalid_token", error_description="The access token is invalid."' },
    });
  }
  const apiVersion = url.searchParams.get("api-version");
  if (!apiVersion) {
    return finish({
      status: 400,
      body: {
        error: {
          code: "MissingApiVersionParameter",
          message: "The api-version query parameter (?api-version=) is required for all requests.",
        },
      },
    });
  }
  if (bodyError) {
    return finish({
      status: 400,
      body: {
        error: {
          code: "InvalidRequestContent",
          message: "The request content was invalid and could not be deserialized: the body is not valid JSON.",
        },
      },
    });
  }
  twin.tick();
  let reply: Reply;
  try {
    reply = routeArm(twin, { method, path, query: url.searchParams, apiVersion, body, baseUrl });
  } catch (e) {
    if (e instanceof ArmError) reply = { status: e.status, body: JSON.parse(errorBody(e.code, e.message)), headers: e.headers };
    else {
      if (!opts.quiet) process.stderr.write(`twin: internal error on ${method} ${path}: ${e instanceof Error ? e.stack : String(e)}\n`);
      reply = { status: 500, body: { error: { code: "InternalServerError", message: "The twin hit an internal error." } } };
    }
  }
  await finish(reply);
}

function send(res: http.ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = {
    "x-ms-request-id": randomUUID(),
    "x-ms-correlation-request-id": randomUUID(),
    ...(reply.headers ?? {}),
  };
  let payload = "";
  if (reply.body !== undefined && reply.status !== 204) {
    payload = JSON.stringify(reply.body);
    headers["Content-Type"] = "application/json; charset=utf-8";
  }
  headers["Content-Length"] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}
