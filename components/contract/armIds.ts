// ARM resource ids. ARM ids compare case-insensitively, and ASR returns them with "/Subscriptions/"
// (capital S), so every comparison goes through sameArmId.

/** True when both ids are set and name the same resource (case and trailing slashes ignored). */
export function sameArmId(a: string | undefined | null, b: string | undefined | null): boolean {
  if (!a || !b) return false;
  const norm = (s: string) => s.trim().replace(/\/+$/, "").toLowerCase();
  return norm(a) === norm(b);
}

export interface ArmIdParts {
  subscriptionId: string;
  resourceGroup: string;
  provider: string;
  /** Type/name pairs after the provider, e.g. [["virtualNetworks","vnet1"],["subnets","a"]]. */
  segments: [string, string][];
}

/** Splits an ARM resource id; undefined when it is not one. */
export function parseArmId(id: string | undefined | null): ArmIdParts | undefined {
  if (!id) return undefined;
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/(.+)$/i.exec(id.trim().replace(/\/+$/, ""));
  if (!m) return undefined;
  const rest = m[4].split("/");
  if (rest.length % 2 !== 0) return undefined;
  const segments: [string, string][] = [];
  for (let i = 0; i < rest.length; i += 2) segments.push([rest[i], rest[i + 1]]);
  return { subscriptionId: m[1], resourceGroup: m[2], provider: m[3], segments };
}

/** The resource name (last type/name pair) of an ARM resource id; undefined when it is not one. */
export function armIdName(id: string | undefined | null): string | undefined {
  const p = parseArmId(id);
  return p?.segments[p.segments.length - 1]?.[1];
}

/** The value after `/<segment>/` in an ARM id (case-insensitive), e.g. resourceGroups → "contoso-dr". */
export function idSegment(id: string | undefined | null, segment: string): string | undefined {
  if (!id) return undefined;
  const parts = id.split("/");
  for (let i = 0; i < parts.length - 1; i++) if (parts[i].toLowerCase() === segment.toLowerCase()) return parts[i + 1];
  return undefined;
}

/** The last path segment of an id or path (whatever it is). */
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

/** The ARM id a virtual network will have, known before it exists (used to refuse a bad network at preview). */
export function virtualNetworkId(subscriptionId: string, resourceGroup: string, vnetName: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/virtualNetworks/${vnetName}`;
}
