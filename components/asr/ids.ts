// ASR-specific id helpers (job names from LRO headers, sentinel timestamps). ARM ids: ../contract/armIds.ts.
import { lastSegment } from "../contract";

/** `{opId}` from the LRO headers of a 202 (x-ms-request-id = the job's ARM id; else Location/AAO). */
export function jobNameFromHeaders(headers: Record<string, string>): string | undefined {
  const rid = headers["x-ms-request-id"];
  if (rid) {
    // The recordings list the header value twice ("id, id").
    const first = rid.split(",")[0].trim();
    if (/\/replicationJobs\//i.test(first)) return lastSegment(first);
  }
  for (const h of ["azure-asyncoperation", "location"]) {
    const v = headers[h];
    if (!v) continue;
    try {
      return lastSegment(new URL(v).pathname);
    } catch {
      // ignore malformed header
    }
  }
  return undefined;
}

/** Sentinel and missing timestamps ("0001-01-01T00:00:00", "1753-01-01…") as undefined. */
export function realTime(t: string | null | undefined): string | undefined {
  if (!t) return undefined;
  if (t.startsWith("0001-") || t.startsWith("1753-")) return undefined;
  return Number.isNaN(Date.parse(t)) ? undefined : t;
}
