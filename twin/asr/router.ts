// The Site Recovery REST surface (asr-api.md §2): vault, fabrics, containers, protected items,
// recovery plans, jobs, operation status/results, testFailover/testFailoverCleanup, PATCH,
// targetComputeSizes. Payload shapes follow reference/asr-examples.
import type { Twin } from "../twin";
import type { ArmResource, Json } from "../store";
import { ArmError, badRequest, conflict } from "../errors";
import { methodNotAllowed, noProvider, requireMethod, type Reply, type RequestCtx } from "../http";
import type { ArmPath } from "../arm/path";
import { asrApiVersionSupported } from "../arm/resourceTypes";
import { page } from "../arm/lookup";
import { VM_SIZES, findVmSize } from "../arm/vmSizes";
import { VM_NAME } from "../arm/compute";
import type { JobRecord, Scenario, StageRecord } from "./jobTypes";
import { CLEANUP_TASKS, TFO_TASKS, newStage, newUnit } from "./engine";
import { jobItemIds, onJobAccepted } from "./testFailover";
import { renderJob, renderOperationStatus } from "./render";
import { findRecoveryPoint, pointForType, recoveryPointsOf, renderRecoveryPoint } from "./recoveryPoints";

export const T = {
  vault: "Microsoft.RecoveryServices/vaults",
  fabric: "Microsoft.RecoveryServices/vaults/replicationFabrics",
  container: "Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers",
  item: "Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/replicationProtectedItems",
  plan: "Microsoft.RecoveryServices/vaults/replicationRecoveryPlans",
  job: "Microsoft.RecoveryServices/vaults/replicationJobs",
};

