// Microsoft.Network: virtual networks (subnets inline and as children, DNS servers, peerings),
// NSGs (rule priority rules) and NICs (static/dynamic private IPs with Azure's reserved addresses).
import type { Twin } from "../twin";
import type { ArmResource, Json } from "../store";
import { badRequest } from "../errors";
import { cidrContainsCidr, cidrsOverlap, formatIpv4, parseCidr, parseIpv4, staticIpProblem, usableAddresses, isIpv4 } from "./ipv4";
import type { PutArgs, ResourceKind } from "./kind";
import { lookup, nameOf, parentIdOf, sameId } from "./lookup";
import { randomUUID } from "node:crypto";
import { checkBastionSubnetNsg } from "./bastion";

const VNET = "Microsoft.Network/virtualNetworks";
const NIC = "Microsoft.Network/networkInterfaces";
const NSG = "Microsoft.Network/networkSecurityGroups";
const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,78}[A-Za-z0-9_])?$/;

const etag = () => `W/"${randomUUID()}"`;

function checkName(name: string, what: string): void {
  if (!NAME.test(name)) {
    throw badRequest(
      "InvalidResourceName",
      `Resource name ${name} is invalid. The name can be up to 80 characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.`,
    );
  }
  void what;
}

function subnetPrefix(s: Json): string | undefined {
  const p = s?.properties?.addressPrefix ?? s?.properties?.addressPrefixes?.[0];
  return typeof p === "string" ? p : undefined;
}

/** Validates one subnet against its VNet's address space and sibling subnets. */
function validateSubnet(vnetName: string, addressSpace: string[], siblings: Json[], name: string, prefix: string | undefined): void {
  checkName(name, "subnet");
  if (!prefix) throw badRequest("InvalidRequestFormat", `Subnet '${name}' must have an addressPrefix.`);
  const cidr = parseCidr(prefix);
  if (!cidr) throw badRequest("InvalidAddressPrefixFormat", `Address prefix ${prefix} of subnet '${name}' has an invalid format.`);
  if (cidr.prefixLength > 29)
    throw badRequest(
      "NetcfgInvalidSubnet",
      `Subnet '${name}' is not valid in virtual network '${vnetName}': the smallest supported subnet is /29.`,
    );
  const spaces = addressSpace.map((s) => parseCidr(s)).filter((c): c is NonNullable<typeof c> => !!c);
  if (!spaces.some((s) => cidrContainsCidr(s, cidr))) {
    throw badRequest("NetcfgInvalidSubnet", `Subnet '${name}' is not valid in virtual network '${vnetName}'.`);
  }
  for (const sib of siblings) {
    if (sib.name.toLowerCase() === name.toLowerCase()) continue;
    const other = parseCidr(subnetPrefix(sib) ?? "");
    if (other && cidrsOverlap(other, cidr)) {
      throw badRequest(
        "NetcfgSubnetRangesOverlap",
        `Subnet '${name}' is not valid because its IP address range overlaps with that of an existing subnet '${sib.name}' in virtual network '${vnetName}'.`,
      );
    }
  }
}

/** The first Microsoft.Network api-version whose VNet PUT leaves subnets alone when the body omits them. */
export const KEEPS_OMITTED_SUBNETS_FROM = "2023-09-01";

/** api-versions are ISO dates (optionally `-preview`), so they order as strings. */
export function keepsOmittedSubnets(apiVersion: string): boolean {
  return apiVersion.slice(0, 10) >= KEEPS_OMITTED_SUBNETS_FROM;
}

/** Everything a client may send back unchanged from a GET (read-only values the service recomputes). */
const SUBNET_READ_ONLY = ["provisioningState", "ipConfigurations"];

function sameSubnetSettings(a: Json | undefined, b: Json | undefined): boolean {
  const strip = (p: Json | undefined) => Object.fromEntries(Object.entries(p ?? {}).filter(([k]) => !SUBNET_READ_ONLY.includes(k)));
  return JSON.stringify(sortKeys(strip(a))) === JSON.stringify(sortKeys(strip(b)));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Json)[k])]),
    );
  return v;
}

