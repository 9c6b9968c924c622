// Verification of test VMs against the drill's expectations, as pure functions over LIST results
// (VMs with instance views, NICs) so the cost does not grow with the number of VMs.
// The rules checked are the seed's (shared/DESIGN.md):
// - "NIC count on the target = min(source NICs, max NICs of the target size)".
// - "All NICs connect to the same network" — here: every NIC in the isolated test network.
// - "a test failover may reuse the same address if it is free in the test network, else takes another free one".
import type { ExpectedVmResult, ItemSettingsSnapshot, TestFailoverInputs, TestVmReport, VmCheckResult } from "../contract";
import { parseCidr, parseIpv4, staticIpProblem } from "../contract";
import { idSegment, isUnder, sameArmId } from "../contract";
import { realTime } from "./ids";
import { flattenTasks } from "./jobFollower";
import type { AsrTask, Job, NetworkInterface, ProtectedItem, VirtualMachine } from "./types";

/** TestVmReport plus fields the provider needs later (cleanup verification); all plain JSON. */
export interface TestVmReportEx extends TestVmReport {
  protectedItemId: string;
  resourceGroup?: string;
  nicIds: string[];
}

export interface VerifyInput {
  inputs: Pick<TestFailoverInputs, "testNetworkId" | "testSubnets" | "items" | "expected" | "rtoTargetMinutes">;
  /** Live protected items (by lower-case id). */
  liveItems: Map<string, ProtectedItem>;
  vms: VirtualMachine[];
  nics: NetworkInterface[];
  jobs: Job[];
  /** In-guest results per test VM name (lower-case), from Run Command. */
  inGuest?: Map<string, VmCheckResult[]>;
  /** When the service says each VM's last Run Command ended (lower-case test VM name → ISO time). */
  inGuestEndedAt?: Map<string, string>;
}

/**
 * When the VM's verification ended successfully, in the service's clock: the end of its last Run Command
 * (the Azure-AsyncOperation status's endTime) when it has in-guest checks, else its boot task's end — what
 * size, network and IP checks read is the VM as created, running since then. Absent when a check failed,
 * or when the service gave no end time for its Run Commands.
 */
export function verifiedAtOf(
  checks: VmCheckResult[],
  runningAt: string | undefined,
  inGuestEndedAt: string | undefined,
  hadInGuest: boolean,
): string | undefined {
  if (!checks.length || checks.some((c) => !c.passed)) return undefined;
  return hadInGuest ? inGuestEndedAt : runningAt;
}

export interface VerifyResult {
  testVms: TestVmReportEx[];
  failures: string[];
  groupTimings: { group: string; startTime?: string; endTime?: string; seconds?: number }[];
  rtoAchievedSeconds?: number;
}

export function recoveryVmNameOf(snapshot: ItemSettingsSnapshot, live?: ProtectedItem): string {
  return live?.properties.providerSpecificDetails?.recoveryAzureVmName || snapshot.recoveryVmName;
}

export function recoveryResourceGroupOf(snapshot: ItemSettingsSnapshot, live?: ProtectedItem): string | undefined {
  return idSegment(
    live?.properties.providerSpecificDetails?.recoveryAzureResourceGroupId || snapshot.recoveryResourceGroupId,
    "resourceGroups",
  );
}

/** The test VM name ASR uses: `<recoveryAzureVmName>-test` (observed in real traffic), or what the job says. */
export function testVmNameOf(snapshot: ItemSettingsSnapshot, live: ProtectedItem | undefined, jobs: Job[]): string {
  const key = live?.name ?? idSegment(snapshot.protectedItemId, "replicationProtectedItems");
  for (const j of jobs) {
    for (const d of j.properties.customDetails?.protectedItemDetails ?? []) {
      const matches =
        (d.name && key && d.name.toLowerCase() === key.toLowerCase()) ||
        (d.friendlyName && d.friendlyName.toLowerCase() === snapshot.friendlyName.toLowerCase());
      if (matches && d.testVmName) return d.testVmName;
    }
  }
  return `${recoveryVmNameOf(snapshot, live)}-test`;
}

function seconds(from?: string, to?: string): number | undefined {
  if (!from || !to) return undefined;
  return Math.round((Date.parse(to) - Date.parse(from)) / 100) / 10;
}