export function routeAsr(twin: Twin, ctx: RequestCtx, p: ArmPath): Reply {
  if (!asrApiVersionSupported(ctx.apiVersion)) throw noProvider(["vaults", ...p.types.slice(1)].join("/"), ctx);
  const types = p.types.map((t) => t.toLowerCase());
  const leaf = p.leaf?.toLowerCase();
  const size = twin.state.settings.pageSize;
  if (types.length === 0) {
    if (leaf !== "vaults") throw noProvider(p.leaf ?? "", ctx);
    requireMethod(ctx, ["GET"]);
    const rgPrefix = `/subscriptions/${p.subscriptionId}/resourcegroups/${p.resourceGroup}/`.toLowerCase();
    return {
      status: 200,
      body: page(
        twin.ofType(T.vault).filter((v) => v.id.toLowerCase().startsWith(rgPrefix)),
        ctx,
        size,
      ),
    };
  }
  if (types[0] !== "vaults") throw noProvider(p.types.join("/"), ctx);
  const vaultPath = `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${p.names[0]}`;
  const vault = twin.get(vaultPath);
  if (!vault) throw notFoundAsr("vaults", p.names[0]);
  const sub = types.slice(1).join("/");
  const objectId = () =>
    `${vault.id}/${p.types
      .slice(1)
      .map((t, i) => `${canonicalSeg(t)}/${p.names[i + 1]}`)
      .join("/")}`;
  const get = (type: string) => {
    const r = twin.get(objectId());
    if (!r || r.type !== type) throw notFoundAsr(type.split("/").pop() ?? "", p.names[p.names.length - 1]);
    return r;
  };
  // Protected-item lists page with `skipToken` in the nextLink (SDK recording ListAllProtectedItem.json).
  const listUnder = (parentId: string, type: string) =>
    page(
      twin.ofType(type).filter((r) => r.id.toLowerCase().startsWith(parentId.toLowerCase() + "/")),
      ctx,
      size,
      type === T.item ? "skipToken" : "$skiptoken",
    );

  switch (sub) {
    case "":
      if (!leaf) {
        requireMethod(ctx, ["GET"]);
        return { status: 200, body: vault };
      }
      requireMethod(ctx, ["GET"]);
      switch (leaf) {
        case "replicationfabrics":
          return { status: 200, body: listUnder(vault.id, T.fabric) };
        case "replicationprotectioncontainers":
          return { status: 200, body: listUnder(vault.id, T.container) };
        case "replicationprotecteditems":
          return { status: 200, body: listUnder(vault.id, T.item) };
        case "replicationrecoveryplans":
          return { status: 200, body: listUnder(vault.id, T.plan) };
        case "replicationjobs": {
          const jobs = Object.values(twin.state.jobs)
            .filter((j) => j.vaultId.toLowerCase() === vault.id.toLowerCase())
            .sort((a, b) => b.createdMs - a.createdMs)
            .map((j) => renderJob(twin, j));
          return { status: 200, body: page(jobs, ctx, size) };
        }
        default:
          throw noProvider(`vaults/${p.leaf}`, ctx);
      }
    case "replicationfabrics":
      requireMethod(ctx, ["GET"]);
      if (!leaf) return { status: 200, body: get(T.fabric) };
      if (leaf === "replicationprotectioncontainers") return { status: 200, body: listUnder(get(T.fabric).id, T.container) };
      throw noProvider(`vaults/replicationFabrics/${p.leaf}`, ctx);
    case "replicationfabrics/replicationprotectioncontainers":
      requireMethod(ctx, ["GET"]);
      if (!leaf) return { status: 200, body: get(T.container) };
      if (leaf === "replicationprotecteditems") return { status: 200, body: listUnder(get(T.container).id, T.item) };
      throw noProvider(`vaults/replicationFabrics/replicationProtectionContainers/${p.leaf}`, ctx);
    case "replicationfabrics/replicationprotectioncontainers/replicationprotecteditems": {
      const item = get(T.item);
      if (!leaf) {
        if (ctx.method === "GET") return { status: 200, body: item };
        if (ctx.method === "PATCH") return updateItem(twin, ctx, vault, item);
        throw methodNotAllowed(ctx);
      }
      switch (leaf) {
        case "testfailover":
          requireMethod(ctx, ["POST"]);
          return testFailoverItem(twin, ctx, vault, item);
        case "testfailovercleanup":
          requireMethod(ctx, ["POST"]);
          return cleanupItem(twin, ctx, vault, item);
        case "targetcomputesizes":
          requireMethod(ctx, ["GET"]);
          return { status: 200, body: page(targetComputeSizes(item), ctx, 200) };
        case "recoverypoints":
          requireMethod(ctx, ["GET"]);
          return { status: 200, body: page(recoveryPointsOf(item, twin.now()).map(renderRecoveryPoint), ctx, size) };
        default:
          throw noProvider(`${T.item}/${p.leaf}`, ctx);
      }
    }
    case "replicationfabrics/replicationprotectioncontainers/replicationprotecteditems/operationresults":
    case "replicationrecoveryplans/operationresults": {
      requireMethod(ctx, ["GET"]);
      return operationResult(twin, ctx, p.names[p.names.length - 1]);
    }
    case "replicationrecoveryplans": {
      const plan = get(T.plan);
      if (!leaf) {
        requireMethod(ctx, ["GET"]);
        return { status: 200, body: plan };
      }
      requireMethod(ctx, ["POST"]);
      if (leaf === "testfailover") return testFailoverPlan(twin, ctx, vault, plan);
      if (leaf === "testfailovercleanup") return cleanupPlan(twin, ctx, vault, plan);
      throw noProvider(`${T.plan}/${p.leaf}`, ctx);
    }
    case "replicationjobs": {
      if (leaf) throw noProvider(`${T.job}/${p.leaf}`, ctx);
      requireMethod(ctx, ["GET"]);
      const job = findJob(twin, p.names[1]);
      if (!job) throw notFoundAsr("replicationJobs", p.names[1]);
      return { status: 200, body: renderJob(twin, job) };
    }
    case "replicationoperationstatus": {
      requireMethod(ctx, ["GET"]);
      const job = findJob(twin, p.names[1]);
      if (!job) throw notFoundAsr("replicationOperationStatus", p.names[1]);
      // No Retry-After on these GETs, x-ms-request-id = the job's ARM id once (.NET ASRTests/TestFailover.json).
      return { status: 200, body: renderOperationStatus(job), headers: { "x-ms-request-id": jobArmId(job) } };
    }
    default:
      throw noProvider(`vaults/${p.types.slice(1).join("/")}`, ctx);
  }
}

