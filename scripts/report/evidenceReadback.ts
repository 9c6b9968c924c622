// What the report proves by reading ARM back, not by trusting what the program asked for:
// - preconditions: each protected item's replication health and health errors, read before `pulumi up`;
// - the recovery point each test failover used: the job's TestFailoverJobDetails.protectedItemDetails[]
//   (FailoverReplicationProtectedItemDetails.recoveryPointId / recoveryPointTime), and its type from the
//   recovery point itself (RecoveryPoints_Get: ApplicationConsistent / CrashConsistent);
// - the failing task of a failed job with its error codes;
// - isolation after `up`: the test network's peerings (none), DNS servers, NSG rules, and no public IP on
//   the test VMs' NICs.
import { mapWithConcurrency } from "../../components/asr/boundedConcurrency";
import type { ArmReader } from "./armReader";
import type { UsedRecoveryPoint } from "./drillMetrics";
import type { IsolationProof, Precondition, ReportCause } from "./reportSchema";

export const API = { asr: "2025-08-01", network: "2024-05-01" };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- ARM/ASR response bodies as read back; the report takes the few fields it shows, each by name
type Json = Record<string, any>;

export interface VaultPath {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

export const vaultPath = (v: VaultPath) =>
  `/subscriptions/${v.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${v.name}`;
const errText = (err: unknown) => (err as Error).message ?? String(err);

export type ItemHealth = Omit<Precondition, "recoveryPoint" | "policies">;

/** Every protected item's health in the vault, by lower-case friendly name (read before the run). */
export async function readItemHealth(
  arm: ArmReader,
  vault: VaultPath,
  now = () => new Date().toISOString(),
): Promise<Map<string, ItemHealth>> {
  const items = await arm.list<Json>(`${vaultPath(vault)}/replicationProtectedItems?api-version=${API.asr}`);
  const readAt = now();
  const out = new Map<string, ItemHealth>();
  for (const item of items) {
    const p = item.properties ?? {};
    const friendlyName = String(p.friendlyName ?? item.name);
    out.set(friendlyName.toLowerCase(), {
      friendlyName,
      protectedItemId: item.id,
      replicationHealth: p.replicationHealth ?? undefined,
      failoverHealth: p.failoverHealth ?? undefined,
      healthErrors: ((p.healthErrors ?? []) as Json[]).map((e) => ({
        code: String(e.errorCode ?? ""),
        message: String(e.errorMessage ?? e.summaryMessage ?? ""),
        level: e.errorLevel ?? undefined,
        possibleCauses: e.possibleCauses || undefined,
        recommendedAction: e.recommendedAction || undefined,
      })),
      healthReadAt: readAt,
    });
  }
  return out;
}

/** A job id as the provider records it: a full ARM id or the job name (a GUID). */
function jobPath(vault: VaultPath, jobId: string): string {
  return jobId.startsWith("/") ? jobId : `${vaultPath(vault)}/replicationJobs/${jobId}`;
}

export interface JobReadback {
  /** Recovery point used per item, by lower-case friendly name. */
  points: Map<string, UsedRecoveryPoint>;
  /** The job (name) that test-failed-over each item, by lower-case friendly name. */
  jobOfItem: Map<string, string>;
  /** Failed tasks (and job-level errors) of failed jobs, with every error line. */
  causes: ReportCause[];
  /** What could not be read, for `deviations`. */
  gaps: string[];
}

function errorLines(e: Json): string[] {
  const s = e.serviceErrorDetails ?? {};
  const p = e.providerErrorDetails ?? {};
  const lines: string[] = [];
  if (s.code || s.message) lines.push(`${s.code ?? "error"}: ${s.message ?? ""}`.trim());
  if (p.errorCode || p.errorMessage) lines.push(`provider ${p.errorCode ?? "error"}: ${p.errorMessage ?? ""}`.trim());
  for (const extra of [s.possibleCauses ?? p.possibleCauses, s.recommendedAction ?? p.recommendedAction])
    if (extra) lines.push(String(extra));
  return lines;
}

/** Reads each job the drill recorded: the recovery points used, and the failing task of a failed job. */
/**
 * `itemIds` (friendly name, lower case → protected item ARM id) finds the item's recovery points when the
 * job names the point by its bare name: the real service does (azure-powershell SessionRecords
 * AsrB2ATests/TestTFO.json: `recoveryPointId` is a GUID, not an ARM id).
 */
export async function readJobs(
  arm: ArmReader,
  vault: VaultPath,
  jobIds: string[],
  requestedType: Map<string, string>,
  itemIds: Map<string, string> = new Map(),
): Promise<JobReadback> {
  const points = new Map<string, UsedRecoveryPoint>();
  const jobOfItem = new Map<string, string>();
  const causes: ReportCause[] = [];
  const gaps: string[] = [];
  const lookups: { key: string; point: UsedRecoveryPoint }[] = [];
  for (const jobId of jobIds) {
    let job: Json;
    try {
      job = await arm.get<Json>(`${jobPath(vault, jobId)}?api-version=${API.asr}`);
    } catch (err) {
      gaps.push(`job ${jobId} could not be read back: ${errText(err)}`);
      continue;
    }
    const props = job.properties ?? {};
    for (const d of (props.customDetails?.protectedItemDetails ?? []) as Json[]) {
      const key = String(d.friendlyName ?? d.name ?? "").toLowerCase();
      if (!key) continue;
      const point: UsedRecoveryPoint = {
        id: d.recoveryPointId ?? undefined,
        name: d.recoveryPointId ? String(d.recoveryPointId).split("/").pop() : undefined,
        time: d.recoveryPointTime ?? undefined,
      };
      if (point.id) lookups.push({ key, point });
      points.set(key, point);
      jobOfItem.set(key, String(job.name ?? jobId));
    }
    if (props.state === "Failed" || props.state === "Cancelled") {
      const flat: Json[] = [];
      const walk = (tasks: Json[] | undefined) => {
        for (const t of tasks ?? []) {
          flat.push(t);
          walk(t.groupTaskCustomDetails?.childTasks);
        }
      };
      walk(props.tasks);
      const failed = flat.filter((t) => t.state === "Failed" && !t.groupTaskCustomDetails?.childTasks?.length);
      for (const t of failed) {
        causes.push({
          source: "job",
          subject: `job ${job.name} (${props.scenarioName ?? props.friendlyName ?? "job"}), task ${t.name ?? t.taskType} "${t.friendlyName ?? ""}"`,
          lines: [
            `task ${t.name ?? t.taskType} failed${t.stateDescription ? ` (${t.stateDescription})` : ""}`,
            ...((t.errors ?? []) as Json[]).flatMap(errorLines),
          ],
        });
      }
      const jobLevel = ((props.errors ?? []) as Json[]).flatMap(errorLines);
      if (jobLevel.length && !failed.length)
        causes.push({ source: "job", subject: `job ${job.name} (${props.scenarioName ?? "job"})`, lines: jobLevel });
    }
  }
  // One recovery-point list per item (no vault-wide list exists), a few at once: at 1,000 VMs one after
  // another is minutes of round trips against ARM.
  await mapWithConcurrency(lookups, READ_CONCURRENCY, ({ key, point }) => recoveryPointType(arm, point, itemIds.get(key)));
  for (const [key, point] of points) point.type = point.type ?? requestedType.get(key);
  return { points, jobOfItem, causes, gaps };
}

/** Reads in flight at once for per-item readbacks (recovery points): well under ARM's read throttle. */
const READ_CONCURRENCY = 8;

/**
 * The type of the point a job used (ApplicationConsistent / CrashConsistent), from
 * RecoveryPoints_ListByReplicationProtectedItems; a "latest" point the job made up is not listed and keeps
 * the requested type.
 */
async function recoveryPointType(arm: ArmReader, point: UsedRecoveryPoint, itemIdOfName: string | undefined): Promise<void> {
  try {
    const isArmId = String(point.id).includes("/");
    const itemId = isArmId ? String(point.id).replace(/\/recoveryPoints\/[^/]+$/i, "") : itemIdOfName;
    if (!itemId) throw new Error("no item id for a bare recovery point name");
    const wanted = String(point.name ?? point.id).toLowerCase();
    const listed = (await arm.list<Json>(`${itemId}/recoveryPoints?api-version=${API.asr}`)).find(
      (rp) => String(rp.id).toLowerCase() === String(point.id).toLowerCase() || String(rp.name ?? "").toLowerCase() === wanted,
    );
    point.type = listed?.properties?.recoveryPointType ?? undefined;
    point.time = point.time ?? listed?.properties?.recoveryPointTime ?? undefined;
  } catch {
    // the type stays the requested one
  }
}

/** Health errors of the items in scope as causes (the code, message and recommended action). */
export function healthCauses(health: ItemHealth[]): ReportCause[] {
  return health
    .filter((h) => h.healthErrors.length > 0)
    .map((h) => ({
      source: "health" as const,
      subject: `protected item ${h.friendlyName} (replication health ${h.replicationHealth ?? "unknown"}, failover health ${h.failoverHealth ?? "unknown"})`,
      lines: h.healthErrors.flatMap((e) => [
        `${e.code} (${e.level ?? "?"}): ${e.message}`,
        ...(e.recommendedAction ? [`recommended action: ${e.recommendedAction}`] : []),
      ]),
    }));
}

/** NSG rules carry either a single prefix/range or a list of them. */
const oneOrMany = (one: unknown, many: unknown): string | undefined =>
  typeof one === "string" && one ? one : Array.isArray(many) && many.length ? many.join(",") : undefined;

const RG_OF = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)\//i;

