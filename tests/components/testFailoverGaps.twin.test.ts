// TestFailover provider against the twin: costs and choices the first version left open —
// VM verification by list calls only, an unhealthy item refused before any POST, the recovery point
// chosen for item scope, and one job poll per interval for many items.
import * as provider from "../../components/asr/provider";
import {
  ASR,
  deps,
  startContosoTwin,
  http,
  item,
  itemInputs,
  requestLog,
  RunningTwin,
  createTestNetwork,
  VAULT_PATH,
} from "./asr/twinHarness";

const d = describe;
jest.setTimeout(180_000);

type Logged = { method: string; path: string; query?: string; status: number; body?: unknown };

const drill = (log: Logged[]) => log.filter((r) => !r.path.startsWith("/_twin"));
const posts = (log: Logged[], suffix: RegExp) => drill(log).filter((r) => r.method === "POST" && suffix.test(r.path));

const startTwin = (edit?: (fixture: any) => void): Promise<RunningTwin> => startContosoTwin(300, edit);

async function jobsOf(twin: RunningTwin, scenario: string): Promise<any[]> {
  return (await http(twin, "GET", `${VAULT_PATH}/replicationJobs?${ASR}`)).body.value.filter(
    (j: any) => j.properties.scenarioName === scenario,
  );
}