function subnetResource(vnetId: string, s: Json, existing?: Json): ArmResource {
  const props = { ...(s.properties ?? {}) };
  return {
    name: s.name,
    id: existing?.id ?? `${vnetId}/subnets/${s.name}`,
    // A subnet sent back unchanged inside a VNet PUT keeps its etag (chosen: not observed; see twin/README.md).
    etag: existing && sameSubnetSettings(existing.properties, subnetDefaults(props)) ? existing.etag : etag(),
    type: `${VNET}/subnets`,
    properties: {
      ...subnetDefaults(props),
      provisioningState: "Succeeded",
      ipConfigurations: existing?.properties?.ipConfigurations ?? [],
    },
  };
}

/** The settings a stored subnet has for these request properties (the service's defaults filled in). */
function subnetDefaults(props: Json): Json {
  return {
    ...props,
    privateEndpointNetworkPolicies: props.privateEndpointNetworkPolicies ?? "Disabled",
    privateLinkServiceNetworkPolicies: props.privateLinkServiceNetworkPolicies ?? "Enabled",
  };
}

function inUse(s: Json): boolean {
  return Array.isArray(s?.properties?.ipConfigurations) && s.properties.ipConfigurations.length > 0;
}

function inUseError(subnet: Json): Error {
  const ref = subnet.properties.ipConfigurations[0]?.id ?? "";
  return badRequest(
    "InUseSubnetCannotBeDeleted",
    `Subnet ${subnet.name} is in use by ${ref} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet.`,
  );
}

function checkNsgRef(twin: Twin, ref: Json): void {
  if (ref?.id && !twin.get(ref.id))
    throw badRequest("InvalidResourceReference", `Resource ${ref.id} referenced by resource was not found.`);
}

export const virtualNetworkKind: ResourceKind = {
  type: VNET,
  putMode: "aao",
  deleteMode: "aao",
  seconds: 3,
  tracked: true,
  build({ twin, ctx, id, name, body, existing }: PutArgs): ArmResource {
    checkName(name, "virtual network");
    const props = body.properties ?? {};
    const prefixes: unknown = props.addressSpace?.addressPrefixes;
    if (!Array.isArray(prefixes) || prefixes.length === 0) {
      throw badRequest(
        "InvalidRequestFormat",
        `Virtual network '${name}' must have at least one address prefix in addressSpace.addressPrefixes.`,
      );
    }
    for (const p of prefixes) {
      if (typeof p !== "string" || !parseCidr(p))
        throw badRequest("InvalidAddressPrefixFormat", `Address prefix ${String(p)} has an invalid format.`);
    }
    const dns: unknown = props.dhcpOptions?.dnsServers ?? [];
    if (!Array.isArray(dns) || !dns.every((d) => typeof d === "string" && isIpv4(d))) {
      throw badRequest("InvalidRequestFormat", `dhcpOptions.dnsServers of virtual network '${name}' must be a list of IPv4 addresses.`);
    }
    const old: Json[] = existing?.properties?.subnets ?? [];
    // Omitted `subnets` keep the existing ones from api-version 2023-09-01 on; an explicit `[]` deletes
    // them all (so in-use ones block it); before 2023-09-01 an omitted list meant none (twin/README.md).
    const wanted: Json[] = Array.isArray(props.subnets) ? props.subnets : keepsOmittedSubnets(ctx.apiVersion) ? old : [];
    const subnets: ArmResource[] = [];
    for (const s of wanted) {
      if (!s || typeof s.name !== "string") throw badRequest("InvalidRequestFormat", "Every subnet needs a name.");
      validateSubnet(name, prefixes as string[], wanted, s.name, subnetPrefix(s));
      checkNsgRef(twin, s.properties?.networkSecurityGroup);
      checkBastionSubnetNsg(twin, s.name, s.properties?.networkSecurityGroup);
      const prev = old.find((o) => o.name.toLowerCase() === s.name.toLowerCase());
      if (prev && inUse(prev) && subnetPrefix(prev) !== subnetPrefix(s)) {
        throw badRequest(
          "InUsePrefixCannotBeDeleted",
          `IpPrefix ${subnetPrefix(prev)} on Subnet ${prev.name} has active allocations and cannot be deleted.`,
        );
      }
      subnets.push(subnetResource(id, s, prev));
    }
    for (const o of old) {
      if (!subnets.some((s) => s.name.toLowerCase() === o.name.toLowerCase()) && inUse(o)) throw inUseError(o);
    }
    return {
      id,
      name,
      type: VNET,
      etag: etag(),
      properties: {
        ...props,
        resourceGuid: existing?.properties?.resourceGuid ?? randomUUID(),
        addressSpace: { addressPrefixes: prefixes },
        dhcpOptions: { dnsServers: dns },
        subnets,
        virtualNetworkPeerings: Array.isArray(props.virtualNetworkPeerings)
          ? props.virtualNetworkPeerings
          : (existing?.properties?.virtualNetworkPeerings ?? []),
        enableDdosProtection: props.enableDdosProtection ?? false,
      },
    };
  },
  beforeDelete(_twin, res) {
    for (const s of res.properties?.subnets ?? []) if (inUse(s)) throw inUseError(s);
  },
};

