import { check, diff, jobFailureText, resourceIdOf } from "../../../components/asr/provider";
import { verifyTestVms } from "../../../components/asr/verifier";
import { rtoFigures } from "../../../scripts/report/drillMetrics";
import type { TestFailoverInputs } from "../../../components/drillTypes";
import type { Job } from "../../../components/asr/types";

const NET = "/subscriptions/s/resourceGroups/drill/providers/Microsoft.Network/virtualNetworks/drill-vnet";
const PROD = "/subscriptions/s/resourceGroups/contoso-dr/providers/Microsoft.Network/virtualNetworks/contoso-recovery-vnet";
const ITEM =
  "/Subscriptions/s/resourceGroups/contoso-dr/providers/Microsoft.RecoveryServices/vaults/v/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/dc01";

function inputs(over: Partial<TestFailoverInputs> = {}): TestFailoverInputs {
  return {
    drillId: "d1",
    role: "directory-copy",
    vault: { subscriptionId: "s", resourceGroup: "contoso-dr", name: "v" },
    arm: { endpoint: "http://127.0.0.1:1", credentialMode: "staticToken", tokenVariable: "FAILOVER_DRILL_ARM_TOKEN" },
    scope: {
      kind: "protectedItems",
      items: [{ fabricName: "f", protectionContainerName: "c", name: "dc01", friendlyName: "DC01", id: ITEM }],
    },
    testNetworkId: NET,
    testSubnets: [{ name: "snet-identity", addressPrefix: "10.10.1.0/24" }],
    failoverDirection: "PrimaryToRecovery",
    recoveryPointType: "LatestApplicationConsistent",
    items: [
      {
        protectedItemId: ITEM,
        friendlyName: "DC01",
        protectionState: "Protected",
        recoveryVmName: "DC01",
        recoveryVmSize: "Standard_D2s_v3",
        targetSizeMaxNics: 2,
        nics: [{ nicId: "n1", name: "eth0", isPrimary: true, recoverySubnetName: "snet-identity", recoveryStaticIp: "10.10.1.4" }],
        useManagedDisks: "false",
        replicationStorageSseEnabled: false,
        productionRecoveryNetworkId: PROD,
        recoveryResourceGroupId: "/subscriptions/s/resourceGroups/contoso-recovery",
      },
    ],
    expected: [{ friendlyName: "DC01", ip: "10.10.1.4" }],
    notes: "drill d1",
    timeouts: { testFailoverMinutes: 30, cleanupMinutes: 30 },
    ...over,
  };
}

describe("check", () => {
  it("accepts a sane drill", () => {
    expect(check({}, inputs() as never).failures).toEqual([]);
  });
  it("refuses notes over 1024 characters, the production network, another direction", () => {
    const f = check(
      {},
      inputs({ notes: "x".repeat(1025), testNetworkId: PROD.toUpperCase(), failoverDirection: "RecoveryToPrimary" as never }) as never,
    ).failures;
    expect(f.map((x) => x.property).sort()).toEqual(["failoverDirection", "notes", "testNetworkId"]);
    expect(f.find((x) => x.property === "testNetworkId")!.reason).toContain("production recovery network of DC01");
  });
  it("refuses a data-encrypted item (its test failover needs the KEK certificate the drill does not send)", () => {
    const base = inputs();
    const f = check({}, { ...base, items: [{ ...base.items[0], dataEncryption: "Enabled" }] } as never).failures;
    expect(f).toEqual([
      {
        property: "items",
        reason: expect.stringMatching(
          /^DC01: providerSpecificDetails.encryption is "Enabled": .*primaryKekCertificatePfx.*failover-drill:scope/,
        ),
      },
    ]);
    expect(check({}, { ...base, items: [{ ...base.items[0], dataEncryption: "Disabled" }] } as never).failures).toEqual([]);
  });
  it("ignores preview unknowns", () => {
    expect(check({}, inputs({ testNetworkId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }) as never).failures).toEqual([]);
  });
});

