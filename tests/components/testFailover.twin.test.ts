// The TestFailover provider's methods against an in-process Azure twin (Contoso fixture), at a high
// speed factor. Each test starts its own twin so state never leaks between tests.
import * as provider from "../../components/asr/provider";
import { ResourceInitError } from "../../components/asr/provider";
import {
  addFault,
  ASR,
  createTestNetwork,
  deps,
  http,
  item,
  itemInputs,
  planInputs,
  requestLog,
  RunningTwin,
  startContosoTwin,
  VAULT_PATH,
} from "./asr/twinHarness";

const d = describe;
jest.setTimeout(180_000);

const ALLOWED_POST = /\/(testFailover|testFailoverCleanup)$|\/virtualMachines\/[^/]+-test\/runCommand$/i;

function drillRequests(log: { method: string; path: string }[]) {
  return log.filter((r) => !r.path.startsWith("/_twin"));
}

/** Asserts the drill client sent only reads, test failover, cleanup and Run Command on test VMs. */
function expectOnlyAllowlisted(log: { method: string; path: string }[], since = 0) {
  const sent = drillRequests(log.slice(since)).filter((r) => !(r.method === "PUT" && /contoso-drill-test/i.test(r.path)));
  for (const r of sent) {
    if (r.method === "GET") continue;
    expect(`${r.method} ${r.path.split("?")[0]}`).toMatch(ALLOWED_POST);
  }
}

function posts(log: { method: string; path: string }[], suffix: RegExp) {
  return drillRequests(log).filter((r) => r.method === "POST" && suffix.test(r.path.split("?")[0]));
}

async function createExpectingFailure(inputs: object, lines: string[]) {
  const err = await provider.create(inputs as never, deps(lines)).then(
    () => undefined,
    (e) => e,
  );
  expect(err).toBeDefined();
  return err as ResourceInitError & Error;
}

/** A finished cleanup as the real service leaves it: MarkedForDeletion, TestFailover allowed again. */
function expectFinishedCleanup(it: { properties: { testFailoverState?: string; allowedOperations?: string[] } }): void {
  expect(it.properties.testFailoverState).toBe("MarkedForDeletion");
  expect(it.properties.allowedOperations).toContain("TestFailover");
}

