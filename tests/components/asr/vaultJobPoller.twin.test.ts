// One job poller per vault in the provider process: concurrent TestFailovers on one vault (here four
// item-scope ones, as a drill with a DC copy and several plans has) share one job read per poll interval,
// and the reads they start with.
import * as provider from "../../../components/asr/provider";
import { createTestNetwork, itemInputs, requestLog, RunningTwin, startContosoTwin } from "./twinHarness";

const d = describe;
jest.setTimeout(180_000);

type Logged = { method: string; path: string; status: number; wallTime: string };
const INTERVAL_SECONDS = 1;
const isJobRead = (r: Logged) => r.method === "GET" && /\/replicationJobs(\/[^/]+)?$/i.test(r.path);

d("the vault's shared job poller", () => {
  let twin: RunningTwin | undefined;
  afterEach(async () => {
    await twin?.stop();
    twin = undefined;
  });

  it("four concurrent test failovers on one vault make one job-list read per interval, not one per test failover", async () => {
    // Speed 30: a ~70 s item test failover lasts ~2.3 wall seconds, a few polls at 1 s.
    twin = await startContosoTwin(30);
    const net = await createTestNetwork(twin);
    const names = ["DC01", "SQL01", "APP01", "WEB01"];
    const inputs = await Promise.all(
      names.map((n) =>
        itemInputs(twin!, [n], net, {
          recoveryPointType: "Latest",
          timeouts: { testFailoverMinutes: 5, cleanupMinutes: 5, pollIntervalSeconds: INTERVAL_SECONDS },
        }),
      ),
    );
    const mark = (await requestLog(twin)).length;
    // The poll interval comes from the inputs (timeouts.pollIntervalSeconds), not from a test override.
    const quiet = { log: () => undefined, clientOptions: { retryDelayInMs: 20, maxRetryDelayInMs: 200 } };
    const results = await Promise.all(inputs.map((i) => provider.create(i as never, quiet)));
    expect(results.map((r) => r.outs.verdict)).toEqual(["passed", "passed", "passed", "passed"]);
    const log = (await requestLog(twin)).slice(mark) as Logged[];
    // Their start-of-create reads are shared too (sharedReads.ts): a create joins the test-network GET and
    // the recent-jobs list a sibling has under way, so the four make fewer than four of each.
    const firstPost = log.findIndex((r) => r.method === "POST");
    const before = log.slice(0, firstPost);
    const vnetReads = before.filter((r) => r.method === "GET" && r.path === net.id).length;
    const jobLists = before.filter((r) => r.method === "GET" && /\/replicationJobs$/i.test(r.path)).length;
    expect(vnetReads).toBeGreaterThanOrEqual(1);
    expect(jobLists).toBeGreaterThanOrEqual(1);
    expect(vnetReads + jobLists).toBeLessThan(2 * names.length);
    const lastPost = log.map((r, i) => (r.method === "POST" && /\/testFailover$/i.test(r.path) ? i : -1)).reduce((a, b) => Math.max(a, b));
    const polls = log.slice(lastPost + 1).filter(isJobRead);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    // While several jobs are followed the poll is the vault's job list; never two job reads in one interval.
    expect(polls.filter((r) => /\/replicationJobs$/i.test(r.path)).length).toBeGreaterThanOrEqual(1);
    const times = polls.map((r) => Date.parse(r.wallTime));
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(INTERVAL_SECONDS * 1000 * 0.8);
    await Promise.all(results.map((r) => provider.delete(r.id, r.outs as never, quiet)));
  });
});
