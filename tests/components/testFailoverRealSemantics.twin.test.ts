// The TestFailover provider against the twin's real semantics (twin/README.md, "Real behaviour"):
// phases from allowedOperations and the vault's jobs, adoption from the job, no waiting for
// MarkedForDeletion → None, the VM agent gate, and a Hyper-V site (non-VMM) item.
import * as provider from "../../components/asr/provider";
import {
  ASR,
  createTestNetwork,
  deps,
  http,
  item,
  itemInputs,
  requestLog,
  RunningTwin,
  startContosoTwin,
  VAULT_PATH,
} from "./asr/twinHarness";

const d = describe;
jest.setTimeout(180_000);

const tfoBody = (networkId: string) => ({
  properties: {
    failoverDirection: "PrimaryToRecovery",
    networkType: "VmNetworkAsInput",
    networkId,
    providerSpecificDetails: { instanceType: "HyperVReplicaAzure" },
  },
});
const firstId = (h: string | null) => (h ?? "").split(",")[0].trim();

async function waitForJob(twin: RunningTwin, jobId: string): Promise<any> {
  for (let i = 0; i < 400; i++) {
    const j = (await http(twin, "GET", `${jobId}?${ASR}`)).body;
    if (["Succeeded", "Failed"].includes(j?.properties?.state)) return j;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${jobId} did not finish`);
}

const posts = (log: { method: string; path: string }[], suffix: RegExp) =>
  log.filter((r) => r.method === "POST" && suffix.test(r.path.split("?")[0]));

d("TestFailover provider on the real ASR semantics", () => {
  let twin: RunningTwin;
  beforeEach(async () => {
    twin = await startContosoTwin();
  });
  afterEach(async () => {
    await twin?.stop();
  });

  it("a killed up whose test failover finished (WaitingForCompletion, currentScenario None, tfoVMNetworkId null) is adopted from its job", async () => {
    const net = await createTestNetwork(twin);
    const inputs = await itemInputs(twin, ["DC01"], net, { recoveryPointType: "Latest" });
    const dc = await item(twin, "DC01");
    const r = await http(twin, "POST", `${dc.id}/testFailover?${ASR}`, tfoBody(net.id));
    await waitForJob(twin, firstId(r.headers.get("x-ms-request-id")));
    const now = await item(twin, "DC01");
    // Nothing on the item says where the test failover went: only the job does.
    expect(now.properties.testFailoverState).toBe("WaitingForCompletion");
    expect(now.properties.currentScenario.scenarioName).toBe("None");
    expect(now.properties.providerSpecificDetails.vmNics.every((n: any) => n.tfoVMNetworkId === null)).toBe(true);

    const mark = (await requestLog(twin)).length;
    const lines: string[] = [];
    const { id, outs } = await provider.create(inputs as never, deps(lines));
    expect(outs.adopted).toBe(true);
    expect(outs.verdict).toBe("passed");
    expect(outs.testVms[0].testVmName).toBe("DC01-test");
    expect(lines.join("\n")).toMatch(/adopting the test failover job .* into drill-vnet/);
    expect(posts((await requestLog(twin)).slice(mark), /\/testFailover$/i)).toHaveLength(0);

    // Another drill into another network is refused, naming the job's network.
    const other = await createTestNetwork(twin, "other-vnet");
    const refused = await provider.create({ ...inputs, testNetworkId: other.id } as never, deps()).catch((e) => e);
    expect(refused.message).toMatch(
      /DC01 already has a test failover \(job [0-9a-f-]+, Succeeded\) into the network drill-vnet, not .*other-vnet/,
    );
    expect(refused.message).toMatch(/Cleanup test failover/);
    await provider.delete(id, outs as never, deps());
  });

  it("never waits for MarkedForDeletion → None: delete ends with the cleanup job, and a new drill starts at once", async () => {
    const net = await createTestNetwork(twin);
    // A cleanup bound far below what waiting for None could take: on the twin (as on Azure) None never comes.
    const inputs = await itemInputs(twin, ["DC01"], net, {
      recoveryPointType: "Latest",
      timeouts: { testFailoverMinutes: 5, cleanupMinutes: 0.5 },
    });
    const first = await provider.create(inputs as never, deps());
    const sleeps: number[] = [];
    const counting = {
      ...deps(),
      clientOptions: {
        ...deps().clientOptions,
        sleep: async (ms: number) => {
          sleeps.push(ms);
          await new Promise<void>((r) => setTimeout(r, Math.min(ms, 300)));
        },
      },
    };
    const started = Date.now();
    await provider.delete(first.id, first.outs as never, counting);
    expect(Date.now() - started).toBeLessThan(20_000);
    const dc = await item(twin, "DC01");
    expect(dc.properties.testFailoverState).toBe("MarkedForDeletion");
    // After the cleanup job succeeded, delete reads on without sleeping on the item's state.
    const jobs = (await http(twin, "GET", `${VAULT_PATH}/replicationJobs?${ASR}`)).body.value;
    expect(jobs[0].properties).toMatchObject({ scenarioName: "TestFailoverCleanup", state: "Succeeded" });

    const mark = (await requestLog(twin)).length;
    const before = sleeps.length;
    const second = await provider.create(inputs as never, counting);
    expect(second.outs.adopted).toBe(false);
    expect(second.outs.verdict).toBe("passed");
    // The POST is the first write and comes before any sleep: MarkedForDeletion is a finished cleanup.
    const log = (await requestLog(twin)).slice(mark);
    expect(posts(log, /\/testFailover$/i)).toHaveLength(1);
    const beforePost = log.slice(
      0,
      log.findIndex((r) => r.method === "POST"),
    );
    expect(beforePost.every((r) => r.method === "GET")).toBe(true);
    expect(sleeps.length).toBeGreaterThan(before); // it did poll the job afterwards
    await provider.delete(second.id, second.outs as never, deps());
  });

  it("a running cleanup is followed before a new test failover starts", async () => {
    const net = await createTestNetwork(twin);
    const inputs = await itemInputs(twin, ["APP01"], net, { recoveryPointType: "Latest" });
    const first = await provider.create(inputs as never, deps());
    const app = await item(twin, "APP01");
    const c = await http(twin, "POST", `${app.id}/testFailoverCleanup?${ASR}`, { properties: { comments: "elsewhere" } });
    expect(c.status).toBe(202);
    const lines: string[] = [];
    const second = await provider.create(inputs as never, deps(lines));
    expect(lines.join("\n")).toMatch(/waiting for the running test failover cleanup job/);
    expect(second.outs.verdict).toBe("passed");
    await provider.delete(second.id, second.outs as never, deps());
    void first;
  });

  it("a data-encrypted item (providerSpecificDetails.encryption Enabled) is refused in preflight, before any POST", async () => {
    await twin.stop();
    twin = await startContosoTwin(300, (fx) => {
      fx.items.find((i: any) => i.name === "APP01").encryption = "Enabled";
    });
    const net = await createTestNetwork(twin);
    const inputs = await itemInputs(twin, ["APP01"], net, { recoveryPointType: "Latest" });
    expect(inputs.items[0].dataEncryption).toBe("Enabled");
    // Preview: check() refuses from the snapshot; create's preflight refuses from the live item too.
    expect(
      provider
        .check({}, inputs as never)
        .failures.map((f) => f.reason)
        .join(),
    ).toMatch(/APP01: .*primaryKekCertificatePfx/);
    const { items: _snapshots, ...withoutSnapshots } = inputs;
    const err = await provider.create({ ...withoutSnapshots, items: [] } as never, deps()).catch((e) => e);
    expect(err.message).toMatch(/preflight refused the test failover:[\s\S]*APP01: providerSpecificDetails.encryption is "Enabled"/);
    expect(posts(await requestLog(twin), /\/testFailover$/i)).toHaveLength(0);
  });

  it("a Hyper-V site (non-VMM) item: create, verify, delete", async () => {
    const net = await createTestNetwork(twin);
    const inputs = await itemInputs(twin, ["BRANCH01"], net, { recoveryPointType: "Latest" });
    expect(inputs.scope.kind === "protectedItems" && inputs.scope.items[0]).toMatchObject({
      fabricName: "contoso-branch",
      protectionContainerName: expect.stringMatching(/^cloud_/),
    });
    const { id, outs } = await provider.create(inputs as never, deps());
    expect(outs.verdict).toBe("passed");
    expect(outs.testVms[0]).toMatchObject({ testVmName: "BRANCH01-test", powerState: "running", ips: ["10.10.3.30"] });
    await provider.delete(id, outs as never, deps());
    expect((await item(twin, "BRANCH01")).properties.allowedOperations).toContain("TestFailover");
  });

  it("an agentless test VM: in-guest checks fail at once as vm-agent-not-ready with the fix; no Run Command is sent", async () => {
    const net = await createTestNetwork(twin);
    const inputs = await itemInputs(twin, ["LEGACY01"], net, {
      recoveryPointType: "Latest",
      expected: [
        {
          friendlyName: "LEGACY01",
          inGuestChecks: [{ name: "hostname", commandId: "RunPowerShellScript", script: ["hostname"], expectOutputContains: "LEGACY01" }],
        },
      ],
    });
    const started = Date.now();
    const err = await provider
      .create(inputs as never, { ...deps(), verify: { vmAgentReadyTimeoutInMs: 1500, vmAgentPollInMs: 300 } })
      .catch((e) => e);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(err.message).toMatch(/vm-agent-not-ready/);
    expect(err.message).toMatch(/install the Azure VM agent in the on-premises VM/);
    const check = err.properties.testVms[0].checks.find((c: any) => c.name === "vm-agent-not-ready");
    expect(check.detail).toMatch(/Not Ready/);
    expect(posts(await requestLog(twin), /\/runCommand$/i)).toHaveLength(0);
    await provider.delete(err.id, err.properties as never, deps());
  });
});
