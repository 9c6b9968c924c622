// Reading the drill's network resources in a stack policy: which virtual networks are test networks,
// their subnets (inline or separate Subnet resources) and the NSG each subnet gets.
//
// Stack policies see outputs. azure-native outputs use the resource's `name` where the inputs say
// `virtualNetworkName`/`subnetName`, and have no `resourceGroupName`; both spellings are read. In
// preview the `id` of a resource that does not exist yet is unknown, so links between resources are
// taken from the ARM id when it is known and from the dependency graph (`propertyDependencies`,
// `dependencies`) when it is not.
import { PolicyResource } from "@pulumi/policy";
import { armIdParts, isTestFailover, sameArmId } from "./testFailover";
import { asArray, asString, PreviewReader, PropertyBag } from "./unknowns";

export const VIRTUAL_NETWORK_TYPE = "azure-native:network:VirtualNetwork";
export const SUBNET_TYPE = "azure-native:network:Subnet";
export const NSG_TYPE = "azure-native:network:NetworkSecurityGroup";
export const SECURITY_RULE_TYPE = "azure-native:network:SecurityRule";
export const GATEWAY_TYPE = "azure-native:network:VirtualNetworkGateway";
export const PEERING_TYPE = "azure-native:network:VirtualNetworkPeering";
export const DRILL_ID_TAG = "drill-id";

export function knownString(reader: PreviewReader, f: () => unknown): string | undefined {
  const r = reader.peek(f);
  return r.known ? asString(r.value) : undefined;
}

export function vnetName(reader: PreviewReader, r: PolicyResource): string {
  return knownString(reader, () => r.props.virtualNetworkName) ?? knownString(reader, () => r.props.name) ?? r.name;
}

export function resourceId(reader: PreviewReader, r: PolicyResource): string | undefined {
  return knownString(reader, () => r.props.id);
}

function resourceGroupOf(reader: PreviewReader, r: PolicyResource): string | undefined {
  const rg = knownString(reader, () => r.props.resourceGroupName);
  if (rg) return rg;
  const id = resourceId(reader, r);
  return id ? armIdParts(id).resourceGroup : undefined;
}

/** True when `r` (directly or through its own dependencies) depends on `target`. */
export function dependsOn(r: PolicyResource, target: PolicyResource, seen = new Set<string>()): boolean {
  if (seen.has(r.urn)) return false;
  seen.add(r.urn);
  for (const d of r.dependencies ?? []) {
    if (d.urn === target.urn || dependsOn(d, target, seen)) return true;
  }
  for (const list of Object.values(r.propertyDependencies ?? {})) {
    for (const d of list) if (d.urn === target.urn || dependsOn(d, target, seen)) return true;
  }
  return false;
}

/** True when the VNet resource is the network an ARM id names (by id, or by resource group and name). */
export function vnetMatchesId(reader: PreviewReader, vnet: PolicyResource, armId: string): boolean {
  const id = resourceId(reader, vnet);
  if (id) return sameArmId(id, armId);
  const parts = armIdParts(armId);
  const rg = resourceGroupOf(reader, vnet);
  return (
    !!parts.name &&
    parts.name.toLowerCase() === vnetName(reader, vnet).toLowerCase() &&
    (!rg || !parts.resourceGroup || rg.toLowerCase() === parts.resourceGroup.toLowerCase())
  );
}

function hasDrillTag(reader: PreviewReader, r: PolicyResource): boolean {
  const tags = reader.peek(() => r.props.tags);
  if (!tags.known || !tags.value || typeof tags.value !== "object") return false;
  const v = reader.peek(() => (tags.value as Record<string, unknown>)[DRILL_ID_TAG]);
  return !v.known || (typeof v.value === "string" && v.value.length > 0);
}

/**
 * The drill's test networks: every VNet a TestFailover names in testNetworkId (by id, or through the
 * dependency graph while the id is unknown), every VNet tagged drill-id, and — in a stack that declares
 * no TestFailover yet — every VNet (a drill stack declares no other networks).
 */
