// Pure rules for reaching test VMs through Azure Bastion without breaking the test network's isolation:
// which SKU needs what, where the AzureBastionSubnet goes, the Bastion subnet's own NSG and the rules the
// test subnets get. No Pulumi imports: the config parser, the component, the policy pack and the twin's
// tests all use these.
//
// Microsoft Learn, "About Azure Bastion configuration settings" (learn.microsoft.com/azure/bastion/
// configuration-settings): "When you deploy Azure Bastion using any SKU except the Bastion Developer
// offering, Bastion requires a dedicated subnet named AzureBastionSubnet … Subnet size must be /26 or
// larger"; "Azure Bastion deployments, except Bastion Developer and Private-only, require a Public IP
// address … The Public IP address SKU must be Standard" (and its assignment Static).
// Microsoft Learn, "Configure NSG rules for Azure Bastion" (learn.microsoft.com/azure/bastion/bastion-nsg):
// the table of required AzureBastionSubnet rules below, and "the target VM subnet … allow ingress traffic
// from the Azure Bastion subnet" on 3389/22.
import { cidrContainsCidr, cidrsOverlap, formatIpv4, parseCidr, type Cidr } from "./ipv4";
import type { AllowRule, SecurityRule } from "./nsgRules";

import { BASTION_SUBNET_NAME } from "./contract";
export { BASTION_SUBNET_NAME };
/** "Subnet size must be /26 or larger (/25, /24 etc.)". */
export const BASTION_SUBNET_MAX_PREFIX_LENGTH = 26;
export const BASTION_SKUS = ["Developer", "Basic", "Standard"] as const;
export type BastionSku = (typeof BASTION_SKUS)[number];

/** Priorities of the test subnets' Bastion rules: just under the Internet deny rules (4000). */
export const BASTION_TARGET_PRIORITIES = { rdp: 3900, ssh: 3901 } as const;

/** Every SKU but Developer is deployed into the VNet's own AzureBastionSubnet. */
export function bastionNeedsSubnet(sku: BastionSku): boolean {
  return sku !== "Developer";
}

/** Every SKU but Developer (and Premium private-only, not offered here) needs a Standard static public IP. */
export function bastionNeedsPublicIp(sku: BastionSku): boolean {
  return sku !== "Developer";
}

/**
 * The first /26 of the address space (lowest address first) that overlaps no test subnet: where the drill
 * puts the AzureBastionSubnet when the config does not name a prefix. Undefined when none is free.
 */
export function carveBastionSubnet(addressSpace: string[], subnetPrefixes: string[]): string | undefined {
  const taken = subnetPrefixes.map((p) => parseCidr(p)).filter((c): c is Cidr => c !== undefined);
  const size = 2 ** (32 - BASTION_SUBNET_MAX_PREFIX_LENGTH);
  for (const space of addressSpace.map((s) => parseCidr(s))) {
    if (!space || space.prefixLength > BASTION_SUBNET_MAX_PREFIX_LENGTH) continue;
    for (let n = space.network; n + size <= space.network + space.size; n += size) {
      const candidate: Cidr = {
        text: `${formatIpv4(n)}/${BASTION_SUBNET_MAX_PREFIX_LENGTH}`,
        network: n,
        prefixLength: BASTION_SUBNET_MAX_PREFIX_LENGTH,
        size,
      };
      if (!taken.some((t) => cidrsOverlap(t, candidate))) return candidate.text;
    }
  }
  return undefined;
}

/** One problem with `testNetwork.access`: its path under `testNetwork`, the bad value and the expectation. */
export interface AccessProblem {
  path: (string | number)[];
  value: unknown;
  expectation: string;
}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Rec) : undefined);

/**
 * Cross-field problems of `testNetwork.access.bastion` (run on the raw config, like config.ts' other
 * cross-field checks): the subnet prefix fits the SKU, lies inside the address space, overlaps no test
 * subnet, and a /26 is free when none is given. A test subnet may not take the name AzureBastionSubnet.
 */
