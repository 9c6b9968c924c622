// The TestFailover dynamic provider's implementation. components/testFailover.ts holds only a tiny
// serializable shim that requires the compiled copy of this module (dist/components/asr/provider.js)
// from process.cwd() at call time; everything here is plain, directly testable TypeScript.
//
// State machine of a protected item (reference/asr-api.md §6): None → (job running) →
// WaitingForCompletion → [cleanup] → MarkedForDeletion → None.
import type {
  ItemSettingsSnapshot,
  TestFailoverInputs,
  TestFailoverOutputs,
  VmCheckResult,
} from "../contract";
import { ArmError } from "./armClient";
import { exitWhenEngineGone } from "./engineGone";
import { SiteRecoveryDrillClient, SiteRecoveryDrillClientOptions, TestFailoverTarget } from "./asrClient";
import { idSegment, isUnder, lastSegment, sameArmId } from "../contract";
import { realTime } from "./ids";
import { JobPoller, JobTimeoutError } from "./jobFollower";
import type { Job, JobErrorDetails, ProtectedItem, RecoveryPlan, RecoveryPoint } from "./types";
import { groupTimings, recoveryResourceGroupOf, testVmNameOf, TestVmReportEx, verifyTestVms } from "./verifier";

// Loaded by the dynamic-provider host: if `pulumi` dies, exit instead of spinning on broken pipes.
exitWhenEngineGone();

/** The resource's state: the contract's outputs plus a few fields the provider needs later. */
export interface TestFailoverState extends TestFailoverOutputs {
  testVms: TestVmReportEx[];
  /** True when create adopted a test failover an earlier (killed) `up` had started. */
  adopted: boolean;
  /** ARM requests the create (or last update) sent, for the drill's cost report. */
  armRequests: number;
}

export interface ProviderDeps {
  log?: (line: string) => void;
  /** Overrides for tests (sleep, pollIntervalInMs, retry options). */
  clientOptions?: Partial<SiteRecoveryDrillClientOptions>;
}

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const MAX_NOTES = 1024;
/** Inputs whose change needs a new test failover (ASR allows one active test failover per item). */
export const REPLACE_KEYS = ["scope", "testNetworkId", "vault", "recoveryPointType", "failoverDirection"] as const;
const OUTPUT_ONLY_KEYS = ["jobIds", "testVms", "groupTimings", "rtoAchievedSeconds", "verdict", "failures", "adopted", "armRequests"];

/** The error form the dynamic-provider host turns into ErrorResourceInitFailed: the resource is recorded. */
export class ResourceInitError extends Error {
  readonly properties: Record<string, unknown>;
  constructor(message: string, readonly id: string, properties: Record<string, unknown>, readonly reasons: string[]) {
    super(message);
    this.name = "ResourceInitError";
    // The host encodes these with protobuf Struct.fromJavaScript, which throws on `undefined` (and on
    // class instances): the create would then never answer and `pulumi up` hangs with the stack locked.
    // A JSON round trip keeps exactly what state can hold.
    this.properties = JSON.parse(JSON.stringify(properties)) as Record<string, unknown>;
  }
}

// ---------------------------------------------------------------- helpers

function stripProvider<T extends Record<string, unknown>>(o: T): T {
  const { __provider: _p, ...rest } = o as Record<string, unknown>;
  return rest as T;
}

function inputsOf(o: Record<string, unknown>): TestFailoverInputs {
  const rest = stripProvider({ ...o });
  for (const k of OUTPUT_ONLY_KEYS) delete (rest as Record<string, unknown>)[k];
  return rest as unknown as TestFailoverInputs;
}

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, val) =>
    val && typeof val === "object" && !Array.isArray(val) ? Object.fromEntries(Object.keys(val).sort().map((k) => [k, val[k]])) : val,
  );
}

function prefix(inputs: TestFailoverInputs): string {
  return `drill ${inputs.drillId} ${inputs.role}`;
}

function makeClient(inputs: TestFailoverInputs, deps: ProviderDeps): SiteRecoveryDrillClient {
  const log = deps.log ?? ((line: string) => console.log(line));
  return new SiteRecoveryDrillClient(inputs.vault, {
    ...inputs.arm,
    log: (line) => log(`[${prefix(inputs)}] ${line}`),
    ...deps.clientOptions,
  });
}

/** The resource id: the scope's ARM id(s) — stable across adopt/retry, known before anything starts. */
export function resourceIdOf(inputs: TestFailoverInputs): string {
  if (inputs.scope.kind === "recoveryPlan") return inputs.scope.recoveryPlanId;
  return inputs.scope.items.map((i) => i.id).join(",");
}

function jobErrorText(e: JobErrorDetails): string {
  const s = e.serviceErrorDetails;
  const p = e.providerErrorDetails;
  const parts = [
    s?.code || s?.message ? `${s?.code ?? ""}${s?.code && s?.message ? ": " : ""}${s?.message ?? ""}` : undefined,
    p?.errorCode || p?.errorMessage ? `provider ${p?.errorCode ?? ""} ${p?.errorMessage ?? ""}`.trim() : undefined,
    s?.recommendedAction || p?.recommendedAction ? `recommended: ${s?.recommendedAction ?? p?.recommendedAction}` : undefined,
  ];
  return parts.filter(Boolean).join("; ");
}

