import { createHttpHeaders, RestError, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { ArmClient, ArmError, retryAfterInMs } from "../../../components/asr/armClient";

type Reply = { status: number; headers?: Record<string, string>; body?: unknown } | { reset: true };

function fakeHttp(replies: Reply[]) {
  const seen: { method: string; url: string; auth?: string; body?: string }[] = [];
  const client: HttpClient = {
    async sendRequest(req: PipelineRequest): Promise<PipelineResponse> {
      seen.push({ method: req.method, url: req.url, auth: req.headers.get("authorization"), body: req.body as string | undefined });
      const r = replies.shift() ?? { status: 200, body: {} };
      if ("reset" in r) throw new RestError("socket hang up", { code: "ECONNRESET", request: req });
      return {
        request: req,
        status: r.status,
        headers: createHttpHeaders(r.headers ?? {}),
        bodyAsText: r.body === undefined ? "" : JSON.stringify(r.body),
      };
    },
  };
  return { client, seen };
}

function armClient(replies: Reply[], extra: Partial<ConstructorParameters<typeof ArmClient>[0]> = {}) {
  // The static-token mode reads its token from this variable at request time.
  process.env.FAILOVER_DRILL_TEST_TOKEN = "test-token";
  const http = fakeHttp(replies);
  const sleeps: number[] = [];
  const arm = new ArmClient({
    endpoint: "http://127.0.0.1:1",
    credentialMode: "staticToken",
    tokenVariable: "FAILOVER_DRILL_TEST_TOKEN",
    httpClient: http.client,
    sleep: async (ms) => void sleeps.push(ms),
    retryDelayInMs: 100,
    maxRetryDelayInMs: 1000,
    ...extra,
  });
  return { arm, seen: http.seen, sleeps };
}

const P = "/subscriptions/s/resourceGroups/r/providers/Microsoft.RecoveryServices/vaults/v/replicationRecoveryPlans/rp";

describe("retryAfterInMs", () => {
  it("reads retry-after-ms, x-ms-retry-after-ms, seconds, the doubled recording form and dates", () => {
    expect(retryAfterInMs({ "retry-after-ms": "250" })).toBe(250);
    expect(retryAfterInMs({ "x-ms-retry-after-ms": "40" })).toBe(40);
    expect(retryAfterInMs({ "retry-after": "30" })).toBe(30_000);
    expect(retryAfterInMs({ "retry-after": "30, 30" })).toBe(30_000);
    expect(retryAfterInMs({ "retry-after": new Date(10_000).toUTCString() }, 4_000)).toBe(6_000);
    expect(retryAfterInMs({})).toBeUndefined();
  });
});

describe("ArmClient", () => {
  it("honours Retry-After on 429, then succeeds", async () => {
    const { arm, seen, sleeps } = armClient([
      { status: 429, headers: { "retry-after": "7" } },
      { status: 200, body: { ok: 1 } },
    ]);
    const res = await arm.get(P, { "api-version": "x" });
    expect(res.body).toEqual({ ok: 1 });
    expect(seen).toHaveLength(2);
    expect(sleeps).toEqual([7000]);
  });

  it("retries 5xx and resets on GET with capped exponential backoff", async () => {
    const { arm, seen, sleeps } = armClient([{ status: 500 }, { reset: true }, { status: 503 }, { status: 200, body: {} }]);
    await arm.get(P);
    expect(seen).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
    expect(sleeps[0]).toBeGreaterThanOrEqual(80);
    expect(sleeps[2]).toBeLessThanOrEqual(1000);
  });

  it("gives up after maxRetries with an ArmError naming the request and code (never the token)", async () => {
    const { arm } = armClient(Array(10).fill({ status: 500, body: { error: { code: "InternalError", message: "boom" } } }), {
      maxRetries: 2,
    });
    const err = await arm.get(P).catch((e) => e);
    expect(err).toBeInstanceOf(ArmError);
    expect(err.message).toContain("InternalError");
    expect(err.message).toContain(P);
    expect(err.message).not.toContain("failover-drill-twin");
  });

  it("does not retry 4xx", async () => {
    const { arm, seen } = armClient([{ status: 404, body: { error: { code: "ResourceNotFound", message: "nope" } } }]);
    await expect(arm.get(P)).rejects.toThrow("ResourceNotFound");
    expect(seen).toHaveLength(1);
    const again = armClient([{ status: 404 }]);
    expect(await again.arm.tryGet(P)).toBeUndefined();
  });

  it("re-sends a POST refused with 429 without asking (the service did not accept it)", async () => {
    const confirm = jest.fn();
    const { arm, seen } = armClient([
      { status: 429, headers: { "retry-after": "1" } },
      { status: 202, headers: { "x-ms-request-id": `${P}/replicationJobs/j1` } },
    ]);
    const res = await arm.post(`${P}/testFailover`, {}, { confirmAccepted: confirm });
    expect(res.status).toBe(202);
    expect(confirm).not.toHaveBeenCalled();
    expect(seen.filter((s) => s.method === "POST")).toHaveLength(2);
  });

  it("does not repeat a POST after a reset when the service had accepted it", async () => {
    const { arm, seen } = armClient([{ reset: true }]);
    const res = await arm.post(`${P}/testFailover`, {}, { confirmAccepted: async () => ({ status: 202, headers: {}, body: undefined }) });
    expect(res.confirmedByRead).toBe(true);
    expect(seen.filter((s) => s.method === "POST")).toHaveLength(1);
  });

  it("repeats a POST after a 500 only when the check finds nothing accepted", async () => {
    const { arm, seen } = armClient([{ status: 500 }, { status: 202, headers: {} }]);
    const res = await arm.post(`${P}/testFailover`, {}, { confirmAccepted: async () => undefined });
    expect(res.status).toBe(202);
    expect(res.confirmedByRead).toBeUndefined();
    expect(seen.filter((s) => s.method === "POST")).toHaveLength(2);
  });

  it("refuses non-allowlisted requests before anything is sent", async () => {
    const { arm, seen } = armClient([]);
    await expect(arm.post(`${P}/plannedFailover`, {})).rejects.toThrow(/refused/);
    expect(seen).toHaveLength(0);
  });

  it("staticToken: sends the token of the named variable, read at request time, and keeps it off the client object", async () => {
    const { arm, seen } = armClient([
      { status: 200, body: {} },
      { status: 200, body: {} },
    ]);
    process.env.FAILOVER_DRILL_TEST_TOKEN = "first-token";
    await arm.get(P);
    process.env.FAILOVER_DRILL_TEST_TOKEN = "second-token";
    await arm.get(P);
    delete process.env.FAILOVER_DRILL_TEST_TOKEN;
    expect(seen.map((s) => s.auth)).toEqual(["Bearer first-token", "Bearer second-token"]);
    expect(JSON.stringify({ ...arm, pipeline: undefined, httpClient: undefined })).not.toContain("second-token");
  });

  it("staticToken: refuses before sending anything when the token variable is unset", async () => {
    const { arm, seen } = armClient([{ status: 200, body: {} }]);
    delete process.env.FAILOVER_DRILL_TEST_TOKEN;
    await expect(arm.get(P)).rejects.toThrow(/FAILOVER_DRILL_TEST_TOKEN \(arm.tokenVariable\).*empty or not set/);
    expect(seen).toHaveLength(0);
  });

  it("refuses an http endpoint with real credentials", () => {
    expect(() => new ArmClient({ endpoint: "http://example", credentialMode: "default" })).toThrow(/https/);
  });

  it("staticToken: refuses a non-loopback endpoint, over https too", () => {
    for (const endpoint of ["https://management.azure.com", "http://10.0.0.5:8443", "https://arm.contoso.example"]) {
      expect(() => new ArmClient({ endpoint, credentialMode: "staticToken", tokenVariable: "X" })).toThrow(/not a loopback URL/);
    }
    expect(() => new ArmClient({ endpoint: "https://localhost:8443", credentialMode: "staticToken", tokenVariable: "X" })).not.toThrow();
  });

  it("follows nextLink pages", async () => {
    const { arm, seen } = armClient([
      { status: 200, body: { value: [1, 2], nextLink: `http://127.0.0.1:1${P}?page=2` } },
      { status: 200, body: { value: [3], nextLink: null } },
    ]);
    expect(await arm.listAll(P)).toEqual([1, 2, 3]);
    expect(seen).toHaveLength(2);
  });

  it("counts requests per allowlist rule", async () => {
    const { arm } = armClient([{ status: 200, body: {} }, { status: 202 }]);
    await arm.get(P);
    await arm.post(`${P}/testFailover`, {});
    expect(arm.stats.byRule).toEqual({ "arm:read": 1, "asr:recoveryPlan:testFailover": 1 });
  });
});