export function bastionAccessProblems(rawTestNetwork: unknown): AccessProblem[] {
  const tn = rec(rawTestNetwork);
  if (!tn) return [];
  const problems: AccessProblem[] = [];
  const subnets = Array.isArray(tn.subnets) ? tn.subnets.map(rec) : [];
  subnets.forEach((s, i) => {
    if (typeof s?.name === "string" && s.name.toLowerCase() === BASTION_SUBNET_NAME.toLowerCase()) {
      problems.push({
        path: ["subnets", i, "name"],
        value: s.name,
        expectation: "is reserved for Azure Bastion; set testNetwork.access.bastion instead of declaring the subnet",
      });
    }
  });
  const bastion = rec(rec(tn.access)?.bastion);
  if (!bastion || typeof bastion.sku !== "string" || !(BASTION_SKUS as readonly string[]).includes(bastion.sku)) return problems;
  const sku = bastion.sku as BastionSku;
  const reserved = new Set<number>(Object.values(BASTION_TARGET_PRIORITIES));
  (Array.isArray(tn.allowList) ? tn.allowList : []).forEach((r, i) => {
    const a = rec(r);
    if (a?.direction !== "Outbound" && typeof a?.priority === "number" && reserved.has(a.priority)) {
      problems.push({
        path: ["allowList", i, "priority"],
        value: a.priority,
        expectation: `is taken by the Bastion RDP/SSH rules (${[...reserved].join(", ")} inbound); choose another priority`,
      });
    }
  });
  const at = ["access", "bastion", "subnetPrefix"];
  const prefix = bastion.subnetPrefix;
  if (!bastionNeedsSubnet(sku)) {
    if (prefix !== undefined)
      problems.push({
        path: at,
        value: prefix,
        expectation: "is not used: the Developer SKU needs no AzureBastionSubnet (remove subnetPrefix, or choose sku Basic or Standard)",
      });
    return problems;
  }
  const space = (typeof tn.addressSpace === "string" ? [tn.addressSpace] : Array.isArray(tn.addressSpace) ? tn.addressSpace : []).filter(
    (s): s is string => typeof s === "string",
  );
  const subnetPrefixes = subnets.map((s) => s?.prefix).filter((p): p is string => typeof p === "string");
  if (prefix === undefined) {
    if (space.every((s) => parseCidr(s)) && !carveBastionSubnet(space, subnetPrefixes)) {
      problems.push({
        path: ["access", "bastion"],
        value: bastion,
        expectation: `needs a free /${BASTION_SUBNET_MAX_PREFIX_LENGTH} for the AzureBastionSubnet, but the address space ${space.join(", ")} has none left beside the test subnets; widen addressSpace or set subnetPrefix`,
      });
    }
    return problems;
  }
  const cidr = typeof prefix === "string" ? parseCidr(prefix) : undefined;
  if (!cidr) {
    problems.push({ path: at, value: prefix, expectation: 'is not an IPv4 CIDR (e.g. "10.10.255.0/26")' });
    return problems;
  }
  if (cidr.prefixLength > BASTION_SUBNET_MAX_PREFIX_LENGTH) {
    problems.push({
      path: at,
      value: prefix,
      expectation: `is smaller than /${BASTION_SUBNET_MAX_PREFIX_LENGTH}; Azure Bastion ${sku} needs an AzureBastionSubnet of /26 or larger`,
    });
  }
  const spaces = space.map((s) => parseCidr(s)).filter((c): c is Cidr => c !== undefined);
  if (spaces.length > 0 && !spaces.some((s) => cidrContainsCidr(s, cidr))) {
    problems.push({ path: at, value: prefix, expectation: `is not inside the address space ${space.join(", ")}` });
  }
  subnets.forEach((s, i) => {
    const other = typeof s?.prefix === "string" ? parseCidr(s.prefix) : undefined;
    if (other && cidrsOverlap(other, cidr))
      problems.push({ path: at, value: prefix, expectation: `overlaps testNetwork.subnets[${i}].prefix ${other.text}` });
  });
  return problems;
}

/** The AzureBastionSubnet prefix the drill uses: the configured one, else the first free /26. */
export function bastionSubnetPrefix(addressSpace: string[], subnetPrefixes: string[], configured?: string): string {
  const prefix = configured ?? carveBastionSubnet(addressSpace, subnetPrefixes);
  if (!prefix) throw new Error(`no free /${BASTION_SUBNET_MAX_PREFIX_LENGTH} in ${addressSpace.join(", ")} for the AzureBastionSubnet`);
  return prefix;
}

/** A security rule that may list several destination ports (azure-native's `destinationPortRanges`). */
export type PortsSecurityRule = Omit<SecurityRule, "destinationPortRange"> & {
  destinationPortRange?: string;
  destinationPortRanges?: string[];
};