export function jobFailureText(job: Job, label: string): string {
  const p = job.properties;
  const errs = [...(p.errors ?? [])];
  const walk = (tasks: Job["properties"]["tasks"]) => {
    for (const t of tasks ?? []) {
      for (const e of t.errors ?? []) errs.push({ ...e, taskId: e.taskId ?? t.name ?? t.friendlyName });
      walk(t.groupTaskCustomDetails?.childTasks);
    }
  };
  walk(p.tasks);
  const failedTask = (p.tasks ?? []).find((t) => t.state === "Failed");
  const unique = [...new Set(errs.map(jobErrorText).filter(Boolean))];
  return `${label}: ASR job ${job.name} ${p.state}${failedTask ? ` at task "${failedTask.friendlyName ?? failedTask.name}"` : ""}${unique.length ? `: ${unique.join(" | ")}` : ""}`;
}

type ItemPhase = "idle" | "running" | "waiting" | "cleaning";

export function itemPhase(item: ProtectedItem): ItemPhase {
  const tfs = (item.properties.testFailoverState ?? "").toLowerCase();
  const scen = (item.properties.currentScenario?.scenarioName ?? "").toLowerCase();
  if (tfs === "waitingforcompletion") return "waiting";
  if (tfs === "markedfordeletion") return "cleaning";
  // currentScenario lingers after a job ends (twin and service alike), so it only qualifies a
  // non-idle state; an accepted-but-not-yet-visible job is found through the job list instead.
  if (tfs === "" || tfs === "none") return "idle";
  if (scen === "testfailovercleanup" || /clean|delet/.test(tfs)) return "cleaning";
  return "running";
}

function activeJobName(scenario: { scenarioName?: string | null; jobId?: string | null } | null | undefined, scenarioName: string): string | undefined {
  if (!scenario?.jobId || (scenario.scenarioName ?? "").toLowerCase() !== scenarioName.toLowerCase()) return undefined;
  const name = lastSegment(scenario.jobId);
  return name.toLowerCase() === "none" ? undefined : name;
}

/** The network an active test failover of this item went into (vmNics[].tfoVMNetworkId). */
function tfoNetworkOf(item: ProtectedItem): string | undefined {
  return (item.properties.providerSpecificDetails?.vmNics ?? []).map((n) => n.tfoVMNetworkId).find((x): x is string => !!x);
}

function jobConcerns(job: Job, keys: string[]): boolean {
  const p = job.properties;
  const fields = [p.targetObjectId, p.targetObjectName, ...(p.customDetails?.protectedItemDetails ?? []).flatMap((d) => [d.name, d.friendlyName])]
    .filter((f): f is string => !!f)
    .map((f) => f.toLowerCase());
  return fields.some((f) => keys.some((k) => k && (f === k.toLowerCase() || isUnder(k, f) || f.endsWith(`/${k.toLowerCase()}`))));
}

/** The newest job of a scenario that concerns one of `keys` (ids, names, friendly names). */
async function findJob(client: SiteRecoveryDrillClient, scenario: string, keys: string[], since?: number, wantActive = false): Promise<Job | undefined> {
  const jobs = await client.listJobs();
  return jobs
    .filter((j) => (j.properties.scenarioName ?? "").toLowerCase() === scenario.toLowerCase())
    .filter((j) => jobConcerns(j, keys))
    .filter((j) => !since || !realTime(j.properties.startTime) || Date.parse(j.properties.startTime!) >= since - 5 * 60_000)
    .filter((j) => !wantActive || !["succeeded", "failed", "cancelled"].includes((j.properties.state ?? "").toLowerCase()))
    .sort((a, b) => Date.parse(b.properties.startTime ?? "0") - Date.parse(a.properties.startTime ?? "0"))[0];
}

interface Resolved {
  plan?: RecoveryPlan;
  itemIds: string[];
  items: Map<string, ProtectedItem>;
  missing: string[];
}

/** Reads the scope: the plan and its items, or the listed items. Per-item GETs for a few, else one list. */
async function resolveScope(client: SiteRecoveryDrillClient, inputs: TestFailoverInputs): Promise<Resolved> {
  let plan: RecoveryPlan | undefined;
  let itemIds: string[];
  if (inputs.scope.kind === "recoveryPlan") {
    plan = await client.getRecoveryPlan(inputs.scope.recoveryPlanName);
    if (!plan) return { itemIds: [], items: new Map(), missing: [`recovery plan ${inputs.scope.recoveryPlanName}`] };
    itemIds = (plan.properties.groups ?? []).flatMap((g) => (g.replicationProtectedItems ?? []).map((i) => i.id ?? "")).filter(Boolean);
  } else {
    itemIds = inputs.scope.items.map((i) => i.id);
  }
  const items = await readItems(client, itemIds);
  const missing = itemIds.filter((id) => !items.has(id.toLowerCase())).map((id) => `protected item ${friendlyOf(inputs, id)} (${id})`);
  return { plan, itemIds, items, missing };
}

async function readItems(client: SiteRecoveryDrillClient, ids: string[]): Promise<Map<string, ProtectedItem>> {
  const items = new Map<string, ProtectedItem>();
  if (ids.length <= 3) {
    for (const id of ids) {
      const it = await client.getProtectedItem(id);
      if (it) items.set(id.toLowerCase(), it);
    }
  } else {
    const all = await client.listProtectedItems();
    for (const id of ids) {
      const it = all.find((x) => sameArmId(x.id, id));
      if (it) items.set(id.toLowerCase(), it);
    }
  }
  return items;
}

function friendlyOf(inputs: TestFailoverInputs, id: string, live?: ProtectedItem): string {
  return (
    live?.properties.friendlyName ??
    inputs.items.find((i) => sameArmId(i.protectedItemId, id))?.friendlyName ??
    (inputs.scope.kind === "protectedItems" ? inputs.scope.items.find((i) => sameArmId(i.id, id))?.friendlyName : undefined) ??
    lastSegment(id)
  );
}

