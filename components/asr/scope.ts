// Reads the drill's scope from the vault: the recovery plan and its items, or the listed items, and
// the settings snapshot each item is verified against.
import type { ItemSettingsSnapshot, TestFailoverInputs } from "../drillTypes";
import type { Fresh, SiteRecoveryDrillClient } from "./asrClient";
import { lastSegment, sameArmId } from "../contract";
import type { ProtectedItem, RecoveryPlan } from "./types";

export interface ResolvedScope {
  plan?: RecoveryPlan;
  itemIds: string[];
  /** Live items by lower-case ARM id. */
  items: Map<string, ProtectedItem>;
  /** What the scope names but the vault does not have, for messages. */
  missing: string[];
}

/** Per-item GETs for a few items, else one vault-wide list per page (shared when `o.since` allows). */
export async function readItems(client: SiteRecoveryDrillClient, ids: string[], o: Fresh = {}): Promise<Map<string, ProtectedItem>> {
  const items = new Map<string, ProtectedItem>();
  if (ids.length <= 3) {
    for (const id of ids) {
      const it = await client.getProtectedItem(id);
      if (it) items.set(id.toLowerCase(), it);
    }
  } else {
    const all = new Map((await client.listProtectedItems(o)).map((x) => [x.id.toLowerCase(), x]));
    for (const id of ids) {
      const it = all.get(id.toLowerCase()) ?? [...all.values()].find((x) => sameArmId(x.id, id));
      if (it) items.set(id.toLowerCase(), it);
    }
  }
  return items;
}

export async function resolveScope(client: SiteRecoveryDrillClient, inputs: TestFailoverInputs, o: Fresh = {}): Promise<ResolvedScope> {
  let plan: RecoveryPlan | undefined;
  let itemIds: string[];
  if (inputs.scope.kind === "recoveryPlan") {
    plan = await client.getRecoveryPlan(inputs.scope.recoveryPlanName);
    if (!plan) return { itemIds: [], items: new Map(), missing: [`recovery plan ${inputs.scope.recoveryPlanName}`] };
    itemIds = (plan.properties.groups ?? []).flatMap((g) => (g.replicationProtectedItems ?? []).map((i) => i.id ?? "")).filter(Boolean);
  } else {
    itemIds = inputs.scope.items.map((i) => i.id);
  }
  const items = await readItems(client, itemIds, o);
  const missing = itemIds.filter((id) => !items.has(id.toLowerCase())).map((id) => `protected item ${friendlyOf(inputs, id)} (${id})`);
  return { plan, itemIds, items, missing };
}

export function friendlyOf(inputs: TestFailoverInputs, id: string, live?: ProtectedItem): string {
  return (
    live?.properties.friendlyName ??
    inputs.items.find((i) => sameArmId(i.protectedItemId, id))?.friendlyName ??
    (inputs.scope.kind === "protectedItems" ? inputs.scope.items.find((i) => sameArmId(i.id, id))?.friendlyName : undefined) ??
    lastSegment(id)
  );
}

/** Verify every item the test failover touches; an item without a snapshot is checked on live settings. */
export function snapshotsFor(inputs: TestFailoverInputs, resolved: Pick<ResolvedScope, "itemIds" | "items">): ItemSettingsSnapshot[] {
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
