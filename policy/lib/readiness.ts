// The readiness facts the program attaches to an item's snapshot (components/testFailoverReadiness.ts):
// read through the preview proxy, with the job described in the words ASR uses.
import type { ItemJobFact, ItemReadiness, ItemSettingsSnapshot } from "failover-drill-contract";
import { asArray, asString } from "./unknowns";

export type { ItemReadiness };

export function readinessOf(item: ItemSettingsSnapshot): ItemReadiness | undefined {
  const r = item.readiness;
  return r && typeof r === "object" ? r : undefined;
}

/** `job 1f0e… (TestFailover, InProgress, started 2030-01-01T10:00:00Z, into their-vnet, comments "…")` */
export function describeJob(job: ItemJobFact | undefined): string {
  if (!job || !asString(job.name)) return "no job of it is listed in the vault";
  const parts = [asString(job.scenarioName), asString(job.state)].filter(Boolean) as string[];
  if (asString(job.startTime)) parts.push(`started ${job.startTime}`);
  if (asString(job.network)) parts.push(`into ${job.network}`);
  if (asString(job.comments)) parts.push(`comments ${JSON.stringify(job.comments)}`);
  return `job ${job.name}${parts.length ? ` (${parts.join(", ")})` : ""}`;
}

export function allowedOperationsOf(r: ItemReadiness): string[] {
  return asArray<string>(r.allowedOperations).map(String);
}