function snapshotsFor(inputs: TestFailoverInputs, resolved: Resolved): ItemSettingsSnapshot[] {
  // Verify every item the test failover touches; an item without a snapshot is checked on live settings.
  return resolved.itemIds.map((id) => {
    const snap = inputs.items.find((i) => sameArmId(i.protectedItemId, id));
    if (snap) return snap;
    const live = resolved.items.get(id.toLowerCase());
    const d = live?.properties.providerSpecificDetails;
    return {
      protectedItemId: id,
      friendlyName: friendlyOf(inputs, id, live),
      protectionState: live?.properties.protectionState ?? "",
      recoveryVmName: d?.recoveryAzureVmName ?? friendlyOf(inputs, id, live),
      recoveryVmSize: d?.recoveryAzureVMSize ?? "",
      nics: [],
      useManagedDisks: d?.useManagedDisks ?? "false",
      replicationStorageSseEnabled: false,
      recoveryResourceGroupId: d?.recoveryAzureResourceGroupId ?? undefined,
    };
  });
}

// ---------------------------------------------------------------- check / diff

export function check(_olds: Record<string, unknown>, news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: { property: string; reason: string }[] } {
  const inputs = news as unknown as TestFailoverInputs;
  const failures: { property: string; reason: string }[] = [];
  if (typeof inputs.notes === "string" && inputs.notes !== UNKNOWN && inputs.notes.length > MAX_NOTES) {
    failures.push({ property: "notes", reason: `notes are the test failover cleanup comments: at most ${MAX_NOTES} characters, got ${inputs.notes.length}` });
  }
  if (inputs.failoverDirection !== undefined && inputs.failoverDirection !== "PrimaryToRecovery" && (inputs.failoverDirection as string) !== UNKNOWN) {
    failures.push({ property: "failoverDirection", reason: `a drill runs PrimaryToRecovery only, got ${JSON.stringify(inputs.failoverDirection)}` });
  }
  const net = inputs.testNetworkId;
  if (typeof net === "string" && net !== UNKNOWN) {
    for (const it of Array.isArray(inputs.items) ? inputs.items : []) {
      if (sameArmId(it?.productionRecoveryNetworkId, net)) {
        failures.push({
          property: "testNetworkId",
          reason: `${net} is the production recovery network of ${it.friendlyName} (selectedRecoveryAzureNetworkId); a test failover must go to an isolated network`,
        });
      }
    }
  }
  return { inputs: news, failures };
}

export function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
  const oldIn = inputsOf(olds) as unknown as Record<string, unknown>;
  const newIn = inputsOf(news) as unknown as Record<string, unknown>;
  const keys = new Set([...Object.keys(oldIn), ...Object.keys(newIn)]);
  const changed = [...keys].filter((k) => stable(oldIn[k]) !== stable(newIn[k]));
  const replaces = changed.filter((k) => (REPLACE_KEYS as readonly string[]).includes(k));
  return {
    changes: changed.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0 ? true : undefined,
    stables: [...keys].filter((k) => !changed.includes(k)),
  };
}

// ---------------------------------------------------------------- verification

async function verify(
  client: SiteRecoveryDrillClient,
  inputs: TestFailoverInputs,
  resolved: Resolved,
  jobs: Job[],
  options: { runInGuest: boolean; previous?: TestVmReportEx[] },
) {
  const liveItems = await readItems(client, resolved.itemIds);
  const snaps = snapshotsFor(inputs, { ...resolved, items: liveItems });
  const sub = inputs.vault.subscriptionId;
  const rgs = new Map<string, { sub: string; rg: string }>();
  for (const s of snaps) {
    const live = liveItems.get(s.protectedItemId.toLowerCase());
    const rg = recoveryResourceGroupOf(s, live);
    const rgSub = idSegment(live?.properties.providerSpecificDetails?.recoveryAzureResourceGroupId || s.recoveryResourceGroupId, "subscriptions") ?? sub;
    if (rg) rgs.set(`${rgSub}/${rg}`.toLowerCase(), { sub: rgSub, rg });
  }
  const nicRgs = new Map(rgs);
  const netRg = idSegment(inputs.testNetworkId, "resourceGroups");
  const netSub = idSegment(inputs.testNetworkId, "subscriptions");
  if (netRg && netSub) nicRgs.set(`${netSub}/${netRg}`.toLowerCase(), { sub: netSub, rg: netRg });
  const names = snaps.map((s) => testVmNameOf(s, liveItems.get(s.protectedItemId.toLowerCase()), jobs));
  const vms = (await Promise.all([...rgs.values()].map((r) => client.virtualMachinesIn(r.sub, r.rg, names)))).flat();
  const vmNicIds = vms.flatMap((vm) => (vm.properties?.networkProfile?.networkInterfaces ?? []).map((n) => n.id));
  const nics = (await Promise.all([...nicRgs.values()].map((r) => client.networkInterfacesIn(r.sub, r.rg, vmNicIds)))).flat();

  const inGuest = new Map<string, VmCheckResult[]>();
  for (const s of snaps) {
    const expected = inputs.expected.find((e) => e.friendlyName.toLowerCase() === s.friendlyName.toLowerCase());
    const checks = expected?.inGuestChecks ?? [];
    if (!checks.length) continue;
    const live = liveItems.get(s.protectedItemId.toLowerCase());
    const name = testVmNameOf(s, live, jobs).toLowerCase();
    if (!options.runInGuest) {
      const prev = options.previous?.find((p) => p.testVmName.toLowerCase() === name);
      const kept = prev?.checks.filter((c) => checks.some((g) => `in-guest:${g.name}` === c.name)) ?? [];
      if (kept.length) inGuest.set(name, kept);
      continue;
    }
    const vm = vms.find((v) => v.name.toLowerCase() === name);
    const running = vm?.properties?.instanceView?.statuses?.some((x) => x.code === "PowerState/running");
    const results: VmCheckResult[] = [];
    for (const g of checks) {
      if (!vm || !running) {
        results.push({ name: `in-guest:${g.name}`, passed: false, detail: "not run: the test VM is not running" });
        continue;
      }
      try {
        const out = await client.runCommand(vm.id, g.commandId, g.script, 10 * 60_000);
        const text = (out.value ?? []).map((v) => v.message ?? "").join("\n");
        const passed = text.includes(g.expectOutputContains);
        results.push({ name: `in-guest:${g.name}`, passed, detail: passed ? `output contains ${JSON.stringify(g.expectOutputContains)}` : `output ${JSON.stringify(text.slice(0, 300))} does not contain ${JSON.stringify(g.expectOutputContains)}` });
      } catch (e) {
        results.push({ name: `in-guest:${g.name}`, passed: false, detail: `Run Command failed: ${(e as Error).message}` });
      }
    }
    inGuest.set(name, results);
  }

  const result = verifyTestVms({ inputs: { ...inputs, items: snaps }, liveItems, vms, nics, jobs, inGuest });
  result.groupTimings = groupTimings(jobs, (j) => j.properties.targetObjectName || j.properties.friendlyName || j.name);
  return { ...result, liveItems };
}

