// Finding the drill's TestFailover dynamic resources and reading the settings the rules check.
import type { ItemSettingsSnapshot, NicSnapshot, TestFailoverInputs } from "failover-drill-contract";
import { Cidr, idSegment, lastSegment, parseCidr, sameArmId, TEST_FAILOVER_TYPE } from "failover-drill-contract";
import { PreviewReader, PropertyBag, asArray, asString } from "./unknowns";

export { sameArmId, TEST_FAILOVER_TYPE };
export type { ItemSettingsSnapshot, NicSnapshot, TestFailoverInputs };

/**
 * True for the drill's TestFailover. `validateResourceOfType` cannot match dynamic resources (they have
 * no static `__pulumiType`), so the type token is compared. The generic token is accepted too when the
 * props carry the TestFailover's unmistakable shape, in case a caller registers it without a module.
 */
export function isTestFailover(type: string, props?: PropertyBag): boolean {
  if (type === TEST_FAILOVER_TYPE) return true;
  if (type !== "pulumi-nodejs:dynamic:Resource" || !props) return false;
  try {
    const role = props.role;
    return (role === "directory-copy" || role === "application") && Array.isArray(props.items);
  } catch {
    return false;
  }
}

export function isManagedDisks(item: ItemSettingsSnapshot): boolean {
  return String(item.useManagedDisks).trim().toLowerCase() === "true";
}

export function itemName(item: ItemSettingsSnapshot, index: number): string {
  return asString(item.friendlyName) || asString(item.recoveryVmName) || `items[${index}]`;
}

// Identity comparisons do not work on policy props: the unknownCheckingProxy hands out a new proxy on
// every property access, so `nics[0] !== nics[0]`. NICs are tracked by index.

/** Index of the primary NIC: the one marked primary, else the first listed (ASR's rule); -1 when none. */
export function primaryNicIndex(nics: NicSnapshot[]): number {
  const marked = nics.findIndex((n) => n.isPrimary === true);
  return marked >= 0 ? marked : nics.length > 0 ? 0 : -1;
}

export function primaryNic(nics: NicSnapshot[]): NicSnapshot | undefined {
  const i = primaryNicIndex(nics);
  return i >= 0 ? nics[i] : undefined;
}

/** NIC indexes in the order ASR attaches them: the primary first, then the others as listed. */
export function nicIndexesInAttachOrder(nics: NicSnapshot[]): number[] {
  const primary = primaryNicIndex(nics);
  if (primary < 0) return [];
  return [primary, ...nics.map((_, i) => i).filter((i) => i !== primary)];
}

export function nicName(nic: NicSnapshot, index: number): string {
  return asString(nic.name) || asString(nic.nicId) || `nics[${index}]`;
}

export interface TestSubnet {
  name: string;
  addressPrefix: string;
  cidr?: Cidr;
}

export function testSubnetsOf(props: PropertyBag): TestSubnet[] {
  return asArray<{ name: string; addressPrefix: string }>(props.testSubnets).map((s) => ({
    name: String(s.name),
    addressPrefix: String(s.addressPrefix),
    cidr: parseCidr(String(s.addressPrefix)),
  }));
}

/**
 * The test-network subnet a NIC lands in. Microsoft: "If a subnet with the same name as the target
 * subnet is available in the test network, the test VM is connected to it; otherwise to the first
 * subnet in alphabetical order."
 */
export function resolveTestSubnet(
  subnets: TestSubnet[],
  recoverySubnetName: string | undefined,
): { subnet: TestSubnet; sameName: boolean } | undefined {
  if (subnets.length === 0) return undefined;
  const wanted = recoverySubnetName?.trim().toLowerCase();
  const same = wanted ? subnets.find((s) => s.name.toLowerCase() === wanted) : undefined;
  if (same) return { subnet: same, sameName: true };
  const first = [...subnets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0];
  return { subnet: first, sameName: false };
}

/** The test IP configured on a NIC: the test failover IP when set, else none (DHCP or reuse). */
export function configuredTestIp(nic: NicSnapshot): string | undefined {
  const ip = asString(nic.tfoStaticIp)?.trim();
  return ip ? ip : undefined;
}

/** Splits an ARM id into resource group and resource name (the last segment). */
export function armIdParts(id: string): { resourceGroup?: string; name?: string } {
  return { resourceGroup: idSegment(id, "resourceGroups"), name: lastSegment(id) || undefined };
}

/** The items of a TestFailover, each with its display name; unknown items are skipped by the reader. */
export function itemsOf(
  props: PropertyBag,
  read: <T>(f: () => T) => T | undefined,
): { item: ItemSettingsSnapshot; name: string; index: number }[] {
  const items = read(() => asArray<ItemSettingsSnapshot>(props.items)) ?? [];
  const result: { item: ItemSettingsSnapshot; name: string; index: number }[] = [];
  items.forEach((_, index) => {
    const item = read(() => items[index]);
    if (item === undefined || item === null) return;
    const name = read(() => itemName(item, index)) ?? `items[${index}]`;
    result.push({ item, name, index });
  });
  return result;
}

/** The fields of an expected result the rules read. */
export interface ExpectedVmResultLike {
  friendlyName: string;
  ip?: string;
}

/**
 * Runs `check` for each protected item of a TestFailover's props. In preview an unknown value stops only
 * that item's check; the first one is re-raised at the end (PreviewReader.finish) so the engine still
 * reports that the policy could not fully run, instead of the rule passing silently.
 */
export function forEachItem(props: PropertyBag, check: (item: ItemSettingsSnapshot, name: string) => void): void {
  const reader = new PreviewReader();
  const read = reader.read.bind(reader);
  for (const { item, name } of itemsOf(props, read)) reader.check(() => check(item, name));
  reader.finish();
}