export const subnetKind: ResourceKind = {
  type: `${VNET}/subnets`,
  inline: "subnets",
  putMode: "sync",
  deleteMode: "sync",
  seconds: 0,
  tracked: false,
  build({ twin, id, name, body, existing, parent }: PutArgs): ArmResource {
    const vnet = parent as ArmResource;
    validateSubnet(vnet.name, vnet.properties.addressSpace.addressPrefixes, vnet.properties.subnets ?? [], name, subnetPrefix(body));
    checkNsgRef(twin, body.properties?.networkSecurityGroup);
    checkBastionSubnetNsg(twin, name, body.properties?.networkSecurityGroup);
    if (existing && inUse(existing) && subnetPrefix(existing) !== subnetPrefix(body)) {
      throw badRequest(
        "InUsePrefixCannotBeDeleted",
        `IpPrefix ${subnetPrefix(existing)} on Subnet ${existing.name} has active allocations and cannot be deleted.`,
      );
    }
    return { ...subnetResource(parentIdOf(id), { name, properties: body.properties }, existing), id };
  },
  beforeDelete(_twin, res) {
    if (inUse(res)) throw inUseError(res);
  },
};

export const peeringKind: ResourceKind = {
  type: `${VNET}/virtualNetworkPeerings`,
  inline: "virtualNetworkPeerings",
  putMode: "sync",
  deleteMode: "sync",
  seconds: 0,
  tracked: false,
  build({ twin, id, name, body, parent }: PutArgs): ArmResource {
    checkName(name, "peering");
    const vnet = parent as ArmResource;
    const remoteId = body.properties?.remoteVirtualNetwork?.id;
    const remote = typeof remoteId === "string" ? twin.get(remoteId) : undefined;
    if (!remote)
      throw badRequest(
        "ReferencedResourceNotProvisioned",
        `Cannot proceed with operation because resource ${String(remoteId)} used by resource ${id} is not in Succeeded state. Resource is in Failed state and the last operation that updated/is updating the resource is PutVirtualNetworkOperation.`,
      );
    const mine = vnet.properties.addressSpace.addressPrefixes.map((p: string) => parseCidr(p));
    const theirs = remote.properties.addressSpace.addressPrefixes.map((p: string) => parseCidr(p));
    for (const a of mine)
      for (const b of theirs) {
        if (a && b && cidrsOverlap(a, b)) {
          throw badRequest(
            "VnetAddressSpacesOverlap",
            `Cannot create or update peering ${id}. Virtual networks ${vnet.id} and ${remote.id} cannot be peered because their address spaces overlap. Overlapping address prefixes: ${a.text}, ${b.text}`,
          );
        }
      }
    // Connected once the remote VNet peers back; Initiated until then.
    const back = (remote.properties.virtualNetworkPeerings ?? []).find((p: Json) =>
      sameId(p.properties?.remoteVirtualNetwork?.id, vnet.id),
    );
    if (back) back.properties.peeringState = "Connected";
    return {
      id,
      name,
      type: `${VNET}/virtualNetworkPeerings`,
      etag: etag(),
      properties: {
        allowVirtualNetworkAccess: true,
        allowForwardedTraffic: false,
        allowGatewayTransit: false,
        useRemoteGateways: false,
        ...body.properties,
        remoteVirtualNetwork: { id: remote.id },
        remoteAddressSpace: { addressPrefixes: remote.properties.addressSpace.addressPrefixes },
        peeringState: back ? "Connected" : "Initiated",
        peeringSyncLevel: "FullyInSync",
      },
    };
  },
};

// ---- NSG ----

const DEFAULT_RULES: [string, string, number, string, string, string][] = [
  ["AllowVnetInBound", "Inbound", 65000, "Allow", "VirtualNetwork", "VirtualNetwork"],
  ["AllowAzureLoadBalancerInBound", "Inbound", 65001, "Allow", "AzureLoadBalancer", "*"],
  ["DenyAllInBound", "Inbound", 65500, "Deny", "*", "*"],
  ["AllowVnetOutBound", "Outbound", 65000, "Allow", "VirtualNetwork", "VirtualNetwork"],
  ["AllowInternetOutBound", "Outbound", 65001, "Allow", "*", "Internet"],
  ["DenyAllOutBound", "Outbound", 65500, "Deny", "*", "*"],
];