function outputs(inputs: TestFailoverInputs, fields: Partial<TestFailoverState>): TestFailoverState {
  return {
    ...inputs,
    jobIds: [],
    testVms: [],
    groupTimings: [],
    verdict: "failed",
    failures: [],
    adopted: false,
    armRequests: 0,
    ...fields,
  } as TestFailoverState;
}

function report(log: (l: string) => void, state: TestFailoverState): void {
  for (const vm of state.testVms) {
    const bad = vm.checks.filter((c) => !c.passed);
    log(`${vm.friendlyName} → ${vm.testVmName || "(no test VM)"}: ${vm.size || "-"} ${vm.powerState} ${vm.ips.join(",") || "-"} ${bad.length ? `FAILED ${bad.map((c) => c.name).join(", ")}` : "all checks passed"}${vm.secondsToRunning !== undefined ? `, running after ${vm.secondsToRunning} s` : ""}`);
  }
  log(`verdict: ${state.verdict}${state.failures.length ? `\n  - ${state.failures.join("\n  - ")}` : ""}`);
}

// ---------------------------------------------------------------- create

async function waitForIdle(client: SiteRecoveryDrillClient, ids: string[], timeoutInMs: number, what: string): Promise<Map<string, ProtectedItem>> {
  const started = Date.now();
  for (;;) {
    const items = await readItems(client, ids);
    const busy = [...items.values()].filter((i) => itemPhase(i) === "cleaning");
    if (!busy.length) return items;
    if (Date.now() - started > timeoutInMs) {
      throw new Error(`${what}: ${busy.map((b) => `${b.properties.friendlyName} is still ${b.properties.testFailoverState}`).join(", ")} after ${Math.round(timeoutInMs / 60000)} minutes`);
    }
    await client.sleep(client.arm.operationRetryAfterInMs ?? client.pollIntervalInMs);
  }
}

/** "ApplicationConsistent" per the spec's description; "AppConsistent" is how Azure Backup spells it. */
export function isApplicationConsistent(p: RecoveryPoint): boolean {
  return /^app(lication)?consistent$/i.test(p.properties?.recoveryPointType ?? "");
}

/** The newest application-consistent point (whatever order the service lists them in). */
export function newestApplicationConsistent(points: RecoveryPoint[]): RecoveryPoint | undefined {
  return points
    .filter((p) => isApplicationConsistent(p) && realTime(p.properties?.recoveryPointTime ?? undefined))
    .sort((a, b) => Date.parse(b.properties!.recoveryPointTime!) - Date.parse(a.properties!.recoveryPointTime!))[0];
}

function unhealthy(item: ProtectedItem): string[] {
  const errs = (item.properties.healthErrors ?? []).filter((h) => /error|critical/i.test(h.errorLevel ?? ""));
  const out = errs.map((h) => `${h.errorCode ?? "?"} (${h.errorLevel}${h.errorCategory ? `, ${h.errorCategory}` : ""}): ${h.errorMessage ?? h.summaryMessage ?? ""}${h.recommendedAction ? ` — ${h.recommendedAction}` : ""}`);
  if (!out.length && (item.properties.failoverHealth ?? "").toLowerCase() === "critical") out.push("failoverHealth is Critical");
  return out;
}

