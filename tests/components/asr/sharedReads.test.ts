// Reads shared by the TestFailovers of one provider process (components/asr/sharedReads.ts): a caller gets
// a read that started at or after its `since`, never an older one; a failed read is not kept.
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { SiteRecoveryDrillClient } from "../../../components/asr/asrClient";
import { sharedRead } from "../../../components/asr/sharedReads";

describe("sharedRead", () => {
  it("shares a read that started at or after `since`, and starts a new one for a later `since`", async () => {
    let clock = 1_000;
    const now = () => clock;
    let reads = 0;
    const read = async () => ++reads;
    const key = `k-${Math.random()}`;
    const first = sharedRead(key, { since: 900 }, read, now);
    clock = 1_500;
    // Started at 1,000 ≥ 900 (and ≥ 1,000): shared, in flight or done.
    expect(await sharedRead(key, { since: 900 }, read, now)).toBe(1);
    expect(await sharedRead(key, { since: 1_000 }, read, now)).toBe(1);
    expect(await first).toBe(1);
    // Asked to be fresher than it: a read of its own.
    expect(await sharedRead(key, { since: 1_200 }, read, now)).toBe(2);
    // No `since`: now, so never an earlier read.
    clock = 2_000;
    expect(await sharedRead(key, {}, read, now)).toBe(3);
    expect(reads).toBe(3);
  });

  it("with inFlightOnly, joins a read under way but never a finished one", async () => {
    const key = `k-${Math.random()}`;
    let reads = 0;
    let release: () => void = () => undefined;
    const slow = () => new Promise<number>((r) => (release = () => r(++reads)));
    const a = sharedRead(key, { since: 0 }, slow);
    const b = sharedRead(key, { since: 0, inFlightOnly: true }, slow);
    release();
    expect([await a, await b]).toEqual([1, 1]);
    // Finished now: a sibling that starts later reads anew; a plain `since` caller may still share it.
    const c = sharedRead(key, { since: 0, inFlightOnly: true }, slow);
    release();
    expect(await c).toBe(2);
    expect(await sharedRead(key, { since: 0 }, slow)).toBe(1);
  });

  it("forgets a failed read, so the next caller reads again", async () => {
    const key = `k-${Math.random()}`;
    let n = 0;
    const flaky = async () => {
      if (++n === 1) throw new Error("503");
      return n;
    };
    await expect(sharedRead(key, { since: 0 }, flaky)).rejects.toThrow("503");
    expect(await sharedRead(key, { since: 0 }, flaky)).toBe(2);
  });
});

describe("SiteRecoveryDrillClient's shared lists", () => {
  const VAULT = { subscriptionId: "s", resourceGroup: "rg", name: "v" };
  function twoClients() {
    process.env.SHARED_READS_TEST_TOKEN = "t";
    const urls: string[] = [];
    const http: HttpClient = {
      async sendRequest(req: PipelineRequest): Promise<PipelineResponse> {
        urls.push(req.url);
        await new Promise((r) => setTimeout(r, 20));
        const body = {
          value: [
            {
              id: "/subscriptions/s/resourceGroups/rec/providers/Microsoft.Compute/virtualMachines/app01-test",
              name: "app01-test",
              properties: { instanceView: {} },
            },
          ],
        };
        return { request: req, status: 200, headers: createHttpHeaders({}), bodyAsText: JSON.stringify(body) };
      },
    };
    // One connection (same endpoint, credential, vault and transport): two TestFailovers of one process.
    const options = {
      endpoint: "http://127.0.0.1:1",
      credentialMode: "staticToken" as const,
      tokenVariable: "SHARED_READS_TEST_TOKEN",
      httpClient: http,
    };
    return { a: new SiteRecoveryDrillClient(VAULT, options), b: new SiteRecoveryDrillClient(VAULT, options), urls };
  }

  it("two plans verifying after the same poll read the recovery group's VMs once; without `since` each reads its own", async () => {
    const { a, b, urls } = twoClients();
    const seen = Date.now();
    const [va, vb] = await Promise.all([
      a.virtualMachinesIn("s", "rec", ["app01-test"], { since: seen }),
      b.virtualMachinesIn("s", "rec", ["app01-test"], { since: seen }),
    ]);
    expect(va.map((v) => v.name)).toEqual(["app01-test"]);
    expect(vb.map((v) => v.name)).toEqual(["app01-test"]);
    // Each caller has its own array: filtering one does not change the other's.
    expect(va).not.toBe(vb);
    expect(urls.filter((u) => /virtualMachines\?/.test(u))).toHaveLength(1);
    await Promise.all([a.virtualMachinesIn("s", "rec", ["app01-test"]), b.virtualMachinesIn("s", "rec", ["app01-test"])]);
    expect(urls.filter((u) => /virtualMachines\?/.test(u))).toHaveLength(3);
  });

  it("a read sent before the poll that saw a job end is not shared with that job's verification", async () => {
    const { a, b, urls } = twoClients();
    const early = a.listNetworkInterfaces("s", "rec", { since: Date.now() });
    await new Promise((r) => setTimeout(r, 5));
    const seenLater = Date.now();
    await Promise.all([early, b.listNetworkInterfaces("s", "rec", { since: seenLater })]);
    expect(urls.filter((u) => /networkInterfaces\?/.test(u))).toHaveLength(2);
  });
});