export function testVirtualNetworks(reader: PreviewReader, resources: PolicyResource[]): PolicyResource[] {
  const vnets = resources.filter((r) => r.type === VIRTUAL_NETWORK_TYPE);
  const failovers = resources.filter((r) => isTestFailover(r.type, r.props));
  if (failovers.length === 0) return vnets;
  const chosen = new Set<PolicyResource>();
  for (const tf of failovers) {
    const id = knownString(reader, () => tf.props.testNetworkId);
    for (const v of vnets) if (id && vnetMatchesId(reader, v, id)) chosen.add(v);
    for (const d of tf.propertyDependencies?.testNetworkId ?? []) if (d.type === VIRTUAL_NETWORK_TYPE) chosen.add(d);
    for (const d of tf.dependencies ?? []) if (d.type === VIRTUAL_NETWORK_TYPE) chosen.add(d);
  }
  for (const v of vnets) if (hasDrillTag(reader, v)) chosen.add(v);
  return vnets.filter((v) => chosen.has(v));
}

export interface SubnetView {
  name: string;
  /** Where it is declared: the VNet's inline subnets, or a Subnet resource. */
  declaredBy: PolicyResource;
  inline: boolean;
  /** The subnet's networkSecurityGroup value: undefined when none is set. */
  nsg: { present: false } | { present: true; id?: string };
}

/** The subnets of a test VNet: inline `subnets[]` plus Subnet resources that belong to it. */
export function subnetsOf(reader: PreviewReader, vnet: PolicyResource, resources: PolicyResource[]): SubnetView[] {
  const result: SubnetView[] = [];
  const inline = reader.read(() => asArray(vnet.props.subnets)) ?? [];
  inline.forEach((_, i) => {
    const view = reader.read((): SubnetView => {
      const s = inline[i];
      return { name: String(s.name ?? `subnets[${i}]`), declaredBy: vnet, inline: true, nsg: nsgRef(reader, s) };
    });
    if (view) result.push(view);
  });
  const name = vnetName(reader, vnet).toLowerCase();
  for (const r of resources) {
    if (r.type !== SUBNET_TYPE) continue;
    const parent = knownString(reader, () => r.props.virtualNetworkName);
    const belongs = (parent && parent.toLowerCase() === name) || dependsOn(r, vnet);
    if (!belongs) continue;
    const subnetName = knownString(reader, () => r.props.subnetName) ?? knownString(reader, () => r.props.name) ?? r.name;
    const view = reader.read((): SubnetView => ({ name: subnetName, declaredBy: r, inline: false, nsg: nsgRef(reader, r.props) }));
    if (view) result.push(view);
  }
  return result;
}

function nsgRef(reader: PreviewReader, subnet: PropertyBag): SubnetView["nsg"] {
  const nsg = subnet.networkSecurityGroup; // unknown here: let the caller's reader skip this subnet
  if (nsg === undefined || nsg === null) return { present: false };
  return { present: true, id: knownString(reader, () => nsg.id) };
}

/**
 * The NSG resources a subnet may be associated with: the one whose id matches when the id is known,
 * else the NSGs its declaring resource depends on for `subnets` / `networkSecurityGroup`.
 */
export function nsgCandidates(reader: PreviewReader, subnet: SubnetView, resources: PolicyResource[]): PolicyResource[] {
  const nsgs = resources.filter((r) => r.type === NSG_TYPE);
  if (subnet.nsg.present && subnet.nsg.id) {
    const id = subnet.nsg.id;
    const byId = nsgs.filter((n) => {
      const nid = resourceId(reader, n);
      if (nid) return sameArmId(nid, id);
      const parts = armIdParts(id);
      const nname = knownString(reader, () => n.props.networkSecurityGroupName) ?? knownString(reader, () => n.props.name);
      return !!nname && !!parts.name && nname.toLowerCase() === parts.name.toLowerCase();
    });
    // A known id that matches no NSG of the drill: an external NSG, not one of the dependencies.
    return byId;
  }
  const key = subnet.inline ? "subnets" : "networkSecurityGroup";
  const deps = subnet.declaredBy.propertyDependencies?.[key] ?? subnet.declaredBy.dependencies ?? [];
  return deps.filter((d) => d.type === NSG_TYPE);
}