/**
 * The test VMs' NICs: one NetworkInterfaces_List per resource group (pages, not one GET per VM: 1,000 test
 * VMs are 1,000 GETs otherwise), keeping the NICs asked for; a NIC the list lacks, or a group that cannot be
 * listed, is read by its own GET, so a missing NIC still fails the proof loudly.
 */
async function readNics(arm: ArmReader, nicIds: string[]): Promise<Json[]> {
  const byGroup = new Map<string, { rg: string; ids: string[] }>();
  for (const id of nicIds) {
    const rg = RG_OF.exec(id)?.[1] ?? "";
    const group = byGroup.get(rg.toLowerCase()) ?? { rg, ids: [] };
    group.ids.push(id);
    byGroup.set(rg.toLowerCase(), group);
  }
  const out: Json[] = [];
  for (const { rg, ids } of byGroup.values()) {
    let listed = new Map<string, Json>();
    if (rg)
      try {
        const nics = await arm.list<Json>(`${rg}/providers/Microsoft.Network/networkInterfaces?api-version=${API.network}`);
        listed = new Map(nics.map((n) => [String(n.id).toLowerCase(), n]));
      } catch {
        // read them one by one below
      }
    for (const id of ids) out.push(listed.get(id.toLowerCase()) ?? (await arm.get<Json>(`${id}?api-version=${API.network}`)));
  }
  return out;
}

