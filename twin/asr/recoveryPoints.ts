// Recovery points of a protected item (RecoveryPoints_ListByReplicationProtectedItems, GET {RPI}/recoveryPoints).
// Shape from the spec example (2025-01-01): { id, name (a GUID), type, properties: { recoveryPointTime,
// recoveryPointType } } with recoveryPointType "CrashConsistent" in the example; the spec describes the
// field as "The recovery point type: ApplicationConsistent, CrashConsistent." The example lists the
// points oldest first. ProviderSpecificRecoveryPointDetails has no HyperVReplicaAzure subtype, so
// providerSpecificDetails is omitted.
//
// The twin's points are derived from virtual time, so they need no state: a crash-consistent point every
// 15 minutes and an application-consistent one every hour (Hyper-V Replica's app-consistent snapshot
// frequency), over the last `RETENTION_HOURS`. The newest point is at most 15 minutes old.
import type { ArmResource, Json } from "../store";
import { iso } from "../clock";
import { guidFrom } from "../fixtures/guid";

export const POINT_EVERY_MS = 15 * 60_000;
export const APP_CONSISTENT_EVERY_MS = 60 * 60_000;
export const RETENTION_HOURS = 12;

export const RECOVERY_POINT_TYPE =
  "Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/replicationProtectedItems/recoveryPoints";

export interface RecoveryPointRecord {
  id: string;
  name: string;
  timeMs: number;
  type: "ApplicationConsistent" | "CrashConsistent";
}

/** The item's recovery points at virtual time `now`, oldest first (as the spec example lists them). */
export function recoveryPointsOf(item: ArmResource, now: number): RecoveryPointRecord[] {
  const newest = Math.floor((now - 60_000) / POINT_EVERY_MS) * POINT_EVERY_MS;
  const oldest = newest - RETENTION_HOURS * 3600_000 + POINT_EVERY_MS;
  const out: RecoveryPointRecord[] = [];
  for (let t = oldest; t <= newest; t += POINT_EVERY_MS) {
    const name = guidFrom(`${item.name.toLowerCase()}/recoveryPoint/${t}`);
    out.push({
      id: `${item.id}/recoveryPoints/${name}`,
      name,
      timeMs: t,
      type: t % APP_CONSISTENT_EVERY_MS === 0 ? "ApplicationConsistent" : "CrashConsistent",
    });
  }
  return out;
}

export function renderRecoveryPoint(p: RecoveryPointRecord): Json {
  return { id: p.id, name: p.name, type: RECOVERY_POINT_TYPE, properties: { recoveryPointTime: iso(p.timeMs), recoveryPointType: p.type } };
}

/** A recovery point of the item by ARM id or name (case-insensitive), if it is still retained. */
export function findRecoveryPoint(item: ArmResource, now: number, idOrName: string): RecoveryPointRecord | undefined {
  const key = idOrName.toLowerCase();
  return recoveryPointsOf(item, now).find((p) => p.id.toLowerCase() === key || p.name.toLowerCase() === key);
}

/** What a plan's recoveryPointType selects (RecoveryPlanHyperVReplicaAzureFailoverInput). */
export function pointForType(item: ArmResource, now: number, type: string | undefined): RecoveryPointRecord | undefined {
  const points = recoveryPointsOf(item, now);
  if (type === "LatestApplicationConsistent") return [...points].reverse().find((p) => p.type === "ApplicationConsistent");
  if (type === "LatestProcessed") return points[points.length - 1];
  return undefined; // Latest: all pending data is processed at failover time
}
