// Pure naming helpers of the drill's resources (ARM ids: components/contract/armIds.ts).

/** Tags every drill resource carries, so a drill's leftovers can always be found and attributed. */
export function drillTags(drill: { id: string; owner: string; expiry: string }): Record<string, string> {
  return { "drill-id": drill.id, "drill-owner": drill.owner, "drill-expiry": drill.expiry };
}

/** The NSG of one test subnet. NSG names allow 1-80 letters, digits, _ . -. */
export { nsgName } from "./contract";

/** Storage account name = prefix + random suffix, 3-24 lowercase letters and digits in total. */
export const STORAGE_SUFFIX_LENGTH = 8;
export function storageAccountName(prefix: string, suffix: string): string {
  const name = `${prefix}${suffix}`.toLowerCase();
  if (!/^[a-z0-9]{3,24}$/.test(name)) {
    throw new Error(
      `storage account name ${JSON.stringify(name)} is not 3-24 lowercase letters and digits (prefix ${JSON.stringify(prefix)})`,
    );
  }
  return name;
}

/** `https://acct.blob.core.windows.net/` + `evidence` → `https://acct.blob.core.windows.net/evidence`. */
export function containerUrl(blobEndpoint: string, container: string): string {
  return `${blobEndpoint.replace(/\/+$/, "")}/${container}`;
}