d("TestFailover provider gaps against the twin", () => {
  let twin: RunningTwin | undefined;
  afterEach(async () => {
    await twin?.stop();
    twin = undefined;
  });

  it("verification reads VMs by list with $expand=instanceView: no per-VM instance view GETs", async () => {
    twin = await startTwin();
    const net = await createTestNetwork(twin);
    const inputs = await itemInputs(twin, ["DC01", "SQL01", "APP01", "WEB01"], net, { recoveryPointType: "Latest" });
    const mark = (await requestLog(twin)).length;
    const lines: string[] = [];
    const { id, outs } = await provider.create(inputs as never, deps(lines));
    expect(outs.verdict).toBe("passed");
    expect(outs.testVms.every((v) => v.powerState === "running")).toBe(true);
    const log = drill((await requestLog(twin)).slice(mark) as Logged[]);
    const perVm = log.filter((r) => r.method === "GET" && /\/virtualMachines\/[^/]+(\/instanceView)?$/i.test(r.path));
    expect(perVm).toEqual([]);
    const lists = log.filter((r) => r.method === "GET" && /\/virtualMachines$/i.test(r.path));
    expect(lists.length).toBeGreaterThanOrEqual(1);
    for (const l of lists) expect(decodeURIComponent(l.query ?? "")).toMatch(/\$expand=instanceView/);
    expect(lines.join("\n")).not.toMatch(/instance view\(s\) one by one/);
    await provider.delete(id, outs as never, deps());
  });

  it("an unhealthy item (fixture flag: 161003 target network not configured) is refused in preflight, before any POST", async () => {
    twin = await startTwin((fx) => (fx.items = fx.items.map((i: any) => (i.name === "APP01" ? { ...i, unhealthy: true } : i))));
    const net = await createTestNetwork(twin);
    const app = await item(twin, "APP01");
    expect(app.properties.failoverHealth).toBe("Critical");
    const inputs = await itemInputs(twin, ["APP01"], net);
    const mark = (await requestLog(twin)).length;
    const err = await provider.create(inputs as never, deps()).then(
      () => undefined,
      (e) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/preflight refused/);
    expect(err.message).toContain("161003");
    expect(err.message).toContain("Target network settings are not configured for virtual machine 'APP01'.");
    expect(err.id).toBeUndefined(); // nothing started, nothing recorded
    const log = (await requestLog(twin)).slice(mark) as Logged[];
    expect(drill(log).filter((r) => r.method !== "GET")).toEqual([]);
    expect(posts(log, /\/testFailover$/i)).toHaveLength(0);
  });

  it("DC copy (LatestApplicationConsistent): fails over to the newest application-consistent point the item lists", async () => {
    twin = await startTwin();
    // Points come every 15 virtual minutes, application-consistent ones on the hour: move the virtual
    // clock to half past so the newest point is crash-consistent whatever the wall clock says.
    const now = Date.parse((await http(twin, "GET", "/_twin/clock")).body.now);
    const toHalfPast = (((30 * 60_000 - (now % 3_600_000)) % 3_600_000) + 3_600_000) % 3_600_000;
    await http(twin, "POST", "/_twin/clock", { advanceSeconds: Math.ceil(toHalfPast / 1000) + 60 });
    const net = await createTestNetwork(twin);
    const dc = await item(twin, "DC01");
    const inputs = await itemInputs(twin, ["DC01"], net, { role: "directory-copy", recoveryPointType: "LatestApplicationConsistent" });
    const mark = (await requestLog(twin)).length;
    const { id, outs } = await provider.create(inputs as never, deps());
    expect(outs.verdict).toBe("passed");
    const points = (await http(twin, "GET", `${dc.id}/recoveryPoints?${ASR}`)).body.value;
    const appConsistent = points.filter((p: any) => p.properties.recoveryPointType === "ApplicationConsistent");
    expect(appConsistent.length).toBeGreaterThan(1);
    expect(points.some((p: any) => p.properties.recoveryPointType === "CrashConsistent")).toBe(true);
    const newest = appConsistent.sort(
      (a: any, b: any) => Date.parse(b.properties.recoveryPointTime) - Date.parse(a.properties.recoveryPointTime),
    )[0];
    // The newest point of all is crash-consistent: the choice really is by type.
    const newestAny = [...points].sort(
      (a: any, b: any) => Date.parse(b.properties.recoveryPointTime) - Date.parse(a.properties.recoveryPointTime),
    )[0];
    expect(newestAny.properties.recoveryPointType).toBe("CrashConsistent");

    const log = (await requestLog(twin)).slice(mark) as Logged[];
    expect(drill(log).some((r) => r.method === "GET" && /\/recoveryPoints$/i.test(r.path))).toBe(true);
    const post = posts(log, /\/testFailover$/i)[0];
    expect((post.body as any).properties.providerSpecificDetails).toEqual({
      instanceType: "HyperVReplicaAzure",
      recoveryPointId: newest.id,
    });
    const [job] = await jobsOf(twin, "TestFailover");
    expect(job.properties.customDetails.protectedItemDetails[0]).toMatchObject({
      recoveryPointId: newest.name,
      recoveryPointTime: newest.properties.recoveryPointTime,
    });
    expect((await item(twin, "DC01")).properties.failoverRecoveryPointId).toBe(newest.id);
    await provider.delete(id, outs as never, deps());
  });

  it("Latest: no recovery point list, no recoveryPointId in the body", async () => {
    twin = await startTwin();
    const net = await createTestNetwork(twin);
    const inputs = await itemInputs(twin, ["APP01"], net, { recoveryPointType: "Latest" });
    const mark = (await requestLog(twin)).length;
    const { id, outs } = await provider.create(inputs as never, deps());
    expect(outs.verdict).toBe("passed");
    const log = (await requestLog(twin)).slice(mark) as Logged[];
    expect(drill(log).some((r) => /\/recoveryPoints$/i.test(r.path))).toBe(false);
    const body = posts(log, /\/testFailover$/i)[0].body as any;
    expect(body.properties.providerSpecificDetails).toEqual({ instanceType: "HyperVReplicaAzure" });
    expect("recoveryPointId" in body.properties.providerSpecificDetails).toBe(false);
    await provider.delete(id, outs as never, deps());
  });

  it("protected-item scope with N items: one job poll per interval (a job-list read), create and delete", async () => {
    twin = await startTwin();
    const net = await createTestNetwork(twin);
    const names = ["DC01", "SQL01", "APP01", "WEB01"];
    const inputs = await itemInputs(twin, names, net, { recoveryPointType: "Latest" });
    const t = twin;
    // Each sleep is one polling interval: count the job reads sent between two sleeps.
    const perInterval: number[] = [];
    let seen = (await requestLog(t)).length;
    const jobReads = (log: Logged[]) => drill(log).filter((r) => r.method === "GET" && /\/replicationJobs(\/[^/]+)?$/i.test(r.path)).length;
    const sleep = async (ms: number) => {
      const log = (await requestLog(t)) as Logged[];
      perInterval.push(jobReads(log.slice(seen)));
      seen = log.length;
      await new Promise((r) => setTimeout(r, Math.min(ms, 300)));
    };
    const d2 = { ...deps(), clientOptions: { ...deps().clientOptions, sleep } };
    const mark = (await requestLog(t)).length;
    const { id, outs } = await provider.create(inputs as never, d2);
    expect(outs.verdict).toBe("passed");
    expect(outs.jobIds).toHaveLength(names.length);
    // create and delete are separate engine calls (hours apart in a real drill): each reads the vault's
    // job list once to decide phases, so the interval is closed between them.
    await sleep(0);
    await provider.delete(id, outs as never, d2);
    const log = (await requestLog(t)).slice(mark) as Logged[];
    perInterval.push(jobReads(log.slice(seen - mark)));
    expect(Math.max(...perInterval)).toBe(1);
    // Following is by list: no per-job GETs at all.
    expect(drill(log).filter((r) => r.method === "GET" && /\/replicationJobs\/[^/]+$/i.test(r.path))).toEqual([]);
    expect(drill(log).filter((r) => r.method === "GET" && /\/replicationJobs$/i.test(r.path)).length).toBeGreaterThanOrEqual(2);
  });

  it("waits between reads as the service's Retry-After says, not the 30 s default, also while following the cleanup", async () => {
    twin = await startTwin();
    const net = await createTestNetwork(twin);
    const inputs = await itemInputs(twin, ["DC01"], net, { recoveryPointType: "Latest" });
    // The provider's real default (30 s, what ASR advertises) with sleeps recorded, not waited out.
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      await new Promise((r) => setTimeout(r, Math.min(ms, 300)));
    };
    const d2 = { ...deps(), clientOptions: { ...deps().clientOptions, pollIntervalInMs: 30_000, sleep } };
    const { id, outs } = await provider.create(inputs as never, d2);
    const createSleeps = sleeps.length;
    await provider.delete(id, outs as never, d2);
    // The twin at speed 300 advertises Retry-After: 1 (30 virtual seconds). Delete follows the cleanup
    // job (never the item's MarkedForDeletion, which stays): every wait follows the advertised interval.
    expect(sleeps.length).toBeGreaterThan(createSleeps);
    expect(sleeps.filter((ms) => ms >= 30_000)).toEqual([]);
  });
});