const SEGMENTS: Record<string, string> = {
  replicationfabrics: "replicationFabrics",
  replicationprotectioncontainers: "replicationProtectionContainers",
  replicationprotecteditems: "replicationProtectedItems",
  replicationrecoveryplans: "replicationRecoveryPlans",
  replicationjobs: "replicationJobs",
};
const canonicalSeg = (s: string) => SEGMENTS[s.toLowerCase()] ?? s;

function notFoundAsr(type: string, name: string): ArmError {
  return new ArmError(404, "NotFound", `The ${type} object '${name}' could not be found. Verify the name and try again.`);
}

function findJob(twin: Twin, name: string): JobRecord | undefined {
  return twin.state.jobs[name.toLowerCase()];
}

function requireBodyProperties(ctx: RequestCtx, what: string, required = true): Json {
  const b = ctx.body;
  if (b === undefined && !required) return {};
  if (!b || typeof b !== "object" || Array.isArray(b) || (required && (typeof b.properties !== "object" || b.properties === null))) {
    throw badRequest(
      "InvalidRequestContent",
      `The request content was invalid and could not be deserialized: '${what}.properties' is required.`,
    );
  }
  return b.properties ?? {};
}

function active(twin: Twin, item: ArmResource): boolean {
  return twin.state.meta[item.id.toLowerCase()]?.activeJob !== undefined;
}

/** "A second test failover while one is active is rejected." */
function gate(twin: Twin, item: ArmResource, op: "TestFailover" | "TestFailoverCleanup"): void {
  const name = item.properties.friendlyName;
  if (active(twin, item)) {
    throw conflict(
      "AnotherOperationInProgress",
      `Another operation is in progress on the protected item '${name}' (job ${twin.state.meta[item.id.toLowerCase()]?.activeJob}). Wait for it to complete and retry.`,
    );
  }
  if (!(item.properties.allowedOperations ?? []).includes(op)) {
    throw badRequest(
      "OperationNotAllowedInCurrentState",
      `The operation '${op}' isn't allowed on the protected item '${name}' in its current state (testFailoverState '${item.properties.testFailoverState}'). Allowed operations: ${(item.properties.allowedOperations ?? []).join(", ") || "none"}.`,
    );
  }
}

function createJob(
  twin: Twin,
  vault: ArmResource,
  scenario: Scenario,
  target: ArmResource,
  kind: "item" | "plan",
  stages: StageRecord[],
  extra: Partial<JobRecord>,
): JobRecord {
  const name = twin.newName();
  const now = twin.now();
  const friendly: Record<Scenario, string> = {
    TestFailover: "Test failover",
    TestFailoverCleanup: "Test failover cleanup",
    UpdateVmProperties: "Update the virtual machine",
  };
  const job: JobRecord = {
    name,
    id: `${vault.id}/replicationJobs/${name}`,
    vaultId: vault.id,
    scenario,
    friendlyName: friendly[scenario],
    targetKind: kind,
    targetId: target.id,
    targetObjectId: kind === "item" ? target.name : (target.properties.friendlyName ?? target.name),
    targetObjectName: target.properties.friendlyName ?? target.name,
    createdMs: now,
    // The first GET right after the 202 may be the NotStarted skeleton (asr-api.md §3.2).
    startMs: now + 1000,
    state: "NotStarted",
    stages,
    errors: [],
    activityId: `${twin.newName()} ActivityId: ${twin.newName()}`,
    ...extra,
  };
  twin.state.jobs[name.toLowerCase()] = job;
  onJobAccepted(twin, job, jobItemIds(job));
  twin.commit();
  return job;
}