d("TestFailover provider against the twin", () => {
  let twin: RunningTwin;
  beforeEach(async () => {
    twin = await startContosoTwin();
  });
  afterEach(async () => {
    await twin?.stop();
  });

  it("DC01: create → refresh → update (re-verify only) → delete → refresh gone → delete again", async () => {
    const net = await createTestNetwork(twin);
    const dc = await item(twin, "DC01");
    const inputs = await itemInputs(twin, ["DC01"], net, { role: "directory-copy", expected: [{ friendlyName: "DC01", ip: "10.10.1.4" }] });
    const lines: string[] = [];
    const mark = (await requestLog(twin)).length;

    const { id, outs } = await provider.create(inputs as never, deps(lines));
    expect(id).toBe(dc.id);
    expect(outs.verdict).toBe("passed");
    expect(outs.failures).toEqual([]);
    expect(outs.jobIds).toHaveLength(1);
    expect(outs.testVms[0]).toMatchObject({ friendlyName: "DC01", testVmName: "DC01-test", powerState: "running", ips: ["10.10.1.4"] });
    expect(outs.testVms[0].secondsToRunning).toBeGreaterThan(0);
    expect(outs.rtoAchievedSeconds).toBeGreaterThan(0);
    expect(lines.join("\n")).toMatch(/Creating test virtual machine/);
    expect(JSON.stringify(outs)).not.toContain(twin.token);
    expect(JSON.stringify(outs)).not.toContain("failover-drill-twin");
    expect((await item(twin, "DC01")).properties.testFailoverState).toBe("WaitingForCompletion");

    const refreshed = await provider.read(id, { ...outs, __provider: "x" } as never, deps());
    expect(refreshed.id).toBe(id);
    expect((refreshed.props as any).testVms[0].powerState).toBe("running");

    const before = posts(await requestLog(twin), /testFailover$/i).length;
    const updated = await provider.update(id, outs as never, { ...inputs, notes: "new notes for the cleanup" } as never, deps());
    expect(updated.outs.verdict).toBe("passed");
    expect(updated.outs.notes).toBe("new notes for the cleanup");
    expect(posts(await requestLog(twin), /testFailover$/i).length).toBe(before);

    await provider.delete(id, updated.outs as never, deps(lines));
    expectFinishedCleanup(await item(twin, "DC01"));
    const jobs = (await http(twin, "GET", `${VAULT_PATH}/replicationJobs?${ASR}`)).body.value;
    const cleanup = jobs.find((j: any) => j.properties.scenarioName === "TestFailoverCleanup");
    expect(cleanup.properties.customDetails?.comments ?? cleanup.properties.comments).toBe("new notes for the cleanup");
    const vms = (await http(twin, "GET", `${outs.testVms[0].testVmId}?api-version=2024-07-01`)).status;
    expect(vms).toBe(404);

    expect(await provider.read(id, updated.outs as never, deps())).toEqual({});
    await provider.delete(id, updated.outs as never, deps()); // idempotent: None → success

    const log = await requestLog(twin);
    expectOnlyAllowlisted(log, mark);
    expect(posts(log, /testFailover$/i)).toHaveLength(1);
    expect(posts(log, /testFailoverCleanup$/i)).toHaveLength(1);
    // Cost: report the requests of one single-item drill.
    console.log(
      `DC01 drill ARM requests: create ${outs.armRequests}, total incl. refresh/update/delete ${drillRequests(log.slice(mark)).length}`,
    );
  });

  it("in-guest checks through Run Command on the test VM (and only on it)", async () => {
    const net = await createTestNetwork(twin);
    const inputs = await itemInputs(twin, ["DC01"], net, {
      expected: [
        {
          friendlyName: "DC01",
          inGuestChecks: [
            {
              name: "ad-services",
              commandId: "RunPowerShellScript",
              script: ["Get-Service NTDS,DNS"],
              expectOutputContains: "Running  NTDS",
            },
            { name: "wrong-expectation", commandId: "RunPowerShellScript", script: ["hostname"], expectOutputContains: "NOT-THE-NAME" },
          ],
        },
      ],
    });
    const err = await createExpectingFailure(inputs, []);
    const vm = (err.properties as any).testVms[0];
    const byName = Object.fromEntries(vm.checks.map((c: any) => [c.name, c]));
    expect(byName["in-guest:ad-services"].passed).toBe(true);
    expect(byName["in-guest:wrong-expectation"].passed).toBe(false);
    expect(err.message).toMatch(/wrong-expectation/);
    const runs = posts(await requestLog(twin), /runCommand$/i);
    expect(runs.length).toBe(2);
    for (const r of runs) expect(r.path).toMatch(/virtualMachines\/DC01-test\/runCommand$/i);
    await provider.delete(err.id, err.properties as never, deps());
  });

  it("recovery plan rp-contoso-tier1: boot groups in order, SQL01 NICs, per-group timings; cleanup", async () => {
    const net = await createTestNetwork(twin);
    const inputs = await planInputs(twin, "rp-contoso-tier1", net);
    const mark = (await requestLog(twin)).length;
    const { id, outs } = await provider.create(inputs as never, deps());
    expect(outs.failures).toEqual([]);
    expect(outs.verdict).toBe("passed");
    expect(outs.testVms.map((v) => v.friendlyName).sort()).toEqual(["APP01", "SQL01", "WEB01"]);
    const sql = outs.testVms.find((v) => v.friendlyName === "SQL01")!;
    const sqlSnap = inputs.items.find((i) => i.friendlyName === "SQL01")!;
    expect(sql.nicCount).toBe(Math.min(sqlSnap.nics.length, sqlSnap.targetSizeMaxNics ?? 99));
    expect(outs.groupTimings.length).toBeGreaterThanOrEqual(1);
    await provider.delete(id, outs as never, deps());
    const log = await requestLog(twin);
    expectOnlyAllowlisted(log, mark);
    expect(posts(log, /replicationRecoveryPlans\/[^/]+\/testFailover$/i)).toHaveLength(1);
    const jobGets = drillRequests(log.slice(mark)).filter(
      (r) => r.method === "GET" && /replicationJobs\/[^/?]+$/i.test(r.path.split("?")[0]),
    );
    console.log(
      `plan drill ARM requests: create ${outs.armRequests}, job polls ${jobGets.length}, total ${drillRequests(log.slice(mark)).length}`,
    );
  });

  it("FILE01 (managed disks + SSE storage): the job fails, the resource is recorded, delete cleans up", async () => {
    const net = await createTestNetwork(twin);
    const inputs = await itemInputs(twin, ["FILE01"], net);
    const lines: string[] = [];
    const err = await createExpectingFailure(inputs, lines);
    expect(err.id).toBe(inputs.scope.kind === "protectedItems" ? inputs.scope.items[0].id : "");
    expect((err.properties as any).verdict).toBe("failed");
    expect((err.properties as any).jobIds).toHaveLength(1);
    expect(err.message).toMatch(/FILE01/);
    await provider.delete(err.id, err.properties as never, deps());
    expect((await item(twin, "FILE01")).properties.testFailoverState).toBe("None");
  });

  it("availability-set mismatch (managed disks in a Classic set): job failure recorded", async () => {
    const net = await createTestNetwork(twin);
    const app = await item(twin, "APP01");
    const rgId: string = app.properties.providerSpecificDetails.recoveryAzureResourceGroupId;
    const sets = (await http(twin, "GET", `${rgId}/providers/Microsoft.Compute/availabilitySets?api-version=2024-07-01`)).body?.value ?? [];
    let classic = sets.find((s: any) => s.sku?.name === "Classic");
    if (!classic) {
      const id = `${rgId}/providers/Microsoft.Compute/availabilitySets/avset-classic-test`;
      await http(twin, "PUT", `${id}?api-version=2024-07-01`, { location: "westeurope", sku: { name: "Classic" }, properties: {} });
      classic = { id };
    }
    const patch = await http(twin, "PATCH", `${app.id}?${ASR}`, {
      properties: {
        recoveryAvailabilitySetId: classic.id,
        providerSpecificDetails: { instanceType: "HyperVReplicaAzure", useManagedDisks: "true" },
      },
    });
    expect(patch.status).toBeLessThan(300);
    for (let i = 0; i < 100; i++) {
      const now = await item(twin, "APP01");
      const set = now.properties.providerSpecificDetails.recoveryAvailabilitySetId ?? now.properties.recoveryAvailabilitySetId;
      if (
        typeof set === "string" &&
        set.toLowerCase() === classic.id.toLowerCase() &&
        (now.properties.allowedOperations ?? []).includes("TestFailover")
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const inputs = await itemInputs(twin, ["APP01"], net);
    const err = await createExpectingFailure(inputs, []);
    if (!err.id) throw new Error(`expected a recorded job failure, got: ${err.message}`);
    expect((err.properties as any).verdict).toBe("failed");
    await provider.delete(err.id, err.properties as never, deps());
  });

  it("unhealthy item (target network not configured): refused in preflight when flagged, else the failed prerequisites check (161003) is recorded", async () => {
    const net = await createTestNetwork(twin);
    const web = await item(twin, "WEB01");
    await http(twin, "PATCH", `${web.id}?${ASR}`, { properties: { selectedRecoveryAzureNetworkId: "" } });
    let unhealthy = false;
    for (let i = 0; i < 20 && !unhealthy; i++) {
      const now = await item(twin, "WEB01");
      unhealthy =
        (now.properties.healthErrors ?? []).some((h: any) => /error|critical/i.test(h.errorLevel)) ||
        now.properties.failoverHealth === "Critical";
      if (!unhealthy) await new Promise((r) => setTimeout(r, 100));
    }
    const inputs = await itemInputs(twin, ["WEB01"], net);
    const mark = (await requestLog(twin)).length;
    const err = await createExpectingFailure(inputs, []);
    console.log(`unhealthy item: twin flagged it ${unhealthy}; create failed with: ${err.message.split("\n").join(" ")}`);
    if (unhealthy) {
      expect(err.message).toMatch(/health/);
      expect((err as any).id).toBeUndefined(); // nothing started, nothing recorded
      expect(posts((await requestLog(twin)).slice(mark), /testFailover$/i)).toHaveLength(0);
    } else {
      // The twin did not flag the item: the job fails at its prerequisites check and is recorded.
      expect((err as any).id).toBeDefined();
      expect(err.message).toMatch(/161003/);
      await provider.delete((err as any).id, (err as any).properties, deps());
    }
  });

  it("missing test network and the production network are refused before anything is sent", async () => {
    const net = await createTestNetwork(twin);
    const inputs = await itemInputs(twin, ["DC01"], net);
    const mark = (await requestLog(twin)).length;
    const missing = { ...inputs, testNetworkId: net.id.replace("drill-vnet", "no-such-vnet") };
    await expect(provider.create(missing as never, deps())).rejects.toThrow(/does not exist/);
    const prod = inputs.items[0].productionRecoveryNetworkId!;
    await expect(provider.create({ ...inputs, testNetworkId: prod } as never, deps())).rejects.toThrow(/production recovery network/);
    expect(posts((await requestLog(twin)).slice(mark), /testFailover/i)).toHaveLength(0);
  });

  it("429 with Retry-After is honoured; 5xx and resets are retried; never two test failovers", async () => {
    const net = await createTestNetwork(twin);
    const inputs = await itemInputs(twin, ["DC01"], net);
    await addFault(twin, { kind: "429", method: "POST", path: "/testFailover$", count: 1, retryAfter: 2 });
    await addFault(twin, { kind: "500", method: "GET", path: "/replicationJobs/", count: 2 });
    await addFault(twin, { kind: "reset", method: "GET", path: "/virtualMachines", count: 1 });
    const lines: string[] = [];
    const t0 = Date.now();
    const { id, outs } = await provider.create(inputs as never, deps(lines));
    expect(outs.verdict).toBe("passed");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
    expect(lines.join("\n")).toMatch(/returned 429; retry 1\/\d+ in 2000 ms/);
    expect(lines.join("\n")).toMatch(/returned 500/);
    const log = await requestLog(twin);
    expect(posts(log, /testFailover$/i)).toHaveLength(2); // the 429 and the accepted one
    const jobs = (await http(twin, "GET", `${VAULT_PATH}/replicationJobs?${ASR}`)).body.value.filter(
      (j: any) => j.properties.scenarioName === "TestFailover",
    );
    expect(jobs).toHaveLength(1);
    await provider.delete(id, outs as never, deps());
  });

  it.each(["503", "reset"])("an ambiguous %s on the test failover POST: the client looks before re-sending; one job", async (kind) => {
    const net = await createTestNetwork(twin);
    const inputs = await itemInputs(twin, ["DC01"], net);
    await addFault(twin, { kind, method: "POST", path: "/testFailover$", count: 1 });
    const { id, outs } = await provider.create(inputs as never, deps());
    expect(outs.verdict).toBe("passed");
    const jobs = (await http(twin, "GET", `${VAULT_PATH}/replicationJobs?${ASR}`)).body.value.filter(
      (j: any) => j.properties.scenarioName === "TestFailover",
    );
    expect(jobs).toHaveLength(1);
    await provider.delete(id, outs as never, deps());
  });

  it("a plan job failing mid-way (SQL01 boot) is recorded, then delete cleans every test VM", async () => {
    const net = await createTestNetwork(twin);
    const inputs = await planInputs(twin, "rp-contoso-tier1", net);
    await addFault(twin, { kind: "jobFailsAtTask", item: "APP01", task: "VmTfoBootTestVm" });
    const err = await createExpectingFailure(inputs, []);
    expect(err.id).toBe(inputs.scope.kind === "recoveryPlan" ? inputs.scope.recoveryPlanId : "");
    expect((err.properties as any).verdict).toBe("failed");
    expect(err.message).toMatch(/Failed/);
    await provider.delete(err.id, err.properties as never, deps());
    for (const n of ["SQL01", "APP01", "WEB01"]) expectFinishedCleanup(await item(twin, n));
    const rgId = (await item(twin, "SQL01")).properties.providerSpecificDetails.recoveryAzureResourceGroupId;
    const vms = (await http(twin, "GET", `${rgId}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01`)).body.value;
    expect(vms.filter((v: any) => /-test$/i.test(v.name))).toEqual([]);
  });

  it("cleanup failing once then succeeding", async () => {
    const net = await createTestNetwork(twin);
    const inputs = await itemInputs(twin, ["DC01"], net);
    const { id, outs } = await provider.create(inputs as never, deps());
    await addFault(twin, { kind: "cleanupFailsOnce", item: "DC01" });
    const lines: string[] = [];
    await provider.delete(id, outs as never, deps(lines));
    expect(lines.join("\n")).toMatch(/retrying/);
    expect(posts(await requestLog(twin), /testFailoverCleanup$/i)).toHaveLength(2);
    expectFinishedCleanup(await item(twin, "DC01"));
  });

  it("create killed after the POST: the next create adopts it; into another network it is refused", async () => {
    const net = await createTestNetwork(twin);
    const inputs = await itemInputs(twin, ["DC01"], net);
    const dc = await item(twin, "DC01");
    // What a killed `pulumi up` leaves: the POST was accepted, nobody follows the job.
    const r = await http(twin, "POST", `${dc.id}/testFailover?${ASR}`, {
      properties: {
        failoverDirection: "PrimaryToRecovery",
        networkType: "VmNetworkAsInput",
        networkId: net.id,
        providerSpecificDetails: { instanceType: "HyperVReplicaAzure" },
      },
    });
    expect(r.status).toBe(202);

    const other = await createTestNetwork(twin, "other-vnet");
    const refused = await provider.create({ ...inputs, testNetworkId: other.id } as never, deps()).catch((e) => e);
    expect(refused.message).toMatch(/DC01/);
    // The other network is named from the job (TestFailoverJobDetails.networkName).
    expect(refused.message).toMatch(/into the network drill-vnet/);
    expect(refused.message).toMatch(/Cleanup test failover|pulumi destroy/);

    const mark = (await requestLog(twin)).length;
    const lines: string[] = [];
    const { id, outs } = await provider.create(inputs as never, deps(lines));
    expect(outs.adopted).toBe(true);
    expect(outs.verdict).toBe("passed");
    expect(lines.join("\n")).toMatch(/adopting/);
    expect(posts((await requestLog(twin)).slice(mark), /testFailover$/i)).toHaveLength(0);
    await provider.delete(id, outs as never, deps());
  });
});
