// Pure naming and ARM-id helpers shared by the components and index.ts.

/** Tags every drill resource carries, so a drill's leftovers can always be found and attributed. */
export function drillTags(drill: { id: string; owner: string; expiry: string }): Record<string, string> {
  return { "drill-id": drill.id, "drill-owner": drill.owner, "drill-expiry": drill.expiry };
}

/** The NSG of one test subnet. NSG names allow 1-80 letters, digits, _ . -. */
export function nsgName(vnetName: string, subnetName: string): string {
  return `${vnetName}-${subnetName}-nsg`.slice(0, 80).replace(/[-.]+$/, "");
}

/** The ARM id a virtual network will have, known before it exists (used to refuse a bad network at preview). */
export function virtualNetworkId(subscriptionId: string, resourceGroup: string, vnetName: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/virtualNetworks/${vnetName}`;
}

/** ARM ids compare case-insensitively (ASR returns "/Subscriptions/..." with a capital S). */
export function sameArmId(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  return a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();
}

export interface ArmIdParts {
  subscriptionId: string;
  resourceGroup: string;
  provider: string;
  /** Type/name pairs after the provider, e.g. [["virtualNetworks","vnet1"],["subnets","a"]]. */
  segments: [string, string][];
}

/** Splits an ARM resource id; undefined when it is not one. */
export function parseArmId(id: string | undefined): ArmIdParts | undefined {
  if (!id) return undefined;
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/(.+)$/i.exec(id.replace(/\/+$/, ""));
  if (!m) return undefined;
  const rest = m[4].split("/");
  if (rest.length % 2 !== 0) return undefined;
  const segments: [string, string][] = [];
  for (let i = 0; i < rest.length; i += 2) segments.push([rest[i], rest[i + 1]]);
  return { subscriptionId: m[1], resourceGroup: m[2], provider: m[3], segments };
}

/** The resource name (last segment) of an ARM id. */
export function armIdName(id: string): string | undefined {
  const p = parseArmId(id);
  return p?.segments[p.segments.length - 1]?.[1];
}

/** Storage account name = prefix + random suffix, 3-24 lowercase letters and digits in total. */
export const STORAGE_SUFFIX_LENGTH = 8;
export function storageAccountName(prefix: string, suffix: string): string {
  const name = `${prefix}${suffix}`.toLowerCase();
  if (!/^[a-z0-9]{3,24}$/.test(name)) {
    throw new Error(`storage account name ${JSON.stringify(name)} is not 3-24 lowercase letters and digits (prefix ${JSON.stringify(prefix)})`);
  }
  return name;
}

/** `https://acct.blob.core.windows.net/` + `evidence` → `https://acct.blob.core.windows.net/evidence`. */
export function containerUrl(blobEndpoint: string, container: string): string {
  return `${blobEndpoint.replace(/\/+$/, "")}/${container}`;
}
