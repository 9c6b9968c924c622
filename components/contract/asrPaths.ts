// Site Recovery paths and ids: the vault, a replicated protected item, a recovery plan's members.
import type { VaultRef } from "./drillTypes";

/** `/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.RecoveryServices/vaults/<name>` */
export function vaultPath(v: VaultRef): string {
  return `/subscriptions/${v.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${v.name}`;
}

/** A replicated protected item's ARM id (ASR may spell "/Subscriptions/": match case-insensitively). */
export const PROTECTED_ITEM_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.RecoveryServices\/vaults\/([^/]+)\/replicationFabrics\/([^/]+)\/replicationProtectionContainers\/([^/]+)\/replicationProtectedItems\/([^/]+)\/?$/i;

export interface ProtectedItemIdParts {
  subscriptionId: string;
  resourceGroup: string;
  vaultName: string;
  fabricName: string;
  protectionContainerName: string;
  name: string;
}

/** Splits a replicated protected item's ARM id; undefined when it is not one. */
export function parseProtectedItemId(id: string | undefined | null): ProtectedItemIdParts | undefined {
  const m = id ? PROTECTED_ITEM_ID.exec(id.trim()) : null;
  if (!m) return undefined;
  return { subscriptionId: m[1], resourceGroup: m[2], vaultName: m[3], fabricName: m[4], protectionContainerName: m[5], name: m[6] };
}

export function protectedItemId(vault: VaultRef, fabricName: string, protectionContainerName: string, name: string): string {
  return `${vaultPath(vault)}/replicationFabrics/${fabricName}/replicationProtectionContainers/${protectionContainerName}/replicationProtectedItems/${name}`;
}

/** The slice of a recovery plan (RecoveryPlan.properties.groups) that says which items it holds. */
export interface RecoveryPlanGroupsLike {
  id?: string;
  name?: string;
  properties?: {
    groups?: { groupType?: string; replicationProtectedItems?: { id?: string | null; virtualMachineId?: string | null }[] | null }[] | null;
  } | null;
}

/**
 * The protected item ids of a recovery plan in group order (Shutdown/Failover/Boot groups), each once:
 * ASR lists a plan's items once per group kind, so the same id appears in several groups.
 */
export function recoveryPlanMemberIds(plan: RecoveryPlanGroupsLike | undefined): string[] {
  const seen = new Set<string>();
  const ids: string[] = [];
  for (const group of plan?.properties?.groups ?? []) {
    for (const item of group.replicationProtectedItems ?? []) {
      if (!item.id || seen.has(item.id.toLowerCase())) continue;
      seen.add(item.id.toLowerCase());
      ids.push(item.id);
    }
  }
  return ids;
}