function validateRule(rule: Json, siblings: Json[]): void {
  const p = rule.properties ?? {};
  const pr = p.priority;
  if (!Number.isInteger(pr) || pr < 100 || pr > 4096) {
    throw badRequest(
      "SecurityRuleInvalidPriority",
      `Security rule ${rule.name} has invalid Priority ${String(pr)}. Value provided: ${String(pr)} Allowed range 100-4096.`,
    );
  }
  if (!["Inbound", "Outbound"].includes(p.direction))
    throw badRequest(
      "SecurityRuleInvalidDirection",
      `Security rule ${rule.name} has invalid direction ${String(p.direction)}. Allowed: Inbound, Outbound.`,
    );
  if (!["Allow", "Deny"].includes(p.access))
    throw badRequest(
      "SecurityRuleInvalidAccess",
      `Security rule ${rule.name} has invalid access ${String(p.access)}. Allowed: Allow, Deny.`,
    );
  if (!["Tcp", "Udp", "Icmp", "Esp", "Ah", "*"].includes(p.protocol))
    throw badRequest("SecurityRuleInvalidProtocol", `Security rule ${rule.name} has invalid protocol ${String(p.protocol)}.`);
  for (const s of siblings) {
    if (s.name.toLowerCase() === rule.name.toLowerCase()) continue;
    if (s.properties?.direction === p.direction && s.properties?.priority === pr) {
      throw badRequest(
        "SecurityRulesConflictingPriority",
        `Security rule ${s.name} conflicts with rule ${rule.name}. Rules cannot have the same Priority and Direction. Priority: ${pr} Direction: ${p.direction}.`,
      );
    }
  }
}

function ruleResource(nsgId: string, r: Json, kind: "securityRules" | "defaultSecurityRules"): ArmResource {
  return {
    name: r.name,
    id: `${nsgId}/${kind}/${r.name}`,
    etag: etag(),
    type: `${NSG}/${kind}`,
    properties: { ...r.properties, provisioningState: "Succeeded" },
  };
}

export const nsgKind: ResourceKind = {
  type: NSG,
  putMode: "aao",
  deleteMode: "aao",
  seconds: 3,
  tracked: true,
  build({ id, name, body, existing }: PutArgs): ArmResource {
    checkName(name, "network security group");
    const rules: Json[] = Array.isArray(body.properties?.securityRules) ? body.properties.securityRules : [];
    for (const r of rules) {
      if (!r || typeof r.name !== "string") throw badRequest("InvalidRequestFormat", "Every security rule needs a name.");
      validateRule(r, rules);
    }
    return {
      id,
      name,
      type: NSG,
      etag: etag(),
      properties: {
        resourceGuid: existing?.properties?.resourceGuid ?? randomUUID(),
        securityRules: rules.map((r) => ruleResource(id, r, "securityRules")),
        defaultSecurityRules: DEFAULT_RULES.map(([n, direction, priority, access, src, dst]) =>
          ruleResource(
            id,
            {
              name: n,
              properties: {
                description: n,
                protocol: "*",
                sourcePortRange: "*",
                destinationPortRange: "*",
                sourceAddressPrefix: src,
                destinationAddressPrefix: dst,
                access,
                priority,
                direction,
              },
            },
            "defaultSecurityRules",
          ),
        ),
        subnets: existing?.properties?.subnets ?? [],
        networkInterfaces: existing?.properties?.networkInterfaces ?? [],
      },
    };
  },
  beforeDelete(twin, res) {
    const users = [
      ...twin
        .ofType(NIC)
        .filter((n) => sameId(n.properties?.networkSecurityGroup?.id, res.id))
        .map((n) => n.id),
      ...twin
        .ofType(VNET)
        .flatMap((v) =>
          (v.properties?.subnets ?? []).filter((s: Json) => sameId(s.properties?.networkSecurityGroup?.id, res.id)).map((s: Json) => s.id),
        ),
    ];
    if (users.length > 0) {
      throw badRequest(
        "InUseNetworkSecurityGroupCannotBeDeleted",
        `Network security group ${res.id} cannot be deleted because it is in use by the following resources: ${users.join(", ")}.`,
      );
    }
  },
};