export async function create(rawInputs: Record<string, unknown>, deps: ProviderDeps = {}): Promise<{ id: string; outs: TestFailoverState }> {
  const inputs = inputsOf(rawInputs);
  const log = (line: string) => (deps.log ?? console.log)(`[${prefix(inputs)}] ${line}`);
  const checked = check({}, inputs as unknown as Record<string, unknown>);
  if (checked.failures.length) throw new Error(checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
  const client = makeClient(inputs, deps);
  const id = resourceIdOf(inputs);
  const tfoTimeout = inputs.timeouts.testFailoverMinutes * 60_000;

  // ---- preflight (reads only; a failure here records nothing) ----
  const resolved = await resolveScope(client, inputs);
  if (resolved.missing.length) {
    throw new Error(`preflight: ${resolved.missing.join(", ")} not found in vault ${inputs.vault.name} (resource group ${inputs.vault.resourceGroup}); check the drill's scope`);
  }
  for (const [, item] of resolved.items) {
    const prod = item.properties.providerSpecificDetails?.selectedRecoveryAzureNetworkId;
    if (sameArmId(prod, inputs.testNetworkId)) {
      throw new Error(`preflight: testNetworkId ${inputs.testNetworkId} is the production recovery network of ${item.properties.friendlyName}; a test failover must use an isolated network`);
    }
  }
  const vnet = await client.getVirtualNetwork(inputs.testNetworkId);
  if (!vnet) throw new Error(`preflight: the test network ${inputs.testNetworkId} does not exist; create the isolated test network first`);

  const label = (item: ProtectedItem) => `test failover of ${item.properties.friendlyName ?? item.name}`;
  let items = resolved.items;
  if ([...items.values()].some((i) => itemPhase(i) === "cleaning")) {
    log("waiting for an earlier test failover cleanup to finish (MarkedForDeletion → None)");
    items = await waitForIdle(client, resolved.itemIds, inputs.timeouts.cleanupMinutes * 60_000, "preflight");
  }
  // Active test failovers: adopt when into our network, refuse otherwise.
  const adoptJobs = new Map<string, string>(); // item id → job name (or plan)
  for (const [key, item] of items) {
    const phase = itemPhase(item);
    if (phase === "idle") continue;
    let net = tfoNetworkOf(item);
    const jobName = activeJobName(item.properties.currentScenario, "TestFailover");
    let job: Job | undefined;
    if (jobName) job = await client.getJob(jobName);
    if (!net && job) net = job.properties.customDetails?.networkName ?? undefined;
    const same = net ? sameArmId(net, inputs.testNetworkId) || net.toLowerCase() === lastSegment(inputs.testNetworkId).toLowerCase() : false;
    if (!same) {
      throw new Error(
        `preflight: ${item.properties.friendlyName} already has an active test failover (${item.properties.testFailoverState}) into ${net ?? "an unknown network"}, not ${inputs.testNetworkId}. ` +
          `Clean it up first: "Cleanup test failover" on ${item.properties.friendlyName} in the vault ${inputs.vault.name} (or the recovery plan), or \`pulumi destroy\` of the stack that started it.`,
      );
    }
    if (!job) job = await findJob(client, "TestFailover", [item.id, item.name, item.properties.friendlyName ?? ""]);
    adoptJobs.set(key, job?.name ?? "");
  }

  let plan = resolved.plan;
  const adopting = adoptJobs.size > 0;
  if (adopting && inputs.scope.kind === "recoveryPlan" && adoptJobs.size !== items.size) {
    const idle = [...items.values()].filter((i) => itemPhase(i) === "idle").map((i) => i.properties.friendlyName);
    throw new Error(`preflight: recovery plan ${plan?.name} is partly in a test failover (idle: ${idle.join(", ")}); clean up the plan's test failover first`);
  }
  const toTrigger = [...items.values()].filter((i) => itemPhase(i) === "idle");
  // Preflight of what we are about to trigger.
  const problems: string[] = [];
  const warnings: string[] = [];
  if (inputs.scope.kind === "recoveryPlan" && !adopting && !(plan?.properties.allowedOperations ?? []).includes("TestFailover")) {
    problems.push(`recovery plan ${plan?.name}: allowedOperations ${JSON.stringify(plan?.properties.allowedOperations ?? [])} does not contain TestFailover`);
  }
  for (const item of toTrigger) {
    const n = item.properties.friendlyName;
    if (inputs.scope.kind === "protectedItems" && !(item.properties.allowedOperations ?? []).includes("TestFailover")) {
      problems.push(`${n}: allowedOperations ${JSON.stringify(item.properties.allowedOperations ?? [])} does not contain TestFailover (protectionState ${item.properties.protectionState})`);
    }
    if (item.properties.protectionState && !/^protected$/i.test(item.properties.protectionState)) {
      problems.push(`${n}: protectionState is ${item.properties.protectionState}, not Protected`);
    }
    const health = unhealthy(item);
    if (health.length) problems.push(`${n}: health errors ${health.join("; ")}`);
    for (const h of item.properties.healthErrors ?? []) if (!/error|critical/i.test(h.errorLevel ?? "")) warnings.push(`${n}: ${h.errorCode} ${h.errorLevel}: ${h.errorMessage ?? h.summaryMessage ?? ""}`);
  }
  // Recovery point per item (a plan takes recoveryPointType itself): LatestApplicationConsistent is the
  // newest application-consistent point the item lists; Latest / LatestProcessed send no point (null =
  // "latest recovery point", HyperVReplicaAzureTestFailoverInput).
  const recoveryPoints = new Map<string, RecoveryPoint>();
  if (inputs.scope.kind === "protectedItems" && inputs.recoveryPointType === "LatestApplicationConsistent" && !problems.length) {
    for (const item of toTrigger) {
      const point = newestApplicationConsistent(await client.listRecoveryPoints(item.id));
      if (!point) problems.push(`${item.properties.friendlyName}: no application-consistent recovery point is available (recoveryPointType LatestApplicationConsistent); wait for the next app-consistent snapshot or choose Latest`);
      else recoveryPoints.set(item.id.toLowerCase(), point);
    }
  }
  for (const w of warnings) log(`preflight warning: ${w}`);
  if (problems.length) throw new Error(`preflight refused the test failover:\n  - ${problems.join("\n  - ")}`);

  // ---- trigger (from here on, any failure records the resource so destroy cleans up) ----
  const pollers: JobPoller[] = [];
  const jobIds: string[] = [];
  const record = (fields: Partial<TestFailoverState>) =>
    outputs(inputs, { jobIds: [...jobIds], adopted: adopting, armRequests: client.arm.stats.total, ...fields });
  try {
    if (inputs.scope.kind === "recoveryPlan") {
      const target: TestFailoverTarget = { kind: "recoveryPlan", id: inputs.scope.recoveryPlanId, label: `test failover of recovery plan ${inputs.scope.recoveryPlanName}` };
      if (adopting) {
        const jobName = activeJobName(plan?.properties.currentScenario, "TestFailover") ?? (await findJob(client, "TestFailover", [plan!.id, plan!.name]))?.name;
        if (!jobName) throw new Error(`recovery plan ${plan?.name}: its items are in a test failover into ${inputs.testNetworkId} but its job could not be found`);
        log(`adopting the test failover of recovery plan ${plan?.name} (job ${jobName}) started by an earlier run`);
        pollers.push(client.resumeJob(jobName, target.label));
      } else {
        const started = Date.now();
        log(`starting ${target.label} into ${lastSegment(inputs.testNetworkId)} (${inputs.recoveryPointType})`);
        pollers.push(
          await client.beginTestFailover(target, {
            networkId: inputs.testNetworkId,
            failoverDirection: inputs.failoverDirection,
            recoveryPointType: inputs.recoveryPointType,
            findAcceptedJob: async () => {
              const p = await client.getRecoveryPlan(inputs.scope.kind === "recoveryPlan" ? inputs.scope.recoveryPlanName : "");
              const jobName = activeJobName(p?.properties.currentScenario, "TestFailover");
              if (jobName) return jobName;
              return (await findJob(client, "TestFailover", [plan!.id, plan!.name], started))?.name;
            },
          }),
        );
      }
    } else {
      for (const [key, item] of items) {
        const target: TestFailoverTarget = { kind: "protectedItem", id: item.id, label: label(item) };
        const adopted = adoptJobs.get(key);
        if (adopted !== undefined) {
          if (!adopted) {
            // WaitingForCompletion without a findable job: nothing to follow; verify directly.
            log(`adopting the test failover of ${item.properties.friendlyName} (already WaitingForCompletion)`);
            continue;
          }
          log(`adopting the test failover of ${item.properties.friendlyName} (job ${adopted}) started by an earlier run`);
          pollers.push(client.resumeJob(adopted, target.label));
          continue;
        }
        const started = Date.now();
        const point = recoveryPoints.get(item.id.toLowerCase());
        log(`starting ${target.label} into ${lastSegment(inputs.testNetworkId)} (${point ? `recovery point ${point.name} of ${point.properties?.recoveryPointTime}, ${point.properties?.recoveryPointType}` : "latest recovery point"})`);
        pollers.push(
          await client.beginTestFailover(target, {
            networkId: inputs.testNetworkId,
            failoverDirection: inputs.failoverDirection,
            recoveryPointType: inputs.recoveryPointType,
            recoveryPointId: point?.id,
            findAcceptedJob: async () => {
              const now = await client.getProtectedItem(item.id);
              if (now && itemPhase(now) !== "idle") {
                const jobName = activeJobName(now.properties.currentScenario, "TestFailover") ?? (await findJob(client, "TestFailover", [item.id, item.name, item.properties.friendlyName ?? ""], started))?.name;
                if (!jobName) throw new Error(`${item.properties.friendlyName}: the test failover was accepted (state ${now.properties.testFailoverState}) but its job could not be found; run \`pulumi refresh\` then \`pulumi up\` to adopt it`);
                return jobName;
              }
              return (await findJob(client, "TestFailover", [item.id, item.name, item.properties.friendlyName ?? ""], started, true))?.name;
            },
          }),
        );
        jobIds.push(pollers[pollers.length - 1].state.jobName);
      }
    }
    for (const p of pollers) if (!jobIds.includes(p.state.jobName)) jobIds.push(p.state.jobName);

    // ---- follow ----
    // One job poll per interval whatever the number of items (one job-list read for several jobs).
    const settled = await client.followJobs(pollers, { timeoutInMs: tfoTimeout });
    const jobs: Job[] = [];
    const failures: string[] = [];
    settled.forEach((s, i) => {
      if (s.status === "fulfilled") {
        jobs.push(s.value);
        if ((s.value.properties.state ?? "").toLowerCase() !== "succeeded") failures.push(jobFailureText(s.value, pollers[i].state.label));
      } else {
        const e = s.reason as Error;
        failures.push(e instanceof JobTimeoutError ? `${e.message}; the resource is recorded: \`pulumi up\` again adopts it, \`pulumi destroy\` cleans it up` : `${pollers[i].state.label}: ${e.message}`);
        if (pollers[i].latest) jobs.push(pollers[i].latest!);
      }
    });

    // ---- verify ----
    log(failures.length ? "test failover job(s) did not succeed; checking what was created" : "test failover job(s) succeeded; verifying the test VMs");
    const v = await verify(client, inputs, resolved, jobs, { runInGuest: failures.length === 0 });
    const allFailures = [...failures, ...(failures.length ? [] : v.failures)];
    const state = record({
      jobIds,
      testVms: v.testVms,
      groupTimings: v.groupTimings,
      rtoAchievedSeconds: v.rtoAchievedSeconds,
      verdict: allFailures.length ? "failed" : "passed",
      failures: allFailures,
      armRequests: client.arm.stats.total,
    });
    report(log, state);
    log(`ARM requests for this test failover: ${client.arm.stats.total} (${client.arm.stats.retries} retries)`);
    if (allFailures.length) {
      throw new ResourceInitError(
        `the drill's test failover failed (the resource is recorded; \`pulumi destroy\` runs the test failover cleanup):\n  - ${allFailures.join("\n  - ")}`,
        id,
        state as unknown as Record<string, unknown>,
        allFailures,
      );
    }
    return { id, outs: state };
  } catch (e) {
    if (e instanceof ResourceInitError) throw e;
    if (!jobIds.length && !pollers.length && !adopting) {
      // Nothing was accepted by the service: nothing to record.
      throw e;
    }
    const message = (e as Error).message ?? String(e);
    const state = record({ verdict: "failed", failures: [message] });
    throw new ResourceInitError(`the drill's test failover failed after it was started (recorded; \`pulumi destroy\` cleans up): ${message}`, id, state as unknown as Record<string, unknown>, [message]);
  }
}

// ---------------------------------------------------------------- read / update

export async function read(id: string, props: Record<string, unknown>, deps: ProviderDeps = {}): Promise<{ id?: string; props?: Record<string, unknown> }> {
  const old = stripProvider(props) as unknown as TestFailoverState;
  const inputs = inputsOf(props);
  const client = makeClient(inputs, deps);
  const resolved = await resolveScope(client, inputs);
  const active = [...resolved.items.values()].filter((i) => itemPhase(i) !== "idle");
  if (!active.length) {
    (deps.log ?? console.log)(`[${prefix(inputs)}] refresh: no active test failover (cleaned up elsewhere); the resource is gone`);
    return {};
  }
  const jobs = (await Promise.all((old.jobIds ?? []).map((j) => client.getJob(j)))).filter((j): j is Job => !!j);
  const v = await verify(client, inputs, resolved, jobs, { runInGuest: false, previous: old.testVms });
  const failures = v.failures;
  const state = outputs(inputs, {
    ...old,
    testVms: v.testVms,
    groupTimings: v.groupTimings.length ? v.groupTimings : old.groupTimings,
    rtoAchievedSeconds: v.rtoAchievedSeconds ?? old.rtoAchievedSeconds,
    verdict: failures.length ? "failed" : "passed",
    failures,
  });
  return { id, props: state as unknown as Record<string, unknown> };
}

export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>, deps: ProviderDeps = {}): Promise<{ outs: TestFailoverState }> {
  const old = stripProvider(olds) as unknown as TestFailoverState;
  const inputs = inputsOf(news);
  const log = (line: string) => (deps.log ?? console.log)(`[${prefix(inputs)}] ${line}`);
  const client = makeClient(inputs, deps);
  const resolved = await resolveScope(client, inputs);
  const phases = [...resolved.items.values()].map(itemPhase);
  if (resolved.missing.length || !phases.some((p) => p === "waiting")) {
    throw new Error(
      `update: the test failover is no longer active (${resolved.missing.length ? `${resolved.missing.join(", ")} missing` : `states ${phases.join(", ")}`}); ` +
        "it was cleaned up outside Pulumi: run `pulumi refresh` (the resource disappears) and `pulumi up` for a new drill",
    );
  }
  log("expectations or notes changed: re-verifying the existing test VMs (no new test failover)");
  const jobs = (await Promise.all((old.jobIds ?? []).map((j) => client.getJob(j)))).filter((j): j is Job => !!j);
  const v = await verify(client, inputs, resolved, jobs, { runInGuest: true, previous: old.testVms });
  const state = outputs(inputs, {
    jobIds: old.jobIds ?? [],
    adopted: old.adopted ?? false,
    testVms: v.testVms,
    groupTimings: v.groupTimings.length ? v.groupTimings : old.groupTimings ?? [],
    rtoAchievedSeconds: v.rtoAchievedSeconds ?? old.rtoAchievedSeconds,
    verdict: v.failures.length ? "failed" : "passed",
    failures: v.failures,
    armRequests: client.arm.stats.total,
  });
  report(log, state);
  if (v.failures.length) {
    throw new ResourceInitError(`re-verification failed:\n  - ${v.failures.join("\n  - ")}`, id, state as unknown as Record<string, unknown>, v.failures);
  }
  return { outs: state };
}