/**
 * The regional ARM host the real service names in Location / Azure-AsyncOperation
 * (`https://centraluseuap.management.azure.com/…` when called on management.azure.com — .NET
 * ASRTests/TestFailover.json). A client must take only the job name from them, never follow them to
 * another host; for a twin on 127.0.0.1 the regional host is `<region>.localhost` (an IP has no subdomain).
 */
export function regionalBaseUrl(baseUrl: string, region: string): string {
  const u = new URL(baseUrl);
  const host = /^[\d.]+$|^\[|^localhost$/i.test(u.hostname) ? "localhost" : u.hostname;
  return `${u.protocol}//${region}.${host}${u.port ? `:${u.port}` : ""}`;
}

/** x-ms-request-id as recorded: the job's ARM id, listed twice (one header line, RFC 9110 list form). */
function jobRequestId(job: JobRecord): Record<string, string> {
  return { "x-ms-request-id": `${jobArmId(job)}, ${jobArmId(job)}` };
}

/** Recorded ids use "/Subscriptions/" with a capital S. */
function jobArmId(job: JobRecord): string {
  return job.id.replace(/^\/subscriptions\//i, "/Subscriptions/");
}

/** 202, empty body, regional Location + Azure-AsyncOperation, Retry-After: 30, x-ms-request-id twice. */
function accepted(twin: Twin, ctx: RequestCtx, target: ArmResource, vault: ArmResource, job: JobRecord): Reply {
  const v = `api-version=${encodeURIComponent(ctx.apiVersion)}`;
  const base = regionalBaseUrl(ctx.baseUrl, vault.location ?? "westeurope");
  return {
    status: 202,
    headers: {
      Location: `${base}${target.id}/operationresults/${job.name}?${v}`,
      "Azure-AsyncOperation": `${base}${vault.id}/replicationOperationStatus/${job.name}?${v}`,
      ...twin.retryAfter(30),
      ...jobRequestId(job),
    },
  };
}

/**
 * Whether the test failover input carries a KEK certificate (…FailoverInput.primaryKekCertificatePfx, the
 * PFX in base 64). Only that fact is kept: the twin persists its state, and a certificate does not belong
 * there. Checking the certificate against the fabric's kekCertThumbprint is not modelled (chosen).
 */
function kekProvided(psd: Json): boolean {
  const pfx = psd?.primaryKekCertificatePfx;
  // Empty counts as none: older azure-powershell cmdlets sent PrimaryKekCertificatePfx = string.Empty.
  if (pfx === undefined || pfx === null || pfx === "") return false;
  if (typeof pfx !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(pfx))
    throw badRequest("InvalidRequestContent", "providerSpecificDetails.primaryKekCertificatePfx must be the certificate's PFX in base 64.");
  return true;
}

function tfoNetwork(ctx: RequestCtx, props: Json): { networkId?: string; networkType: string } {
  const networkType = props.networkType ?? "VmNetworkAsInput";
  if (typeof networkType !== "string") throw badRequest("InvalidRequestContent", "properties.networkType must be a string.");
  if (networkType === "VmNetworkAsInput" && typeof props.networkId !== "string") {
    throw badRequest("InvalidRequestContent", "properties.networkId is required when networkType is 'VmNetworkAsInput'.");
  }
  if (props.failoverDirection !== undefined && !["PrimaryToRecovery", "RecoveryToPrimary"].includes(props.failoverDirection)) {
    throw badRequest(
      "InvalidRequestContent",
      `properties.failoverDirection '${String(props.failoverDirection)}' is not one of PrimaryToRecovery, RecoveryToPrimary.`,
    );
  }
  void ctx;
  return { networkId: props.networkId, networkType };
}

function testFailoverItem(twin: Twin, ctx: RequestCtx, vault: ArmResource, item: ArmResource): Reply {
  const props = requireBodyProperties(ctx, "testfailoverInput");
  const net = tfoNetwork(ctx, props);
  if (net.networkType !== "VmNetworkAsInput")
    throw badRequest(
      "NetworkTypeNotSupported",
      `networkType '${net.networkType}' is not supported by the twin; use 'VmNetworkAsInput' with an Azure VNet id.`,
    );
  gate(twin, item, "TestFailover");
  // HyperVReplicaAzureTestFailoverInput.recoveryPointId: "In case of latest recovery point, null should be passed."
  const rpId = props.providerSpecificDetails?.recoveryPointId;
  if (rpId !== undefined && rpId !== null && typeof rpId !== "string")
    throw badRequest("InvalidRequestContent", "properties.providerSpecificDetails.recoveryPointId must be a string or null.");
  const recoveryPoints: JobRecord["recoveryPoints"] = {};
  if (rpId) {
    const point = findRecoveryPoint(item, twin.now(), rpId);
    if (!point)
      throw badRequest(
        "RecoveryPointNotFound",
        `The recovery point '${rpId}' of the protected item '${item.properties.friendlyName}' was not found or is no longer retained. List the item's recovery points (GET …/recoveryPoints) and retry.`,
      );
    recoveryPoints[item.id.toLowerCase()] = { id: point.id, timeMs: point.timeMs };
  }
  const kek = kekProvided(props.providerSpecificDetails);
  const job = createJob(
    twin,
    vault,
    "TestFailover",
    item,
    "item",
    [newStage("TestFailover", "Test failover", [newUnit(item.id, TFO_TASKS)])],
    { ...net, recoveryPoints, kekProvided: kek },
  );
  return accepted(twin, ctx, item, vault, job);
}

function comments(props: Json): string {
  const c = props.comments ?? "";
  if (typeof c !== "string") throw badRequest("InvalidRequestContent", "properties.comments must be a string.");
  if (c.length > 1024)
    throw badRequest("InvalidRequestContent", `properties.comments is ${c.length} characters long; at most 1024 are allowed.`);
  return c;
}

function cleanupItem(twin: Twin, ctx: RequestCtx, vault: ArmResource, item: ArmResource): Reply {
  const props = requireBodyProperties(ctx, "cleanupInput");
  const c = comments(props);
  gate(twin, item, "TestFailoverCleanup");
  const job = createJob(
    twin,
    vault,
    "TestFailoverCleanup",
    item,
    "item",
    [newStage("TestFailoverCleanup", "Test failover cleanup", [newUnit(item.id, CLEANUP_TASKS)])],
    { comments: c },
  );
  return accepted(twin, ctx, item, vault, job);
}

function planItems(twin: Twin, plan: ArmResource): { group: Json; items: ArmResource[] }[] {
  return (plan.properties.groups ?? []).map((g: Json) => ({
    group: g,
    items: (g.replicationProtectedItems ?? []).map((r: Json) => {
      const item = twin.get(r.id);
      if (!item)
        throw new ArmError(400, "RecoveryPlanItemNotFound", `The protected item ${r.id} of recovery plan '${plan.name}' no longer exists.`);
      return item;
    }),
  }));
}

function testFailoverPlan(twin: Twin, ctx: RequestCtx, vault: ArmResource, plan: ArmResource): Reply {
  const props = requireBodyProperties(ctx, "input");
  if (typeof props.failoverDirection !== "string" || typeof props.networkType !== "string") {
    throw badRequest("InvalidRequestContent", "properties.failoverDirection and properties.networkType are required.");
  }
  const net = tfoNetwork(ctx, props);
  if (net.networkType !== "VmNetworkAsInput")
    throw badRequest("NetworkTypeNotSupported", `networkType '${net.networkType}' is not supported by the twin; use 'VmNetworkAsInput'.`);
  if (!(plan.properties.allowedOperations ?? []).includes("TestFailover")) {
    throw badRequest(
      "OperationNotAllowedInCurrentState",
      `The operation 'TestFailover' isn't allowed on recovery plan '${plan.name}' in its current state. Allowed operations: ${(plan.properties.allowedOperations ?? []).join(", ")}.`,
    );
  }
  const groups = planItems(twin, plan);
  const all = groups.flatMap((g) => g.items);
  for (const item of all) gate(twin, item, "TestFailover");
  // All VMs fail over in the Failover stage; Boot groups then start them group by group, in order.
  const stages: StageRecord[] = [
    newStage(
      "FailoverGroup",
      "Group: Failover",
      all.map((i) => newUnit(i.id, TFO_TASKS.slice(0, 3), true)),
      "Failover",
      "Failover",
    ),
  ];
  let n = 0;
  for (const g of groups) {
    if (g.group.groupType !== "Boot" || g.items.length === 0) continue;
    n++;
    stages.push(
      newStage(
        `Group${n}Boot`,
        `Group ${n}: Start`,
        g.items.map((i) => newUnit(i.id, ["VmTfoBootTestVm"], true)),
        "Boot",
        `Group${n}`,
      ),
    );
  }
  // RecoveryPlanHyperVReplicaAzureFailoverInput.recoveryPointType: Latest | LatestApplicationConsistent | LatestProcessed.
  const psd = Array.isArray(props.providerSpecificDetails)
    ? props.providerSpecificDetails.find((x: Json) => x?.instanceType === "HyperVReplicaAzure")
    : undefined;
  const rpType: string | undefined = psd?.recoveryPointType;
  if (rpType !== undefined && !["Latest", "LatestApplicationConsistent", "LatestProcessed"].includes(rpType)) {
    throw badRequest(
      "InvalidRequestContent",
      `recoveryPointType '${String(rpType)}' is not one of Latest, LatestApplicationConsistent, LatestProcessed.`,
    );
  }
  const recoveryPoints: JobRecord["recoveryPoints"] = {};
  for (const item of all) {
    const point = pointForType(item, twin.now(), rpType);
    if (point) recoveryPoints[item.id.toLowerCase()] = { id: point.id, timeMs: point.timeMs };
  }
  const kek = kekProvided(psd);
  const job = createJob(twin, vault, "TestFailover", plan, "plan", stages, { ...net, recoveryPoints, kekProvided: kek });
  plan.properties.allowedOperations = [];
  plan.properties.currentScenario = { scenarioName: "TestFailover", jobId: job.id, startTime: new Date(job.createdMs).toISOString() };
  plan.properties.currentScenarioStatus = "InProgress";
  plan.properties.currentScenarioStatusDescription = "InProgress";
  twin.commit();
  return accepted(twin, ctx, plan, vault, job);
}

function cleanupPlan(twin: Twin, ctx: RequestCtx, vault: ArmResource, plan: ArmResource): Reply {
  const props = requireBodyProperties(ctx, "input");
  const c = comments(props);
  if (!(plan.properties.allowedOperations ?? []).includes("TestFailoverCleanup")) {
    throw badRequest(
      "OperationNotAllowedInCurrentState",
      `The operation 'TestFailoverCleanup' isn't allowed on recovery plan '${plan.name}' in its current state. Allowed operations: ${(plan.properties.allowedOperations ?? []).join(", ")}.`,
    );
  }
  const items = planItems(twin, plan)
    .flatMap((g) => g.items)
    .filter((i) => (i.properties.allowedOperations ?? []).includes("TestFailoverCleanup"));
  for (const i of items) gate(twin, i, "TestFailoverCleanup");
  const job = createJob(
    twin,
    vault,
    "TestFailoverCleanup",
    plan,
    "plan",
    [
      newStage(
        "CleanupGroup",
        "Test failover cleanup",
        items.map((i) => newUnit(i.id, CLEANUP_TASKS, true)),
      ),
    ],
    { comments: c },
  );
  plan.properties.allowedOperations = [];
  plan.properties.currentScenarioStatus = "InProgress";
  plan.properties.currentScenarioStatusDescription = "InProgress";
  twin.commit();
  return accepted(twin, ctx, plan, vault, job);
}

function updateItem(twin: Twin, ctx: RequestCtx, vault: ArmResource, item: ArmResource): Reply {
  const props = requireBodyProperties(ctx, "updateProtectionInput", false);
  if (active(twin, item))
    throw conflict(
      "AnotherOperationInProgress",
      `Another operation is in progress on the protected item '${item.properties.friendlyName}'.`,
    );
  if (
    props.recoveryAzureVMName !== undefined &&
    (typeof props.recoveryAzureVMName !== "string" || !VM_NAME.test(props.recoveryAzureVMName))
  ) {
    throw badRequest(
      "InvalidRecoveryVmName",
      `The VM name '${String(props.recoveryAzureVMName)}' is invalid: between 1 and 63 characters, letters, numbers and hyphens, starting and ending with a letter or number.`,
    );
  }
  if (props.recoveryAzureVMSize !== undefined && !findVmSize(props.recoveryAzureVMSize)) {
    throw badRequest(
      "InvalidRecoveryVmSize",
      `The VM size '${String(props.recoveryAzureVMSize)}' isn't available for this protected item (see targetComputeSizes).`,
    );
  }
  const psd = props.providerSpecificDetails;
  if (psd?.useManagedDisks !== undefined && !["true", "false"].includes(String(psd.useManagedDisks).toLowerCase())) {
    throw badRequest("InvalidRequestContent", 'providerSpecificDetails.useManagedDisks must be "true" or "false".');
  }
  const job = createJob(
    twin,
    vault,
    "UpdateVmProperties",
    item,
    "item",
    [newStage("UpdateVmProperties", "Update the virtual machine", [newUnit(item.id, ["UpdateVmPropertiesTask"])])],
    { patch: { properties: props } },
  );
  return accepted(twin, ctx, item, vault, job);
}

function operationResult(twin: Twin, ctx: RequestCtx, name: string): Reply {
  const job = findJob(twin, name);
  if (!job) throw notFoundAsr("operationresults", name);
  // While the job runs (not observed in public recordings — chosen): 202 with Location and Retry-After.
  if (job.endMs === undefined)
    return {
      status: 202,
      headers: { Location: `${ctx.baseUrl}${ctx.path}?${ctx.query.toString()}`, ...twin.retryAfter(30), ...jobRequestId(job) },
    };
  if (job.state === "Failed") {
    const e = job.errors[0]?.serviceErrorDetails;
    throw new ArmError(400, e?.code ?? "JobFailed", e?.message ?? `The job ${job.name} failed.`);
  }
  // The 200 after the job: the target's body, Azure-AsyncOperation and x-ms-request-id twice (recorded).
  const target = twin.get(job.targetId);
  const vault = twin.get(job.vaultId);
  const aao = `${regionalBaseUrl(ctx.baseUrl, vault?.location ?? "westeurope")}${job.vaultId}/replicationOperationStatus/${job.name}?${ctx.query.toString()}`;
  return { status: 200, body: target, headers: { "Azure-AsyncOperation": aao, ...jobRequestId(job) } };
}

function targetComputeSizes(item: ArmResource): Json[] {
  return VM_SIZES.map((s) => ({
    id: `${item.id}/targetComputeSizes/${s.name}`,
    name: s.name,
    type: `${T.item}/targetComputeSizes`,
    properties: {
      name: s.name,
      friendlyName: s.name.replace(/_/g, " "),
      cpuCoresCount: s.cores,
      vCPUsAvailable: s.cores,
      memoryInGB: s.memoryMB / 1024,
      maxDataDiskCount: s.maxDataDisks,
      maxNicsCount: s.maxNics,
      errors: [],
      highIopsSupported: s.premiumIO ? "Yes" : "No",
      hyperVGenerations: ["V1", "V2"],
    },
  }));
}