export const securityRuleKind: ResourceKind = {
  type: `${NSG}/securityRules`,
  inline: "securityRules",
  putMode: "sync",
  deleteMode: "sync",
  seconds: 0,
  tracked: false,
  build({ id, name, body, parent }: PutArgs): ArmResource {
    const rule = { name, properties: body.properties ?? {} };
    validateRule(rule, parent?.properties?.securityRules ?? []);
    return { ...ruleResource(parentIdOf(id), rule, "securityRules"), id };
  },
};

// ---- NICs and IP allocation ----

/** Every private IP in use in a VNet (across all its NICs), by subnet id. */
function usedIps(twin: Twin, vnetId: string, exceptNicId?: string): Set<number> {
  const used = new Set<number>();
  const prefix = vnetId.toLowerCase() + "/subnets/";
  for (const nic of twin.ofType(NIC)) {
    if (exceptNicId && sameId(nic.id, exceptNicId)) continue;
    if (nic.properties?.provisioningState === "Deleting") continue;
    for (const ipc of nic.properties?.ipConfigurations ?? []) {
      const sid: string | undefined = ipc.properties?.subnet?.id;
      if (sid && sid.toLowerCase().startsWith(prefix)) {
        const ip = parseIpv4(ipc.properties.privateIPAddress ?? "");
        if (ip !== undefined) used.add(ip);
      }
    }
  }
  return used;
}

/**
 * Chooses a private IP the way Azure does: the requested static address when valid and free
 * (else an error), or the next free non-reserved address for Dynamic.
 */
export function allocateIp(twin: Twin, subnet: Json, vnetId: string, requested: string | undefined, exceptNicId?: string): string {
  const prefix = subnetPrefix(subnet) as string;
  const used = usedIps(twin, vnetId, exceptNicId);
  if (requested) {
    const problem = staticIpProblem(prefix, requested);
    if (problem) {
      throw badRequest(
        problem.code,
        `Private static IP address ${requested} does not belong to the range of subnet prefix ${prefix}: ${problem.detail}.`,
      );
    }
    if (used.has(parseIpv4(requested) as number)) {
      throw badRequest(
        "PrivateIPAddressInUse",
        `IP configuration uses the private IP address ${requested} which is already allocated to another resource in subnet ${subnet.name}.`,
      );
    }
    return requested;
  }
  const free = nextFreeIp(subnet, used);
  if (!free)
    throw badRequest(
      "SubnetIsFull",
      `Subnet ${subnet.name} with address prefix ${prefix} does not have enough capacity for 1 IP addresses.`,
    );
  return free;
}

function nextFreeIp(subnet: Json, used: Set<number>): string | undefined {
  const cidr = parseCidr(subnetPrefix(subnet) ?? "");
  if (!cidr) return undefined;
  for (const ip of usableAddresses(cidr)) if (!used.has(ip)) return formatIpv4(ip);
  return undefined;
}

/** True when `ip` is valid, not reserved and not taken in the subnet (ASR's "if free" test). */
export function ipIsFree(twin: Twin, subnet: Json, vnetId: string, ip: string | undefined): boolean {
  if (!ip) return false;
  const prefix = subnetPrefix(subnet);
  if (!prefix || staticIpProblem(prefix, ip)) return false;
  return !usedIps(twin, vnetId).has(parseIpv4(ip) as number);
}

/** Rebuilds every subnet's ipConfigurations back-references from the NICs (as ARM shows them). */
export function syncSubnetRefs(twin: Twin): void {
  const refs = new Map<string, { id: string }[]>();
  for (const nic of twin.ofType(NIC)) {
    if (nic.properties?.provisioningState === "Deleting") continue;
    for (const ipc of nic.properties?.ipConfigurations ?? []) {
      const sid: string | undefined = ipc.properties?.subnet?.id;
      if (!sid) continue;
      const list = refs.get(sid.toLowerCase()) ?? [];
      list.push({ id: ipc.id });
      refs.set(sid.toLowerCase(), list);
    }
  }
  for (const vnet of twin.ofType(VNET)) {
    for (const s of vnet.properties?.subnets ?? []) s.properties.ipConfigurations = refs.get(s.id.toLowerCase()) ?? [];
  }
}

