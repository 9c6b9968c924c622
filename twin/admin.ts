// The admin API under /_twin/ (no auth, not ARM): health, reset, fixture, request log, faults, clock.
import type { Twin } from "./twin";
import type { RequestLog } from "./requestLog";
import type { Reply } from "./http";
import { addFault } from "./faults";
import { buildState, readFixture } from "./fixtures/load";
import { emptyState } from "./store";
import { iso } from "./clock";

export function loadFixture(twin: Twin, source: unknown): void {
  const fx = readFixture(source as string | object);
  twin.fixtureSource = source;
  const st = buildState(fx, twin.now());
  twin.replaceState(st);
}

export function routeAdmin(twin: Twin, log: RequestLog, method: string, path: string, query: URLSearchParams, body: unknown): Reply {
  const route = `${method} ${path.replace(/\/+$/, "")}`;
  const fail = (e: unknown): Reply => ({
    status: 400,
    body: { error: { code: "InvalidFixtureOrInput", message: e instanceof Error ? e.message : String(e) } },
  });
  switch (route) {
    case "GET /_twin/health":
      return {
        status: 200,
        body: {
          status: "ok",
          virtualTime: twin.clock.nowIso(),
          speed: twin.clock.speed,
          resources: Object.keys(twin.state.resources).length,
          jobs: Object.keys(twin.state.jobs).length,
        },
      };
    case "POST /_twin/reset":
      try {
        if (twin.fixtureSource !== undefined) loadFixture(twin, twin.fixtureSource);
        else twin.replaceState(emptyState(twin.now()));
        log.clear();
        return { status: 200, body: { status: "reset" } };
      } catch (e) {
        return fail(e);
      }
    case "POST /_twin/fixture":
      try {
        const b = body as { path?: unknown } | undefined;
        if (!b || typeof b !== "object") throw new Error('body must be a fixture object or {"path": "..."}');
        loadFixture(twin, typeof b.path === "string" && Object.keys(b).length === 1 ? b.path : b);
        return { status: 200, body: { status: "loaded", resources: Object.keys(twin.state.resources).length } };
      } catch (e) {
        return fail(e);
      }
    case "GET /_twin/requests":
      return { status: 200, body: { value: log.since(Number(query.get("since") ?? 0) || 0) } };
    case "DELETE /_twin/requests":
      log.clear();
      return { status: 200, body: { status: "cleared" } };
    case "POST /_twin/faults":
      try {
        return { status: 201, body: addFault(twin, body) };
      } catch (e) {
        return fail(e);
      }
    case "GET /_twin/faults":
      return { status: 200, body: { value: twin.state.faults } };
    case "DELETE /_twin/faults":
      twin.state.faults = [];
      twin.commit();
      return { status: 200, body: { status: "cleared" } };
    case "GET /_twin/clock":
      return { status: 200, body: { now: twin.clock.nowIso(), nowMs: twin.now(), speed: twin.clock.speed } };
    case "POST /_twin/clock": {
      const s = Number((body as { advanceSeconds?: unknown })?.advanceSeconds);
      if (!(s >= 0)) return fail(new Error("advanceSeconds must be a non-negative number"));
      twin.clock.advance(s * 1000);
      twin.tick();
      return { status: 200, body: { now: iso(twin.now()), speed: twin.clock.speed } };
    }
    case "GET /_twin/state":
      return { status: 200, body: twin.state };
    default:
      return { status: 404, body: { error: { code: "NotFound", message: `No admin route ${route}` } } };
  }
}