/** Does this task concern the item (by the names ASR puts on plan child tasks)? */
function taskConcerns(task: AsrTask, snapshot: ItemSettingsSnapshot, live?: ProtectedItem): boolean {
  const keys = [
    snapshot.friendlyName,
    live?.name,
    idSegment(snapshot.protectedItemId, "replicationProtectedItems"),
    snapshot.protectedItemId,
  ]
    .filter((k): k is string => !!k)
    .map((k) => k.toLowerCase());
  const jt = task.customDetails?.jobTask;
  const fields = [
    jt?.targetObjectName,
    jt?.targetObjectId,
    (task.customDetails as { name?: string } | null | undefined)?.name,
    task.friendlyName,
    task.name,
  ]
    .filter((f): f is string => typeof f === "string")
    .map((f) => f.toLowerCase());
  return fields.some((f) => keys.some((k) => f === k || f.includes(k)));
}

const isPrepareTask = (t: AsrTask) => /PrepareTestVm|Creat/i.test(`${t.name} ${t.friendlyName}`);
const isBootTask = (t: AsrTask) =>
  /BootTestVm|Start the virtual machine|Boot/i.test(`${t.name} ${t.friendlyName}`) && !t.groupTaskCustomDetails?.childTasks?.length;

/** Timings of one item from the job's own timestamps (trigger → created → running). */
export function itemTimings(snapshot: ItemSettingsSnapshot, live: ProtectedItem | undefined, jobs: Job[]) {
  for (const job of jobs) {
    const flat = flattenTasks(job.properties.tasks).map((f) => f.task);
    const single =
      (job.properties.customDetails?.protectedItemDetails?.length ?? 0) <= 1 && job.properties.targetInstanceType !== "RecoveryPlan";
    let mine = single ? flat : [];
    if (!single) {
      // In a plan job: the leaf tasks (group child tasks) that name the item.
      mine = flat.filter((t) => !t.groupTaskCustomDetails?.childTasks?.length && taskConcerns(t, snapshot, live));
    }
    if (!mine.length) continue;
    const triggeredAt = realTime(job.properties.startTime);
    const createdAt = mine
      .filter(isPrepareTask)
      .map((t) => realTime(t.endTime))
      .filter(Boolean)
      .sort()
      .pop();
    const runningAt = mine
      .filter(isBootTask)
      .map((t) => realTime(t.endTime))
      .filter(Boolean)
      .sort()
      .pop();
    return { triggeredAt, createdAt, runningAt, secondsToRunning: seconds(triggeredAt, runningAt) };
  }
  return {};
}

export function groupTimings(jobs: Job[], labelOf: (job: Job) => string): VerifyResult["groupTimings"] {
  const out: VerifyResult["groupTimings"] = [];
  for (const job of jobs) {
    const groups = (job.properties.tasks ?? []).filter(
      (t) => t.groupTaskCustomDetails && /group/i.test(`${t.groupTaskCustomDetails.instanceType} ${t.name} ${t.friendlyName}`),
    );
    if (groups.length) {
      for (const g of groups) {
        const startTime = realTime(g.startTime);
        const endTime = realTime(g.endTime);
        out.push({
          group: g.friendlyName || g.groupTaskCustomDetails?.name || g.name || "group",
          startTime,
          endTime,
          seconds: seconds(startTime, endTime),
        });
      }
    } else {
      const startTime = realTime(job.properties.startTime);
      const endTime = realTime(job.properties.endTime);
      out.push({ group: labelOf(job), startTime, endTime, seconds: seconds(startTime, endTime) });
    }
  }
  return out;
}

function primaryIpConfig(nic: NetworkInterface) {
  const cfgs = nic.properties?.ipConfigurations ?? [];
  return cfgs.find((c) => c.properties?.primary) ?? cfgs[0];
}

/** The test IP the drill expects for an item: expected.ip, else the NIC's TFO IP, else its failover IP. */
export function expectedIpOf(snapshot: ItemSettingsSnapshot, expected?: ExpectedVmResult): string | undefined {
  if (expected?.ip) return expected.ip;
  const primary = snapshot.nics.find((n) => n.isPrimary) ?? snapshot.nics[0];
  return primary?.tfoStaticIp || primary?.recoveryStaticIp || undefined;
}

export function expectedNicCountOf(snapshot: ItemSettingsSnapshot, expected?: ExpectedVmResult): number | undefined {
  if (expected?.nicCount !== undefined) return expected.nicCount;
  const source = snapshot.nics.length;
  if (!source) return undefined;
  return snapshot.targetSizeMaxNics ? Math.min(source, snapshot.targetSizeMaxNics) : source;
}