describe("diff (olds are old OUTPUTS)", () => {
  it("a new poll interval or in-guest concurrency alone changes nothing (pacing, not the drill)", () => {
    const base = inputs();
    const olds = { ...base, timeouts: { ...base.timeouts, pollIntervalSeconds: 30, inGuestConcurrency: 10 } };
    const news = { ...base, timeouts: { ...base.timeouts, pollIntervalSeconds: 0.5, inGuestConcurrency: 20 } };
    expect(diff("id", olds as never, news as never)).toMatchObject({ changes: false, replaces: [] });
    expect(diff("id", olds as never, { ...news, timeouts: { ...news.timeouts, cleanupMinutes: 99 } } as never)).toMatchObject({
      changes: true,
      replaces: [],
    });
  });

  const olds = { ...inputs(), jobIds: ["j"], testVms: [], verdict: "passed", failures: [], __provider: "x" } as never;
  it("no change", () => {
    expect(diff("id", olds, { ...inputs(), __provider: "y" } as never)).toMatchObject({ changes: false, replaces: [] });
  });
  it.each(["scope", "testNetworkId", "vault", "recoveryPointType"] as const)("%s → replace, delete before replace", (k) => {
    const news = { ...inputs(), [k]: k === "recoveryPointType" ? "Latest" : k === "testNetworkId" ? `${NET}2` : { other: 1 } };
    expect(diff("id", olds, news as never)).toMatchObject({ changes: true, replaces: [k], deleteBeforeReplace: true });
  });
  it.each([
    ["notes", "new notes"],
    ["expected", []],
    ["timeouts", { testFailoverMinutes: 1, cleanupMinutes: 1 }],
  ])("%s → update in place", (k, v) => {
    expect(diff("id", olds, { ...inputs(), [k]: v } as never)).toMatchObject({ changes: true, replaces: [] });
  });
  it("key order does not matter", () => {
    const i = inputs();
    const reordered = { ...i, vault: { name: i.vault.name, resourceGroup: i.vault.resourceGroup, subscriptionId: i.vault.subscriptionId } };
    expect(diff("id", olds, reordered as never).changes).toBe(false);
  });
});

describe("state helpers", () => {
  it("ids are the scope's ARM ids", () => {
    expect(resourceIdOf(inputs())).toBe(ITEM);
    expect(resourceIdOf(inputs({ scope: { kind: "recoveryPlan", recoveryPlanName: "rp", recoveryPlanId: "/x/rp" } }))).toBe("/x/rp");
  });
  it("job failure text names the task and the ASR error", () => {
    const job: Job = {
      id: "j",
      name: "j1",
      properties: {
        state: "Failed",
        tasks: [
          {
            name: "VmTfoPrepareTestVm",
            friendlyName: "Creating test virtual machine",
            state: "Failed",
            errors: [{ serviceErrorDetails: { code: "28031", message: "Managed disks can't be created" } }],
          },
        ],
      },
    };
    expect(jobFailureText(job, "test failover of FILE01")).toBe(
      'test failover of FILE01: ASR job j1 Failed at task "Creating test virtual machine": 28031: Managed disks can\'t be created',
    );
  });
});