// ---------------------------------------------------------------- delete

export async function del(id: string, props: Record<string, unknown>, deps: ProviderDeps = {}): Promise<void> {
  const old = stripProvider(props) as unknown as TestFailoverState;
  const inputs = inputsOf(props);
  const log = (line: string) => (deps.log ?? console.log)(`[${prefix(inputs)}] ${line}`);
  const client = makeClient(inputs, deps);
  const timeout = inputs.timeouts.cleanupMinutes * 60_000;
  const started = Date.now();
  const comments = (inputs.notes ?? "").slice(0, MAX_NOTES);

  let resolved = await resolveScope(client, inputs);
  if (resolved.missing.length) log(`cleanup: ${resolved.missing.join(", ")} no longer exist(s); cleaning up what remains`);

  for (let attempt = 1; ; attempt++) {
    // A test failover still running (e.g. destroy after a killed up): let it reach a state cleanup accepts.
    const running = [...resolved.items.values()].filter((i) => itemPhase(i) === "running");
    const runningJobs = new Set<string>();
    for (const i of running) {
      const j = activeJobName(i.properties.currentScenario, "TestFailover") ?? (await findJob(client, "TestFailover", [i.id, i.name, i.properties.friendlyName ?? ""], undefined, true))?.name;
      if (j) runningJobs.add(j);
    }
    if (resolved.plan) {
      const pj = activeJobName(resolved.plan.properties.currentScenario, "TestFailover");
      if (pj && running.length) {
        runningJobs.clear();
        runningJobs.add(pj);
      }
    }
    for (const j of runningJobs) {
      log(`waiting for the running test failover job ${j} before cleaning up`);
      await client.resumeJob(j, "test failover (before cleanup)").pollUntilDone({ timeoutInMs: Math.max(1, timeout - (Date.now() - started)) });
    }
    if (runningJobs.size) resolved = await resolveScope(client, inputs);

    const waiting = [...resolved.items.values()].filter((i) => itemPhase(i) === "waiting");
    if (!waiting.length) break;
    const pollers: JobPoller[] = [];
    const planAllows = resolved.plan && (resolved.plan.properties.allowedOperations ?? []).includes("TestFailoverCleanup");
    if (planAllows && inputs.scope.kind === "recoveryPlan") {
      const target: TestFailoverTarget = { kind: "recoveryPlan", id: resolved.plan!.id, label: `test failover cleanup of recovery plan ${resolved.plan!.name}` };
      log(`starting ${target.label}`);
      pollers.push(
        await client.beginTestFailoverCleanup(target, comments, async () => {
          const p = await client.getRecoveryPlan(resolved.plan!.name);
          return activeJobName(p?.properties.currentScenario, "TestFailoverCleanup");
        }),
      );
    } else {
      for (const item of waiting) {
        const target: TestFailoverTarget = { kind: "protectedItem", id: item.id, label: `test failover cleanup of ${item.properties.friendlyName}` };
        log(`starting ${target.label}`);
        pollers.push(
          await client.beginTestFailoverCleanup(target, comments, async () => {
            const now = await client.getProtectedItem(item.id);
            if (now && itemPhase(now) !== "waiting") {
              return activeJobName(now.properties.currentScenario, "TestFailoverCleanup") ?? (await findJob(client, "TestFailoverCleanup", [item.id, item.name, item.properties.friendlyName ?? ""]))?.name ?? "unknown";
            }
            return undefined;
          }),
        );
      }
    }
    const failed: string[] = [];
    const following = pollers.filter((p) => p.state.jobName !== "unknown");
    const done = await client.followJobs(following, { timeoutInMs: Math.max(1, timeout - (Date.now() - started)) });
    done.forEach((d, i) => {
      if (d.status === "rejected") throw d.reason;
      if ((d.value.properties.state ?? "").toLowerCase() !== "succeeded") failed.push(jobFailureText(d.value, following[i].state.label));
    });
    resolved = await resolveScope(client, inputs);
    if (!failed.length) break;
    const still = [...resolved.items.values()].filter((i) => itemPhase(i) === "waiting");
    if (!still.length) break;
    if (attempt >= 3) throw new Error(`test failover cleanup failed ${attempt} times:\n  - ${failed.join("\n  - ")}\nThe resource stays in state; \`pulumi destroy\` again retries the cleanup.`);
    log(`cleanup did not succeed (${failed.join(" | ")}); retrying (attempt ${attempt + 1} of 3)`);
  }

  // MarkedForDeletion → None.
  await waitForIdle(client, resolved.itemIds, Math.max(1, timeout - (Date.now() - started)), "cleanup");

  // The test VMs and their NICs must be gone.
  const rgs = new Map<string, { sub: string; rg: string }>();
  for (const vm of old.testVms ?? []) {
    const rg = vm.resourceGroup ?? idSegment(vm.testVmId, "resourceGroups");
    const sub = idSegment(vm.testVmId, "subscriptions") ?? inputs.vault.subscriptionId;
    if (rg) rgs.set(`${sub}/${rg}`.toLowerCase(), { sub, rg });
  }
  for (const s of snapshotsFor(inputs, resolved)) {
    const rg = recoveryResourceGroupOf(s, resolved.items.get(s.protectedItemId.toLowerCase()));
    if (rg) rgs.set(`${inputs.vault.subscriptionId}/${rg}`.toLowerCase(), { sub: inputs.vault.subscriptionId, rg });
  }
  const names = new Set([
    ...(old.testVms ?? []).map((v) => v.testVmName.toLowerCase()).filter(Boolean),
    ...snapshotsFor(inputs, resolved).map((s) => testVmNameOf(s, resolved.items.get(s.protectedItemId.toLowerCase()), []).toLowerCase()),
  ]);
  const nicIds = new Set((old.testVms ?? []).flatMap((v) => v.nicIds ?? []).map((n) => n.toLowerCase()));
  const leftovers: string[] = [];
  for (const r of rgs.values()) {
    const [vms, nics] = await Promise.all([client.virtualMachinesIn(r.sub, r.rg, [...names]), client.networkInterfacesIn(r.sub, r.rg, [...nicIds])]);
    for (const vm of vms) if (names.has(vm.name.toLowerCase())) leftovers.push(`VM ${vm.id}`);
    for (const nic of nics) {
      const attachedTo = nic.properties?.virtualMachine?.id?.split("/").pop()?.toLowerCase();
      if (nicIds.has(nic.id.toLowerCase()) || (attachedTo && names.has(attachedTo))) leftovers.push(`NIC ${nic.id}`);
    }
  }
  if (leftovers.length) {
    throw new Error(`test failover cleanup finished but left test resources behind:\n  - ${leftovers.join("\n  - ")}\nDelete them in the portal, then \`pulumi destroy\` again.`);
  }
  log(`test failover cleaned up (comments: ${JSON.stringify(comments.slice(0, 80))}${comments.length > 80 ? "…" : ""}); ARM requests: ${client.arm.stats.total}`);
}

export { del as delete };
export { ArmError };