/** Who holds a NIC: the drill item whose test VM it belongs to (by friendly name), else that VM, else the NIC. */
function holderLabel(nic: NetworkInterface, v: VerifyInput): string {
  const vmName = nic.properties?.virtualMachine?.id?.split("/").pop();
  if (!vmName) return nic.name;
  const item = v.inputs.items.find(
    (s) => testVmNameOf(s, v.liveItems.get(s.protectedItemId.toLowerCase()), v.jobs).toLowerCase() === vmName.toLowerCase(),
  );
  return item?.friendlyName ?? vmName;
}

function check(name: string, passed: boolean, detail: string): VmCheckResult {
  return { name, passed, detail };
}

export function verifyTestVms(v: VerifyInput): VerifyResult {
  const { inputs } = v;
  const failures: string[] = [];
  const testVms: TestVmReportEx[] = [];
  const nicById = new Map(v.nics.map((n) => [n.id.toLowerCase(), n]));
  for (const snapshot of inputs.items) {
    const live = v.liveItems.get(snapshot.protectedItemId.toLowerCase());
    const expected = inputs.expected.find((e) => e.friendlyName.toLowerCase() === snapshot.friendlyName.toLowerCase());
    const testVmName = testVmNameOf(snapshot, live, v.jobs);
    const rg = recoveryResourceGroupOf(snapshot, live);
    const vm = v.vms.find(
      (x) =>
        x.name.toLowerCase() === testVmName.toLowerCase() && (!rg || idSegment(x.id, "resourceGroups")?.toLowerCase() === rg.toLowerCase()),
    );
    const checks: VmCheckResult[] = [];
    const timings = itemTimings(snapshot, live, v.jobs);
    if (!vm) {
      checks.push(check("exists", false, `test VM ${testVmName} not found in resource group ${rg ?? "(unknown)"}`));
      testVms.push({
        friendlyName: snapshot.friendlyName,
        protectedItemId: snapshot.protectedItemId,
        resourceGroup: rg,
        testVmId: "",
        testVmName,
        size: "",
        powerState: "absent",
        ips: [],
        nicCount: 0,
        nicIds: [],
        checks,
        ...timings,
      });
      failures.push(`${snapshot.friendlyName}: test VM ${testVmName} not found in resource group ${rg ?? "(unknown)"}`);
      continue;
    }
    checks.push(check("exists", true, vm.id));

    const power =
      (vm.properties?.instanceView?.statuses ?? []).find((s) => s.code?.startsWith("PowerState/"))?.code?.slice("PowerState/".length) ??
      "unknown";
    checks.push(check("running", power === "running", `PowerState/${power}`));

    const size = vm.properties?.hardwareProfile?.vmSize ?? "";
    const wantSize = expected?.size || live?.properties.providerSpecificDetails?.recoveryAzureVMSize || snapshot.recoveryVmSize;
    checks.push(
      check(
        "size",
        !wantSize || size.toLowerCase() === wantSize.toLowerCase(),
        `${size || "(none)"}${wantSize ? ` (expected ${wantSize})` : ""}`,
      ),
    );

    const nicRefs = vm.properties?.networkProfile?.networkInterfaces ?? [];
    const nics = nicRefs.map((r) => nicById.get(r.id.toLowerCase()));
    const wantNics = expectedNicCountOf(snapshot, expected);
    const nicDetail =
      wantNics === undefined
        ? `${nicRefs.length}`
        : `${nicRefs.length} (expected ${wantNics} = min(${snapshot.nics.length} source NICs, ${snapshot.targetSizeMaxNics ?? "?"} max for ${snapshot.recoveryVmSize}))`;
    checks.push(check("nic-count", wantNics === undefined || nicRefs.length === wantNics, nicDetail));

    const outside: string[] = [];
    nicRefs.forEach((r, i) => {
      const nic = nics[i];
      const subnets = (nic?.properties?.ipConfigurations ?? []).map((c) => c.properties?.subnet?.id ?? "");
      if (!nic) outside.push(`${r.id.split("/").pop()} (NIC not readable)`);
      else if (!subnets.length || !subnets.every((s) => isUnder(s, `${inputs.testNetworkId}/subnets`)))
        outside.push(`${nic.name} in ${subnets.join(", ") || "no subnet"}`);
    });
    checks.push(
      check(
        "test-network",
        outside.length === 0,
        outside.length
          ? `outside the test network: ${outside.join("; ")}`
          : `all ${nicRefs.length} NIC(s) in ${inputs.testNetworkId.split("/").pop()}`,
      ),
    );

    const primaryRef = nicRefs.find((r) => r.properties?.primary) ?? nicRefs[0];
    const primaryNic = primaryRef ? nicById.get(primaryRef.id.toLowerCase()) : undefined;
    const ips = nics.map((n) => (n ? primaryIpConfig(n)?.properties?.privateIPAddress : undefined)).filter((x): x is string => !!x);
    const gotIp = primaryNic ? primaryIpConfig(primaryNic)?.properties?.privateIPAddress : undefined;
    const wantIp = expectedIpOf(snapshot, expected);
    if (wantIp) {
      const ourNics = new Set(nicRefs.map((r) => r.id.toLowerCase()));
      const holder = v.nics.find(
        (n) =>
          !ourNics.has(n.id.toLowerCase()) &&
          (n.properties?.ipConfigurations ?? []).some(
            (c) => c.properties?.privateIPAddress === wantIp && isUnder(c.properties?.subnet?.id, inputs.testNetworkId),
          ),
      );
      const subnetName = primaryNic ? idSegment(primaryIpConfig(primaryNic)?.properties?.subnet?.id, "subnets") : undefined;
      const prefix = inputs.testSubnets.find((s) => s.name.toLowerCase() === subnetName?.toLowerCase())?.addressPrefix;
      const unusable = prefix ? staticIpProblem(prefix, wantIp) : undefined;
      if (gotIp === wantIp) checks.push(check("ip", true, `${gotIp}`));
      // ASR rightly takes another free address, but whatever is wired to the expected one breaks: a finding.
      else if (holder) checks.push(check("ip", false, `expected ${wantIp} (taken by ${holderLabel(holder, v)}), got ${gotIp ?? "(none)"}`));
      else if (unusable)
        checks.push(check("ip", true, `${gotIp ?? "(none)"}: ${wantIp} cannot be used in subnet ${subnetName} (${unusable})`));
      else checks.push(check("ip", false, `${gotIp ?? "(none)"} (expected ${wantIp}, which was free in the test network)`));
    } else if (gotIp) {
      const cidr = primaryNic
        ? inputs.testSubnets.find(
            (s) => s.name.toLowerCase() === idSegment(primaryIpConfig(primaryNic)?.properties?.subnet?.id, "subnets")?.toLowerCase(),
          )
        : undefined;
      const c = cidr ? parseCidr(cidr.addressPrefix) : undefined;
      const ip = parseIpv4(gotIp);
      checks.push(check("ip", !c || (ip !== undefined && ip >= c.network && ip < c.network + c.size), `${gotIp} (DHCP)`));
    }

    const inGuest = v.inGuest?.get(testVmName.toLowerCase()) ?? [];
    for (const r of inGuest) checks.push(r);
    const verifiedAt = verifiedAtOf(checks, timings.runningAt, v.inGuestEndedAt?.get(testVmName.toLowerCase()), inGuest.length > 0);

    for (const c of checks) if (!c.passed) failures.push(`${snapshot.friendlyName} (${testVmName}): ${c.name}: ${c.detail}`);
    testVms.push({
      friendlyName: snapshot.friendlyName,
      protectedItemId: snapshot.protectedItemId,
      resourceGroup: idSegment(vm.id, "resourceGroups"),
      testVmId: vm.id,
      testVmName: vm.name,
      size,
      powerState: power,
      ips,
      nicCount: nicRefs.length,
      nicIds: nicRefs.map((r) => r.id),
      checks,
      ...timings,
      ...(verifiedAt ? { verifiedAt } : {}),
    });
  }
  const secs = testVms.map((t) => t.secondsToRunning).filter((s): s is number => s !== undefined);
  const rtoAchievedSeconds = secs.length === testVms.length && secs.length ? Math.max(...secs) : undefined;
  if (inputs.rtoTargetMinutes !== undefined && rtoAchievedSeconds !== undefined && rtoAchievedSeconds > inputs.rtoTargetMinutes * 60) {
    failures.push(
      `RTO: the last test VM was running ${rtoAchievedSeconds} s after the trigger; the target is ${inputs.rtoTargetMinutes} min`,
    );
  }
  return { testVms, failures, groupTimings: [], rtoAchievedSeconds };
}

export { sameArmId };
