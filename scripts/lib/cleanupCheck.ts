// After `pulumi destroy`: is anything of THIS drill left? Read-only GETs through the drill's allowlisted
// ARM client, the same on any stack:
// - every protected item of the drill is idle again (components/asr/itemState.ts: `TestFailover`
//   allowed and no test-failover or cleanup job of it running; `MarkedForDeletion` then is a finished
//   cleanup, as the real service leaves it);
// - every test VM this drill's jobs named (TestFailoverJobDetails.protectedItemDetails[].testVmName, and
//   the test VMs the drill recorded), and the NICs and disks that belong to them, are gone from the
//   recovery resource group(s);
// - the drill's own resources are gone from the stack's state.
// Anything else found in those recovery resource groups is listed as "not ours, left alone": someone
// else's test failover is never counted as this drill's leftover.
import { TEST_FAILOVER_TYPE, type TestFailoverOutputs, type VaultRef } from "../../components/drillTypes";
import type { SiteRecoveryDrillClient } from "../../components/asr/asrClient";
import { itemPhase } from "../../components/asr/itemState";
import type { Job } from "../../components/asr/types";

export type { VaultRef };

export interface CleanupConfirmation {
  clean: boolean;
  destroySucceeded: boolean;
  leftovers: string[];
  /** Found in the drill's recovery resource groups but not made by this drill's jobs. */
  notOurs?: string[];
  checkedAt: string;
}

/** What the drill made, read from the stack's state before `destroy` empties it. */
export interface DrillRecord {
  items: { id: string; friendlyName: string; recoveryResourceGroupId?: string }[];
  jobIds: string[];
  testVmNames: string[];
  /** /subscriptions/<sub>/resourceGroups/<rg> of the test VMs the drill recorded. */
  testVmResourceGroups: string[];
}

interface StateResource {
  type: string;
  urn: string;
  outputs?: Record<string, unknown>;
}

const RG_OF = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)/i;

export function drillRecordOf(resources: StateResource[]): DrillRecord {
  const record: DrillRecord = { items: [], jobIds: [], testVmNames: [], testVmResourceGroups: [] };
  for (const r of resources) {
    if (r.type !== TEST_FAILOVER_TYPE || !r.outputs) continue;
    const o = r.outputs as unknown as Partial<TestFailoverOutputs>;
    for (const i of o.items ?? [])
      record.items.push({ id: i.protectedItemId, friendlyName: i.friendlyName, recoveryResourceGroupId: i.recoveryResourceGroupId });
    record.jobIds.push(...(o.jobIds ?? []));
    for (const vm of o.testVms ?? []) {
      if (vm.testVmName) record.testVmNames.push(vm.testVmName);
      const rg = RG_OF.exec(vm.testVmId ?? "")?.[1];
      if (rg) record.testVmResourceGroups.push(rg);
    }
  }
  return record;
}

/** Resources a finished destroy may leave in state: the stack itself and default providers. */
function isDrillResource(r: StateResource): boolean {
  return r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:");
}

const API = { compute: "2024-07-01", disks: "2024-03-02", network: "2024-05-01" };

interface ArmThing {
  id: string;
  name: string;
  managedBy?: string;
  properties?: { virtualMachine?: { id?: string } | null };
}

function lastSegment(id: string | undefined): string {
  return (id ?? "").split("/").pop()?.toLowerCase() ?? "";
}

async function allJobs(client: SiteRecoveryDrillClient, maxPages = 50): Promise<Job[]> {
  const jobs: Job[] = [];
  let next: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const r = await client.listJobsPage(next);
    jobs.push(...r.jobs);
    next = r.nextLink;
    if (!next) break;
  }
  return jobs;
}

export async function confirmCleanup(
  client: SiteRecoveryDrillClient,
  vault: VaultRef,
  record: DrillRecord,
  after: { destroySucceeded: boolean; stackResources: StateResource[] },
): Promise<CleanupConfirmation> {
  const leftovers: string[] = [];
  const notOurs: string[] = [];
  try {
    const jobs = await allJobs(client);
    // 1. Every item of the drill idle again: one vault-wide item list (pages), not a GET per item — a
    // 1,000-VM drill would read 1,000 items one by one. An item no longer listed is no longer protected.
    const listed = new Map((await client.listProtectedItems()).map((i) => [i.id.toLowerCase(), i]));
    for (const ref of record.items) {
      const item = listed.get(ref.id.toLowerCase());
      if (!item) continue;
      const phase = itemPhase(item, jobs);
      if (phase !== "idle")
        leftovers.push(
          `protected item ${ref.friendlyName}: ${phase} (testFailoverState ${item.properties.testFailoverState ?? "unknown"})`,
        );
    }
    // 2. The test VMs this drill's jobs named, and what belongs to them, gone from the recovery RGs.
    const ours = new Set(record.testVmNames.map((n) => n.toLowerCase()));
    const jobIds = new Set(record.jobIds.map((id) => lastSegment(id)));
    for (const job of jobs.filter((j) => jobIds.has(j.name.toLowerCase()))) {
      for (const d of job.properties.customDetails?.protectedItemDetails ?? []) if (d.testVmName) ours.add(d.testVmName.toLowerCase());
    }
    const groups = new Set(record.testVmResourceGroups.map((g) => g.toLowerCase()));
    for (const i of record.items) {
      const rg = RG_OF.exec(i.recoveryResourceGroupId ?? "")?.[1];
      if (rg) groups.add(rg.toLowerCase());
    }
    const belongs = (name: string, ownerId?: string) => {
      const n = name.toLowerCase();
      // A NIC or disk is the VM's when ARM says so (virtualMachine / managedBy), or — after the VM is gone
      // — when it carries the VM's name as its prefix (chosen: no public source here shows how ASR names a
      // test VM's NICs and disks; the prefix is what the twin does).
      return ours.has(lastSegment(ownerId)) || [...ours].some((vm) => n === vm || n.startsWith(`${vm}-`) || n.startsWith(`${vm}_`));
    };
    for (const rg of groups) {
      const kinds: [string, string, string, (t: ArmThing) => string | undefined][] = [
        ["test VM", `${rg}/providers/Microsoft.Compute/virtualMachines`, API.compute, () => undefined],
        ["test NIC", `${rg}/providers/Microsoft.Network/networkInterfaces`, API.network, (t) => t.properties?.virtualMachine?.id],
        ["test disk", `${rg}/providers/Microsoft.Compute/disks`, API.disks, (t) => t.managedBy],
      ];
      for (const [kind, listPath, apiVersion, owner] of kinds) {
        for (const t of await client.arm.listAll<ArmThing>(listPath, { "api-version": apiVersion })) {
          const mine = kind === "test VM" ? ours.has(t.name.toLowerCase()) : belongs(t.name, owner(t));
          if (mine) leftovers.push(`${kind} ${t.id}`);
          else notOurs.push(`${kind.replace(/^test /, "")} ${t.id}`);
        }
      }
    }
    // 3. The drill's own resources gone from the stack.
    for (const r of after.stackResources.filter(isDrillResource)) leftovers.push(`stack still holds ${r.urn}`);
  } catch (err) {
    leftovers.push(`could not confirm the cleanup of vault ${vault.name}: ${(err as Error).message}`);
  }
  return {
    clean: leftovers.length === 0 && after.destroySucceeded,
    destroySucceeded: after.destroySucceeded,
    leftovers,
    notOurs,
    checkedAt: new Date().toISOString(),
  };
}