export const networkInterfaceKind: ResourceKind = {
  type: NIC,
  putMode: "aao",
  deleteMode: "aao",
  seconds: 2,
  tracked: true,
  build({ twin, id, name, body, existing }: PutArgs): ArmResource {
    checkName(name, "network interface");
    const configs: Json[] = body.properties?.ipConfigurations;
    if (!Array.isArray(configs) || configs.length === 0) {
      throw badRequest("InvalidRequestFormat", `Network interface ${name} must have at least one IP configuration.`);
    }
    checkNsgRef(twin, body.properties?.networkSecurityGroup);
    let vnetId: string | undefined;
    const out: Json[] = [];
    for (const [i, c] of configs.entries()) {
      const cname = typeof c?.name === "string" ? c.name : `ipconfig${i + 1}`;
      const subnetId = c?.properties?.subnet?.id;
      const subnet = typeof subnetId === "string" ? lookup(twin, subnetId) : undefined;
      if (!subnet)
        throw badRequest(
          "InvalidResourceReference",
          `Resource ${String(subnetId)} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
        );
      const thisVnet = parentIdOf(subnet.id);
      if (vnetId && !sameId(vnetId, thisVnet))
        throw badRequest(
          "IpConfigurationsOnSameNicCannotUseDifferentVnets",
          `IP configurations on the same network interface ${id} cannot use different virtual networks.`,
        );
      vnetId = thisVnet;
      const method = c.properties.privateIPAllocationMethod === "Static" ? "Static" : "Dynamic";
      const prev = existing?.properties?.ipConfigurations?.find((x: Json) => x.name.toLowerCase() === cname.toLowerCase());
      const keep =
        method === "Dynamic" && prev && sameId(prev.properties?.subnet?.id, subnet.id) ? prev.properties.privateIPAddress : undefined;
      const ip = keep ?? allocateIp(twin, subnet, thisVnet, method === "Static" ? c.properties.privateIPAddress : undefined, existing?.id);
      out.push({
        name: cname,
        id: `${id}/ipConfigurations/${cname}`,
        etag: etag(),
        type: `${NIC}/ipConfigurations`,
        properties: {
          provisioningState: "Succeeded",
          privateIPAddress: ip,
          privateIPAllocationMethod: method,
          subnet: { id: subnet.id },
          primary: c.properties.primary ?? i === 0,
          privateIPAddressVersion: "IPv4",
        },
      });
    }
    return {
      id,
      name,
      type: NIC,
      etag: etag(),
      properties: {
        resourceGuid: existing?.properties?.resourceGuid ?? randomUUID(),
        ipConfigurations: out,
        dnsSettings: { dnsServers: body.properties?.dnsSettings?.dnsServers ?? [], appliedDnsServers: [] },
        enableAcceleratedNetworking: body.properties?.enableAcceleratedNetworking ?? false,
        enableIPForwarding: body.properties?.enableIPForwarding ?? false,
        ...(body.properties?.networkSecurityGroup?.id ? { networkSecurityGroup: { id: body.properties.networkSecurityGroup.id } } : {}),
        ...(existing?.properties?.virtualMachine
          ? {
              virtualMachine: existing.properties.virtualMachine,
              primary: existing.properties.primary,
              macAddress: existing.properties.macAddress,
            }
          : {}),
        nicType: "Standard",
      },
    };
  },
  afterPut: (twin) => syncSubnetRefs(twin),
  beforeDelete(_twin, res) {
    const vm = res.properties?.virtualMachine?.id;
    if (vm)
      throw badRequest(
        "NicInUse",
        `Network Interface ${res.id} is used by existing resource ${vm}. In order to delete the network interface, it must be dissociated from the resource.`,
      );
  },
  afterDelete(twin, res) {
    // Releases its addresses immediately (the NIC is "Deleting" until the operation finishes).
    res.properties.provisioningState = "Deleting";
    syncSubnetRefs(twin);
  },
};

/** The VNet id a NIC is attached to (through its first ipConfiguration). */
export function vnetOfNic(nic: ArmResource | undefined): string | undefined {
  const sid: string | undefined = nic?.properties?.ipConfigurations?.[0]?.properties?.subnet?.id;
  return sid ? parentIdOf(sid) : undefined;
}

export function nicIps(nic: ArmResource | undefined): string[] {
  return (nic?.properties?.ipConfigurations ?? []).map((c: Json) => c.properties?.privateIPAddress).filter(Boolean);
}

export function subnetsOf(vnet: ArmResource): Json[] {
  return vnet.properties?.subnets ?? [];
}

export { nameOf };