export interface SecurityRuleView {
  name: string;
  priority: number;
  direction: string;
  access: string;
  protocol: string;
  sources: string[];
  destinations: string[];
  destinationPorts: string[];
}

/** The NSG's rules: inline `securityRules[]` plus SecurityRule resources that belong to it. */
export function securityRulesOf(reader: PreviewReader, nsg: PolicyResource, resources: PolicyResource[]): SecurityRuleView[] {
  const views: SecurityRuleView[] = [];
  const inline = reader.read(() => asArray(nsg.props.securityRules)) ?? [];
  inline.forEach((_, i) => {
    const v = reader.read(() => ruleView(inline[i], `securityRules[${i}]`));
    if (v) views.push(v);
  });
  const nsgName = (
    knownString(reader, () => nsg.props.networkSecurityGroupName) ??
    knownString(reader, () => nsg.props.name) ??
    nsg.name
  ).toLowerCase();
  for (const r of resources) {
    if (r.type !== SECURITY_RULE_TYPE) continue;
    const parent = knownString(reader, () => r.props.networkSecurityGroupName);
    if (!((parent && parent.toLowerCase() === nsgName) || dependsOn(r, nsg))) continue;
    const v = reader.read(() => ruleView(r.props, r.name));
    if (v) views.push(v);
  }
  return views;
}

function strings(...values: unknown[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (typeof v === "string" && v.length > 0) out.push(v);
    else if (Array.isArray(v)) for (const x of v) if (typeof x === "string" && x.length > 0) out.push(x);
  }
  return out;
}

function ruleView(rule: PropertyBag, fallbackName: string): SecurityRuleView {
  return {
    name: String(rule.name ?? rule.securityRuleName ?? fallbackName),
    priority: typeof rule.priority === "number" ? rule.priority : Number(rule.priority ?? 4096),
    direction: String(rule.direction ?? ""),
    access: String(rule.access ?? ""),
    protocol: String(rule.protocol ?? "*"),
    sources: strings(rule.sourceAddressPrefix, rule.sourceAddressPrefixes),
    destinations: strings(rule.destinationAddressPrefix, rule.destinationAddressPrefixes),
    destinationPorts: strings(rule.destinationPortRange, rule.destinationPortRanges),
  };
}

const WHOLE_INTERNET = new Set(["*", "internet", "any", "0.0.0.0/0"]);
const ANY = new Set(["*", "any"]);

function coversInternet(sources: string[]): boolean {
  return sources.length === 0 || sources.some((s) => WHOLE_INTERNET.has(s.trim().toLowerCase()));
}

function coversAll(values: string[], extra: string[] = []): boolean {
  return values.length === 0 || values.some((v) => ANY.has(v.trim().toLowerCase()) || extra.includes(v.trim().toLowerCase()));
}

/**
 * Whether the NSG lets the Internet in. Rules are evaluated like Azure does, by ascending priority;
 * only rules whose source is the whole Internet (`*`, `Internet`, `Any`, `0.0.0.0/0`) matter — an
 * allow-list of specific addresses is not "Internet inbound". The first such rule that denies every
 * protocol, port and destination closes the door; an allow rule before it opens it. With no such rule
 * Azure's default DenyAllInBound (65500) applies.
 * Returns the opening rule, or undefined when Internet inbound is denied.
 */
export function internetInboundOpening(rules: SecurityRuleView[]): SecurityRuleView | undefined {
  const inbound = rules
    .filter((r) => r.direction.toLowerCase() === "inbound" && coversInternet(r.sources))
    .sort((a, b) => a.priority - b.priority);
  for (const r of inbound) {
    const access = r.access.toLowerCase();
    if (access === "allow") return r;
    if (
      access === "deny" &&
      coversAll([r.protocol]) &&
      coversAll(r.destinationPorts, ["0-65535"]) &&
      coversAll(r.destinations, ["virtualnetwork"])
    ) {
      return undefined;
    }
  }
  return undefined;
}
