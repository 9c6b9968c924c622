// In-guest checks against the twin: several test VMs at once (timeouts.inGuestConcurrency), progress lines
// while they run, and each VM's verifiedAt = the end of its last Run Command as the service reports it.
import * as provider from "../../../components/asr/provider";
import { createTestNetwork, deps, itemInputs, requestLog, RunningTwin, startContosoTwin } from "./twinHarness";

const d = describe;
jest.setTimeout(180_000);

type Logged = { method: string; path: string; status: number; virtualTime: string };
const NAMES = ["DC01", "SQL01", "APP01", "WEB01"];
/** The twin's Run Command takes 25 virtual seconds (twin/arm/compute.ts). */
const RUN_COMMAND_SECONDS = 25;

async function drill(twin: RunningTwin, concurrency: number) {
  const net = await createTestNetwork(twin);
  const inputs = await itemInputs(twin, NAMES, net, {
    recoveryPointType: "Latest",
    timeouts: { testFailoverMinutes: 5, cleanupMinutes: 5, inGuestConcurrency: concurrency },
    expected: NAMES.map((n) => ({
      friendlyName: n,
      inGuestChecks: [{ name: "hostname", commandId: "RunPowerShellScript", script: ["hostname"], expectOutputContains: n }],
    })),
  });
  const lines: string[] = [];
  const mark = (await requestLog(twin)).length;
  const { id, outs } = await provider.create(inputs as never, { ...deps(lines), verify: { progressEveryInMs: 100 } });
  const log = (await requestLog(twin)).slice(mark) as Logged[];
  const posts = log
    .filter((r) => r.method === "POST" && /\/runCommand$/i.test(r.path))
    .map((r) => Date.parse(r.virtualTime))
    .sort((a, b) => a - b);
  return { id, outs, lines, posts };
}

d("in-guest checks on the twin", () => {
  let twin: RunningTwin | undefined;
  afterEach(async () => {
    await twin?.stop();
    twin = undefined;
  });

  it("runs two VMs' Run Commands at once with inGuestConcurrency 2, prints progress, records verifiedAt from the service", async () => {
    twin = await startContosoTwin(300);
    const { id, outs, lines, posts } = await drill(twin, 2);
    expect(outs.verdict).toBe("passed");
    expect(posts).toHaveLength(4);
    // Two started together; the third only once one of them had ended (25 virtual seconds later).
    expect(posts[1] - posts[0]).toBeLessThan(RUN_COMMAND_SECONDS * 1000);
    expect(posts[2] - posts[0]).toBeGreaterThanOrEqual(RUN_COMMAND_SECONDS * 1000);
    const text = lines.join("\n");
    expect(text).toContain("in-guest checks of 4 test VM(s), up to 2 at once");
    expect(text).toMatch(/in-guest checks: [0-3]\/4 done, 0 failed/);
    expect(text).toContain("in-guest checks: 4/4 done, 0 failed");
    for (const vm of outs.testVms) {
      // The end of the VM's Run Command in the twin's (virtual) clock: after it was running, 25 s after a POST.
      expect(vm.verifiedAt).toBeDefined();
      expect(Date.parse(vm.verifiedAt!)).toBeGreaterThan(Date.parse(vm.runningAt!));
      const post = posts.filter((p) => p <= Date.parse(vm.verifiedAt!)).pop()!;
      expect(Math.abs(Date.parse(vm.verifiedAt!) - (post + RUN_COMMAND_SECONDS * 1000))).toBeLessThan(RUN_COMMAND_SECONDS * 1000);
    }
    await provider.delete(id, outs as never, deps());
  });

  it("inGuestConcurrency 1 runs them one after another; a failed check leaves that VM without verifiedAt", async () => {
    twin = await startContosoTwin(300);
    const net = await createTestNetwork(twin);
    const inputs = await itemInputs(twin, ["DC01", "WEB01"], net, {
      recoveryPointType: "Latest",
      timeouts: { testFailoverMinutes: 5, cleanupMinutes: 5, inGuestConcurrency: 1 },
      expected: [
        {
          friendlyName: "DC01",
          inGuestChecks: [{ name: "hostname", commandId: "RunPowerShellScript", script: ["hostname"], expectOutputContains: "DC01" }],
        },
        {
          friendlyName: "WEB01",
          inGuestChecks: [{ name: "hostname", commandId: "RunPowerShellScript", script: ["hostname"], expectOutputContains: "NOT-WEB01" }],
        },
      ],
    });
    const mark = (await requestLog(twin)).length;
    const err = await provider.create(inputs as never, deps()).then(
      () => undefined,
      (e) => e,
    );
    const posts = ((await requestLog(twin)).slice(mark) as Logged[])
      .filter((r) => r.method === "POST" && /\/runCommand$/i.test(r.path))
      .map((r) => Date.parse(r.virtualTime))
      .sort((a, b) => a - b);
    expect(posts[1] - posts[0]).toBeGreaterThanOrEqual(RUN_COMMAND_SECONDS * 1000);
    const state = err.properties as { testVms: { friendlyName: string; verifiedAt?: string }[] };
    expect(state.testVms.find((v) => v.friendlyName === "DC01")?.verifiedAt).toBeDefined();
    expect(state.testVms.find((v) => v.friendlyName === "WEB01")?.verifiedAt).toBeUndefined();
    await provider.delete(err.id, state as never, deps());
  });
});
