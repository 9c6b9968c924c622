// ARM path grammar: /subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{type}/{name}…][/{leaf}]
// Matching is case-insensitive (as ARM's); the values keep the caller's casing.

export interface ArmPath {
  subscriptionId: string;
  resourceGroup?: string;
  namespace?: string;
  /** Type segments, e.g. ["virtualNetworks", "subnets"]. */
  types: string[];
  /** Name segments, one per type. */
  names: string[];
  /** Trailing segment after the last name: a child collection or an action. */
  leaf?: string;
  /** Path segments that follow `/subscriptions/{sub}/providers/` (subscription-level provider paths). */
  subscriptionProvider?: string[];
  /** True for /subscriptions/{sub}/resourceGroups (list). */
  rgCollection?: boolean;
  /** Segments after /subscriptions/{sub} that are none of the above (e.g. operationresults/{id}). */
  other?: string[];
}

export function parseArmPath(pathname: string): ArmPath | undefined {
  const seg = pathname
    .split("/")
    .filter((s) => s.length > 0)
    .map(safeDecode);
  if (seg.length < 2 || seg[0].toLowerCase() !== "subscriptions") return undefined;
  const p: ArmPath = { subscriptionId: seg[1], types: [], names: [] };
  if (seg.length === 2) return p;
  const s2 = seg[2].toLowerCase();
  if (s2 === "resourcegroups") {
    if (seg.length === 3) return { ...p, rgCollection: true };
    p.resourceGroup = seg[3];
    if (seg.length === 4) return p;
    if (seg[4].toLowerCase() !== "providers" || seg.length < 7) {
      // /resourceGroups/{rg}/resources and the like: leaf on the resource group
      if (seg.length === 5) return { ...p, leaf: seg[4] };
      return undefined;
    }
    p.namespace = seg[5];
    const rest = seg.slice(6);
    for (let i = 0; i < rest.length; i += 2) {
      if (i + 1 < rest.length) {
        p.types.push(rest[i]);
        p.names.push(rest[i + 1]);
      } else {
        p.leaf = rest[i];
      }
    }
    return p;
  }
  if (s2 === "providers") return { ...p, subscriptionProvider: seg.slice(3) };
  return { ...p, other: seg.slice(2) };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
