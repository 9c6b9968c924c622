// The test IPs a TestFailover pins: each NIC's test failover IP (tfoStaticIPAddress) and each expected
// VM's primary IP. Used by test-ip-valid (per resource) and test-ip-unique-across-drill (per stack).
// The stack rule also counts a NIC's own recovery IP (recoveryStaticIPAddress) when no test failover IP
// is set and it lies in the test subnet: the seed rule says a test failover "may reuse the same address
// if it is free in the test network, else takes another free one", so two VMs wanting one address means
// one of them comes up elsewhere and whatever is wired to that address breaks.
import { cidrContainsIp, parseIpv4 } from "failover-drill-contract";
import { ExpectedVmResultLike, configuredTestIp, itemsOf, nicName, primaryNicIndex, resolveTestSubnet, TestSubnet } from "./testFailover";
import { asArray, asString, PropertyBag } from "./unknowns";

export interface IpClaim {
  ip: string;
  /** The address as a number, undefined when it is not an IPv4 address. */
  value?: number;
  item: string;
  nic?: string;
  /** Where the address comes from: the item's NIC setting or the drill's expected result. */
  source: "tfoStaticIp" | "expected" | "recoveryStaticIp";
  /** The test subnet the NIC lands in, when it can be resolved. */
  subnet?: TestSubnet;
  /** True when the NIC's recovery subnet name has no same-named subnet in the test network. */
  subnetFallback?: boolean;
  recoverySubnetName?: string;
}

/** Every test IP a TestFailover's props pin, read through `read` so unknowns are skipped. */
export function ipClaimsOf(
  props: PropertyBag,
  subnets: TestSubnet[] | undefined,
  read: <T>(f: () => T) => T | undefined,
  options: { recoveryIps?: boolean } = {},
): IpClaim[] {
  const claims: IpClaim[] = [];
  const itemsByName = new Map<string, { name: string; primaryNicName?: string; recoverySubnetName?: string }>();
  for (const { item, name } of itemsOf(props, read)) {
    const nics = read(() => asArray(item.nics)) ?? [];
    const primaryIndex = read(() => primaryNicIndex(nics)) ?? -1;
    const primary = primaryIndex >= 0 ? nics[primaryIndex] : undefined;
    itemsByName.set(name.toLowerCase(), {
      name,
      primaryNicName: primary ? read(() => nicName(primary, primaryIndex)) : undefined,
      recoverySubnetName: primary ? read(() => asString(primary.recoverySubnetName)) : undefined,
    });
    nics.forEach((_, i) => {
      const claim = read((): IpClaim | undefined => {
        const nic = nics[i];
        const recoverySubnetName = asString(nic.recoverySubnetName);
        const resolved = subnets ? resolveTestSubnet(subnets, recoverySubnetName) : undefined;
        const tfoIp = configuredTestIp(nic);
        const recoveryIp = asString(nic.recoveryStaticIp)?.trim();
        const reused = !tfoIp && options.recoveryIps && recoveryIp ? parseIpv4(recoveryIp) : undefined;
        // A recovery IP outside the NIC's test subnet is never reused, so it claims nothing there.
        const reusable = reused !== undefined && resolved?.subnet.cidr !== undefined && cidrContainsIp(resolved.subnet.cidr, reused);
        const ip = tfoIp ?? (reusable ? recoveryIp : undefined);
        if (!ip) return undefined;
        return {
          ip,
          value: parseIpv4(ip),
          item: name,
          nic: nicName(nic, i),
          source: tfoIp ? "tfoStaticIp" : "recoveryStaticIp",
          subnet: resolved?.subnet,
          subnetFallback: resolved ? !resolved.sameName : undefined,
          recoverySubnetName,
        };
      });
      if (claim) claims.push(claim);
    });
  }
  const expected = read(() => asArray<ExpectedVmResultLike>(props.expected)) ?? [];
  expected.forEach((_, i) => {
    const claim = read((): IpClaim | undefined => {
      const e = expected[i];
      const ip = asString(e.ip)?.trim();
      if (!ip) return undefined;
      const friendlyName = asString(e.friendlyName) ?? `expected[${i}]`;
      const owner = itemsByName.get(friendlyName.toLowerCase());
      const resolved = owner && subnets ? resolveTestSubnet(subnets, owner.recoverySubnetName) : undefined;
      return {
        ip,
        value: parseIpv4(ip),
        item: owner?.name ?? friendlyName,
        nic: owner?.primaryNicName,
        source: "expected",
        subnet: resolved?.subnet,
        subnetFallback: resolved ? !resolved.sameName : undefined,
        recoverySubnetName: owner?.recoverySubnetName,
      };
    });
    if (claim) claims.push(claim);
  });
  return claims;
}

/** A claim's owner: one NIC of one item (an expected IP belongs to the item's primary NIC). */
export function ownerKey(claim: IpClaim): string {
  return `${claim.item.toLowerCase()}\u0000${(claim.nic ?? "").toLowerCase()}`;
}

export function describeClaim(claim: IpClaim): string {
  const nic = claim.nic ? `, NIC "${claim.nic}"` : "";
  const from = {
    expected: "expected IP",
    tfoStaticIp: "test failover IP",
    recoveryStaticIp: "recovery IP, reused in the test network when free",
  }[claim.source];
  return `item "${claim.item}"${nic} (${from})`;
}

export function fixFor(claim: IpClaim): string {
  if (claim.source === "recoveryStaticIp") {
    return `set a test failover IP (or change the recovery IP) of NIC "${claim.nic}" in Replicated items > ${claim.item} > "Compute and Network" > Network properties`;
  }
  return claim.source === "expected"
    ? `change failover-drill:expected[].ip for friendlyName "${claim.item}" (or failover-drill:directoryCopy.items[].testIp for a DC copy)`
    : `change the test failover IP of NIC "${claim.nic}" in Replicated items > ${claim.item} > "Compute and Network" > Network properties`;
}