describe("verifyTestVms", () => {
  const RG = "/subscriptions/s/resourceGroups/contoso-recovery";
  const vm = (over: Record<string, unknown> = {}) => ({
    id: `${RG}/providers/Microsoft.Compute/virtualMachines/DC01-test`,
    name: "DC01-test",
    properties: {
      hardwareProfile: { vmSize: "Standard_D2s_v3" },
      networkProfile: {
        networkInterfaces: [{ id: `${RG}/providers/Microsoft.Network/networkInterfaces/nic1`, properties: { primary: true } }],
      },
      instanceView: { statuses: [{ code: "ProvisioningState/succeeded" }, { code: "PowerState/running" }] },
      ...over,
    },
  });
  const nic = (ip: string, id = `${RG}/providers/Microsoft.Network/networkInterfaces/nic1`, net = NET) => ({
    id,
    name: id.split("/").pop()!,
    properties: {
      ipConfigurations: [{ properties: { privateIPAddress: ip, primary: true, subnet: { id: `${net}/subnets/snet-identity` } } }],
    },
  });
  const run = (vms: unknown[], nics: unknown[]) =>
    verifyTestVms({ inputs: inputs(), liveItems: new Map(), vms: vms as never, nics: nics as never, jobs: [] });

  it("passes a running VM of the right size in the test network at the expected IP", () => {
    const r = run([vm()], [nic("10.10.1.4")]);
    expect(r.failures).toEqual([]);
    expect(r.testVms[0]).toMatchObject({ testVmName: "DC01-test", powerState: "running", ips: ["10.10.1.4"], nicCount: 1 });
  });
  it("reports every difference", () => {
    const r = run(
      [vm({ hardwareProfile: { vmSize: "Standard_B1s" }, instanceView: { statuses: [{ code: "PowerState/stopped" }] } })],
      [nic("10.10.1.9", undefined, PROD)],
    );
    expect(r.failures.map((f) => f.split(": ")[1])).toEqual(["running", "size", "test-network", "ip"]);
  });
  it("reports an expected IP another NIC of the test network took as a finding, naming the holder", () => {
    // Issue 16: ASR rightly gives the VM another free address, but whatever is wired to the expected one breaks.
    const r = run(
      [vm()],
      [nic("10.10.1.5"), nic("10.10.1.4", "/subscriptions/s/resourceGroups/drill/providers/Microsoft.Network/networkInterfaces/squatter")],
    );
    expect(r.failures).toEqual(["DC01 (DC01-test): ip: expected 10.10.1.4 (taken by squatter), got 10.10.1.5"]);
  });
  it("names the drill item whose test VM holds the expected IP", () => {
    const app = { ...inputs().items[0], protectedItemId: `${ITEM}-app`, friendlyName: "APP01", recoveryVmName: "APP01" };
    const appVmId = `${RG}/providers/Microsoft.Compute/virtualMachines/APP01-test`;
    const holder = {
      ...nic("10.10.1.4", `${RG}/providers/Microsoft.Network/networkInterfaces/app-nic`),
      properties: { ...nic("10.10.1.4").properties, virtualMachine: { id: appVmId } },
    };
    const jobs = [
      {
        id: "j",
        name: "j",
        properties: { customDetails: { protectedItemDetails: [{ friendlyName: "APP01", testVmName: "APP01-test" }] } },
      },
    ];
    const r = verifyTestVms({
      inputs: inputs({ items: [...inputs().items, app] }),
      liveItems: new Map(),
      vms: [vm()] as never,
      nics: [nic("10.10.1.5"), holder] as never,
      jobs: jobs as never,
    });
    expect(r.failures).toContain("DC01 (DC01-test): ip: expected 10.10.1.4 (taken by APP01), got 10.10.1.5");
  });
  it("reports a missing test VM", () => {
    expect(run([], [])).toMatchObject({ failures: ["DC01: test VM DC01-test not found in resource group contoso-recovery"] });
  });
  it("records verifiedAt from the in-guest Run Command's end, and the report's RTO then ends there", () => {
    const job = {
      id: "j",
      name: "j",
      properties: {
        startTime: "2026-12-03T10:00:00Z",
        endTime: "2026-12-03T10:01:11Z",
        targetObjectName: "DC01",
        tasks: [
          {
            name: "VmTfoPrepareTestVm",
            friendlyName: "Create the test virtual machine",
            state: "Succeeded",
            startTime: "2026-12-03T10:00:01Z",
            endTime: "2026-12-03T10:01:10Z",
          },
          {
            name: "VmTfoBootTestVm",
            friendlyName: "Start the virtual machine",
            state: "Succeeded",
            startTime: "2026-12-03T10:01:10Z",
            endTime: "2026-12-03T10:01:11Z",
          },
        ],
      },
    };
    const checked = new Map([["dc01-test", [{ name: "in-guest:ad-ds", passed: true, detail: "ok" }]]]);
    const r = verifyTestVms({
      inputs: inputs(),
      liveItems: new Map(),
      vms: [vm()] as never,
      nics: [nic("10.10.1.4")] as never,
      jobs: [job] as never,
      inGuest: checked,
      inGuestEndedAt: new Map([["dc01-test", "2026-12-03T10:02:05.5000000Z"]]),
    });
    expect(r.testVms[0]).toMatchObject({ runningAt: "2026-12-03T10:01:11Z", verifiedAt: "2026-12-03T10:02:05.5000000Z" });
    const rto = rtoFigures([{ name: "dc", outputs: { role: "directory-copy", groupTimings: [], testVms: r.testVms } }], 60);
    expect(rto).toMatchObject({ toEvent: "verified", to: "2026-12-03T10:02:05.5000000Z", achievedSeconds: 125.5, gaps: [] });
  });
});
