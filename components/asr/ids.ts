// ARM id helpers. ASR returns ids with "/Subscriptions/" (capital S); ARM ids compare case-insensitively.

export function sameArmId(a: string | undefined | null, b: string | undefined | null): boolean {
  if (!a || !b) return false;
  return a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();
}

/** The value after `/<segment>/` in an ARM id (case-insensitive), e.g. resourceGroups → "contoso-dr". */
export function idSegment(id: string | undefined | null, segment: string): string | undefined {
  if (!id) return undefined;
  const parts = id.split("/");
  for (let i = 0; i < parts.length - 1; i++) if (parts[i].toLowerCase() === segment.toLowerCase()) return parts[i + 1];
  return undefined;
}

export function lastSegment(id: string): string {
  return id.replace(/\/+$/, "").split("/").pop() ?? id;
}

/** True when `id` is `parentId` or lies under it. */
export function isUnder(id: string | undefined | null, parentId: string): boolean {
  if (!id) return false;
  const a = id.toLowerCase();
  const p = parentId.replace(/\/+$/, "").toLowerCase();
  return a === p || a.startsWith(p + "/");
}

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