/** The isolation proof, read back from ARM after `up`. */
export async function readIsolation(
  arm: ArmReader,
  networkId: string,
  testNicIds: string[],
  now = () => new Date().toISOString(),
): Promise<IsolationProof> {
  const proof: IsolationProof = { readAt: now(), networkId, peerings: [], dnsServers: [], nsgRules: [], publicIps: [] };
  try {
    const vnet = await arm.get<Json>(`${networkId}?api-version=${API.network}`);
    const props = vnet.properties ?? {};
    proof.peerings = ((props.virtualNetworkPeerings ?? []) as Json[]).map(
      (p) => `${p.name}: ${p.properties?.remoteVirtualNetwork?.id ?? "?"} (${p.properties?.peeringState ?? "?"})`,
    );
    proof.dnsServers = (props.dhcpOptions?.dnsServers ?? []) as string[];
    const nsgIds = [
      ...new Set(
        ((props.subnets ?? []) as Json[]).map((s) => s.properties?.networkSecurityGroup?.id).filter((x): x is string => Boolean(x)),
      ),
    ];
    const unprotected = ((props.subnets ?? []) as Json[]).filter((s) => !s.properties?.networkSecurityGroup?.id).map((s) => s.name);
    for (const id of nsgIds) {
      const nsg = await arm.get<Json>(`${id}?api-version=${API.network}`);
      for (const r of (nsg.properties?.securityRules ?? []) as Json[]) {
        const rp = r.properties ?? {};
        proof.nsgRules.push({
          nsg: String(nsg.name),
          name: String(r.name),
          direction: String(rp.direction ?? ""),
          access: String(rp.access ?? ""),
          priority: typeof rp.priority === "number" ? rp.priority : undefined,
          protocol: rp.protocol ?? undefined,
          source: oneOrMany(rp.sourceAddressPrefix, rp.sourceAddressPrefixes),
          destination: oneOrMany(rp.destinationAddressPrefix, rp.destinationAddressPrefixes),
          ports: oneOrMany(rp.destinationPortRange, rp.destinationPortRanges),
        });
      }
    }
    for (const nic of await readNics(arm, testNicIds)) {
      for (const c of (nic.properties?.ipConfigurations ?? []) as Json[]) {
        const pip = c.properties?.publicIPAddress?.id;
        if (pip) proof.publicIps.push(`${nic.name}/${c.name}: ${pip}`);
      }
    }
    const denyInternetIn = proof.nsgRules.some(
      (r) => r.direction === "Inbound" && r.access === "Deny" && /internet|\*/i.test(r.source ?? ""),
    );
    const denyInternetOut = proof.nsgRules.some(
      (r) => r.direction === "Outbound" && r.access === "Deny" && /internet|\*/i.test(r.destination ?? ""),
    );
    proof.isolated =
      proof.peerings.length === 0 && proof.publicIps.length === 0 && unprotected.length === 0 && denyInternetIn && denyInternetOut;
    if (unprotected.length) proof.error = `subnets without a network security group: ${unprotected.join(", ")}`;
  } catch (err) {
    proof.error = `could not read the isolation proof: ${errText(err)}`;
  }
  return proof;
}