const rule = (
  name: string,
  priority: number,
  direction: "Inbound" | "Outbound",
  protocol: string,
  source: string,
  destination: string,
  ports: string[],
): PortsSecurityRule => ({
  name,
  priority,
  direction,
  access: "Allow",
  protocol,
  sourceAddressPrefix: source,
  sourcePortRange: "*",
  destinationAddressPrefix: destination,
  ...(ports.length === 1 ? { destinationPortRange: ports[0] } : { destinationPortRanges: ports }),
  description: `Azure Bastion required rule (learn.microsoft.com/azure/bastion/bastion-nsg): ${direction.toLowerCase()} ${source} → ${destination} ${ports.join(", ")}`,
});

/**
 * The AzureBastionSubnet's NSG: exactly Microsoft's required rules ("If you apply an NSG to your Azure
 * Bastion resource, you must create all of the following ingress and egress traffic rules"). The one
 * Internet-facing rule is HTTPS in (the Bastion's public endpoint) and HTTP out (session information).
 */
export function bastionSubnetSecurityRules(): PortsSecurityRule[] {
  return [
    rule("AllowHttpsInbound", 120, "Inbound", "Tcp", "Internet", "*", ["443"]),
    rule("AllowGatewayManagerInbound", 130, "Inbound", "Tcp", "GatewayManager", "*", ["443"]),
    rule("AllowAzureLoadBalancerInbound", 140, "Inbound", "Tcp", "AzureLoadBalancer", "*", ["443"]),
    rule("AllowBastionHostCommunication", 150, "Inbound", "*", "VirtualNetwork", "VirtualNetwork", ["8080", "5701"]),
    rule("AllowSshRdpOutbound", 100, "Outbound", "*", "*", "VirtualNetwork", ["22", "3389"]),
    rule("AllowAzureCloudOutbound", 110, "Outbound", "Tcp", "*", "AzureCloud", ["443"]),
    rule("AllowBastionCommunication", 120, "Outbound", "*", "VirtualNetwork", "VirtualNetwork", ["8080", "5701"]),
    rule("AllowHttpOutbound", 130, "Outbound", "*", "*", "Internet", ["80"]),
  ];
}

/**
 * Where Bastion Developer reaches the VMs from: it has no subnet in the VNet ("part of a shared pool"), and
 * "to connect to a VM, your NSG rules must allow traffic to ports 22 and 3389 from the private IP address
 * 168.63.129.16" (Microsoft Learn, "Quickstart: Deploy Azure Bastion - Developer SKU",
 * MicrosoftDocs/azure-docs articles/bastion/quickstart-developer-sku.md).
 */
export const DEVELOPER_BASTION_SOURCE = "168.63.129.16/32";

/** The source the test subnets let RDP/SSH in from: the AzureBastionSubnet, or Developer's platform address. */
export function bastionRuleSource(sku: BastionSku, bastionPrefix: string | undefined): string {
  if (!bastionNeedsSubnet(sku)) return DEVELOPER_BASTION_SOURCE;
  if (!bastionPrefix) throw new Error(`Azure Bastion ${sku} needs its AzureBastionSubnet prefix`);
  return bastionPrefix;
}

/**
 * The rules every test subnet gets with a Bastion: RDP and SSH in from the Bastion's source only (its
 * AzureBastionSubnet, or 168.63.129.16 for Developer). The deny-Internet rules stay (nsgRules.ts adds them
 * after these).
 */
export function bastionTargetRules(source: string): AllowRule[] {
  return [
    {
      name: "allow-bastion-rdp",
      direction: "Inbound",
      protocol: "Tcp",
      remoteAddress: source,
      ports: "3389",
      priority: BASTION_TARGET_PRIORITIES.rdp,
    },
    {
      name: "allow-bastion-ssh",
      direction: "Inbound",
      protocol: "Tcp",
      remoteAddress: source,
      ports: "22",
      priority: BASTION_TARGET_PRIORITIES.ssh,
    },
  ];
}

/** The portal's "Connect > Bastion" blade of a VM (chosen: the VM resource blade's `bastionHost` page). */
export function bastionConnectUrl(vmId: string, portalUrl = "https://portal.azure.com"): string {
  const id = vmId.startsWith("/") ? vmId : `/${vmId}`;
  return `${portalUrl.replace(/\/+$/, "")}/#@/resource${id}/bastionHost`;
}
