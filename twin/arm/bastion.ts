// Microsoft.Network public IP addresses and Bastion hosts, with the rules Azure Bastion documents:
// "Subnet name must be AzureBastionSubnet", "Subnet size must be /26 or larger", "The Public IP address SKU
// must be Standard" and "Static" (learn.microsoft.com/azure/bastion/configuration-settings), and an NSG on
// the AzureBastionSubnet must carry every required rule (learn.microsoft.com/azure/bastion/bastion-nsg);
// ARM refuses such an NSG with NetworkSecurityGroupNotCompliantForAzureBastionSubnet ("Network security
// group … does not have necessary rules for Azure Bastion Subnet AzureBastionSubnet.", seen in
// Azure/azure-quickstart-templates#8655 and Azure/GPT-RAG#223). Codes no public source shows are marked
// "chosen" in twin/README.md.
import type { Twin } from "../twin";
import type { ArmResource, Json } from "../store";
import { badRequest } from "../errors";
import { parseCidr } from "../../components/ipv4";
import type { PutArgs, ResourceKind } from "./kind";
import { lookup, parentIdOf, sameId } from "./lookup";
import { createHash, randomUUID } from "node:crypto";

const PIP = "Microsoft.Network/publicIPAddresses";
const BASTION = "Microsoft.Network/bastionHosts";
export const BASTION_SUBNET = "AzureBastionSubnet";
const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,78}[A-Za-z0-9_])?$/;
const SKUS = ["Developer", "Basic", "Standard", "Premium"];

const etag = () => `W/"${randomUUID()}"`;

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw badRequest(
      "InvalidResourceName",
      `Resource name ${name} is invalid. The name can be up to 80 characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.`,
    );
  }
}

/** A documentation-range address (RFC 5737 TEST-NET-3), stable per resource id. */
function publicAddressFor(id: string): string {
  const h = createHash("sha256").update(id.toLowerCase()).digest();
  return `203.0.113.${1 + (h[0] % 254)}`;
}

export const publicIpKind: ResourceKind = {
  type: PIP,
  putMode: "aao",
  deleteMode: "aao",
  seconds: 2,
  tracked: true,
  build({ id, name, body, existing }: PutArgs): ArmResource {
    checkName(name);
    const p = body.properties ?? {};
    const sku = body.sku?.name ?? existing?.sku?.name ?? "Standard";
    if (!["Basic", "Standard"].includes(sku))
      throw badRequest(
        "InvalidParameter",
        `The value '${String(sku)}' of parameter 'sku.name' is not valid. Allowed values: Basic, Standard.`,
      );
    const method = p.publicIPAllocationMethod ?? (sku === "Standard" ? "Static" : "Dynamic");
    if (!["Static", "Dynamic"].includes(method))
      throw badRequest(
        "InvalidParameter",
        `The value '${String(method)}' of parameter 'publicIPAllocationMethod' is not valid. Allowed values: Static, Dynamic.`,
      );
    // Standard public IPs are Static only (Microsoft Learn, "Public IP addresses": Standard SKU … static allocation).
    if (sku === "Standard" && method !== "Static") {
      throw badRequest("StandardSkuPublicIPAddressesMustBeStatic", `Standard sku publicIp ${id} must be static allocation.`);
    }
    return {
      id,
      name,
      type: PIP,
      etag: etag(),
      sku: { name: sku, tier: body.sku?.tier ?? "Regional" },
      properties: {
        resourceGuid: existing?.properties?.resourceGuid ?? randomUUID(),
        publicIPAllocationMethod: method,
        publicIPAddressVersion: p.publicIPAddressVersion ?? "IPv4",
        idleTimeoutInMinutes: p.idleTimeoutInMinutes ?? 4,
        ipTags: p.ipTags ?? [],
        ...(method === "Static" ? { ipAddress: existing?.properties?.ipAddress ?? publicAddressFor(id) } : {}),
        ...(existing?.properties?.ipConfiguration ? { ipConfiguration: existing.properties.ipConfiguration } : {}),
      },
    };
  },
  beforeDelete(_twin, res) {
    const user = res.properties?.ipConfiguration?.id;
    if (user) {
      throw badRequest(
        "PublicIPAddressCannotBeDeleted",
        `Public IP address ${res.id} can not be deleted since it is still allocated to resource ${user}. In order to delete the public IP, disassociate/detach the Public IP address from the resource.`,
      );
    }
  },
};

// ---- the AzureBastionSubnet's NSG ----

interface Flow {
  direction: "Inbound" | "Outbound";
  protocol: "Tcp" | "*";
  source: string;
  destination: string;
  ports: number[];
}

/** Microsoft's required AzureBastionSubnet rules, as the flows they must allow ("Internet" may be specific public IPs). */
const REQUIRED: Flow[] = [
  { direction: "Inbound", protocol: "Tcp", source: "Internet", destination: "*", ports: [443] },
  { direction: "Inbound", protocol: "Tcp", source: "GatewayManager", destination: "*", ports: [443] },
  { direction: "Inbound", protocol: "Tcp", source: "AzureLoadBalancer", destination: "*", ports: [443] },
  { direction: "Inbound", protocol: "*", source: "VirtualNetwork", destination: "VirtualNetwork", ports: [8080, 5701] },
  { direction: "Outbound", protocol: "*", source: "*", destination: "VirtualNetwork", ports: [22, 3389] },
  { direction: "Outbound", protocol: "Tcp", source: "*", destination: "AzureCloud", ports: [443] },
  { direction: "Outbound", protocol: "*", source: "VirtualNetwork", destination: "VirtualNetwork", ports: [8080, 5701] },
  { direction: "Outbound", protocol: "*", source: "*", destination: "Internet", ports: [80] },
];

const list = (one: unknown, many: unknown): string[] => [
  ...(typeof one === "string" && one !== "" ? [one] : []),
  ...(Array.isArray(many) ? many.filter((x): x is string => typeof x === "string") : []),
];

function portCovered(ranges: string[], port: number): boolean {
  return ranges.some((r) => {
    if (r === "*") return true;
    const [a, b] = r.split("-").map(Number);
    return port >= a && port <= (b ?? a);
  });
}

function addressCovers(prefixes: string[], wanted: string): boolean {
  return prefixes.some(
    (p) => p === "*" || p.toLowerCase() === wanted.toLowerCase() || (wanted === "Internet" && parseCidr(p) !== undefined),
  );
}

/** True when the rule set lets `flow` through on `port`: the first matching rule by priority allows it. */
function allows(rules: Json[], flow: Flow, port: number): boolean {
  const sorted = rules
    .filter((r) => r.properties?.direction === flow.direction)
    .sort((a, b) => a.properties.priority - b.properties.priority);
  for (const r of sorted) {
    const p = r.properties;
    const proto = String(p.protocol ?? "*");
    if (proto !== "*" && flow.protocol !== "*" && proto.toLowerCase() !== flow.protocol.toLowerCase()) continue;
    if (proto !== "*" && flow.protocol === "*") continue;
    if (!addressCovers(list(p.sourceAddressPrefix, p.sourceAddressPrefixes), flow.source)) continue;
    if (!addressCovers(list(p.destinationAddressPrefix, p.destinationAddressPrefixes), flow.destination)) continue;
    if (!portCovered(list(p.destinationPortRange, p.destinationPortRanges), port)) continue;
    return p.access === "Allow";
  }
  return false;
}

/** Why an NSG cannot be associated with the AzureBastionSubnet, or undefined when it has every required rule. */
export function bastionNsgProblem(nsg: ArmResource): string | undefined {
  const rules: Json[] = nsg.properties?.securityRules ?? [];
  const missing = REQUIRED.filter((f) => f.ports.some((port) => !allows(rules, f, port)));
  if (missing.length === 0) return undefined;
  return `Network security group ${nsg.name} does not have necessary rules for Azure Bastion Subnet ${BASTION_SUBNET}.`;
}

/**
 * The hook network.ts calls when a subnet is written: an NSG on the AzureBastionSubnet must carry the
 * required rules, as ARM checks on association.
 */
export function checkBastionSubnetNsg(twin: Twin, subnetName: string, nsgRef: Json): void {
  if (subnetName.toLowerCase() !== BASTION_SUBNET.toLowerCase() || typeof nsgRef?.id !== "string") return;
  const nsg = twin.get(nsgRef.id);
  const why = nsg ? bastionNsgProblem(nsg) : undefined;
  if (why) throw badRequest("NetworkSecurityGroupNotCompliantForAzureBastionSubnet", why);
}

// ---- Bastion hosts ----

function subnetOf(twin: Twin, id: unknown): ArmResource | undefined {
  return typeof id === "string" ? lookup(twin, id) : undefined;
}

export const bastionHostKind: ResourceKind = {
  type: BASTION,
  putMode: "aao",
  deleteMode: "aao",
  seconds: 20,
  tracked: true,
  build({ twin, id, name, body, existing }: PutArgs): ArmResource {
    checkName(name);
    const p = body.properties ?? {};
    const sku = body.sku?.name ?? "Basic";
    if (!SKUS.includes(sku))
      throw badRequest(
        "InvalidParameter",
        `The value '${String(sku)}' of parameter 'sku.name' is not valid. Allowed values: ${SKUS.join(", ")}.`,
      );
    const configs: Json[] = Array.isArray(p.ipConfigurations) ? p.ipConfigurations : [];
    const out: Json = {
      ...p,
      provisioningState: "Succeeded",
      dnsName: existing?.properties?.dnsName ?? `bst-${randomUUID()}.bastion.azure.com`,
      scaleUnits: p.scaleUnits ?? 2,
    };
    if (sku === "Developer") {
      // "When you use the Developer SKU, a bastion host isn't deployed to your virtual network": it names the VNet.
      const vnetId = p.virtualNetwork?.id;
      if (typeof vnetId !== "string" || !twin.get(vnetId))
        throw badRequest("InvalidResourceReference", `Resource ${String(vnetId)} referenced by resource ${id} was not found.`);
      return {
        id,
        name,
        type: BASTION,
        etag: etag(),
        sku: { name: sku },
        properties: { ...out, virtualNetwork: { id: twin.get(vnetId)!.id }, ipConfigurations: [] },
      };
    }
    if (configs.length !== 1)
      throw badRequest("BastionHostMustHaveOneIpConfiguration", `Bastion host ${name} must have exactly one IP configuration.`);
    const c = configs[0];
    const subnet = subnetOf(twin, c.properties?.subnet?.id);
    if (!subnet)
      throw badRequest(
        "InvalidResourceReference",
        `Resource ${String(c.properties?.subnet?.id)} referenced by resource ${id} was not found.`,
      );
    if (subnet.name !== BASTION_SUBNET) {
      throw badRequest(
        "BastionHostSubnetNameInvalid",
        `Subnet ${subnet.id} referenced by bastion host ${name} must be named ${BASTION_SUBNET}.`,
      );
    }
    const prefix = parseCidr(subnet.properties?.addressPrefix ?? "");
    if (!prefix || prefix.prefixLength > 26) {
      throw badRequest(
        "AzureBastionSubnetPrefixTooSmall",
        `Subnet ${BASTION_SUBNET} of virtual network ${parentIdOf(subnet.id).split("/").pop()} has prefix ${String(subnet.properties?.addressPrefix)}; Azure Bastion needs /26 or larger.`,
      );
    }
    const nsgId = subnet.properties?.networkSecurityGroup?.id;
    const nsg = typeof nsgId === "string" ? twin.get(nsgId) : undefined;
    const why = nsg ? bastionNsgProblem(nsg) : undefined;
    if (why) throw badRequest("NetworkSecurityGroupNotCompliantForAzureBastionSubnet", why);
    const pipId = c.properties?.publicIPAddress?.id;
    const pip = typeof pipId === "string" ? twin.get(pipId) : undefined;
    if (!pip) throw badRequest("InvalidResourceReference", `Resource ${String(pipId)} referenced by resource ${id} was not found.`);
    if (pip.sku?.name !== "Standard" || pip.properties?.publicIPAllocationMethod !== "Static") {
      throw badRequest(
        "BastionHostPublicIpMustBeStandardStatic",
        `Public IP ${pip.id} used by bastion host ${name} must be Standard SKU with Static allocation.`,
      );
    }
    const user = pip.properties?.ipConfiguration?.id;
    const cname = typeof c.name === "string" ? c.name : "IpConf";
    const configId = `${id}/bastionHostIpConfigurations/${cname}`;
    if (user && !sameId(user, configId)) {
      throw badRequest("PublicIPAddressInUse", `Resource ${pip.id} is referenced by ${user} and cannot be used by ${configId}.`);
    }
    return {
      id,
      name,
      type: BASTION,
      etag: etag(),
      sku: { name: sku },
      properties: {
        ...out,
        ipConfigurations: [
          {
            name: cname,
            id: configId,
            etag: etag(),
            type: `${BASTION}/bastionHostIpConfigurations`,
            properties: {
              provisioningState: "Succeeded",
              privateIPAllocationMethod: "Dynamic",
              subnet: { id: subnet.id },
              publicIPAddress: { id: pip.id },
            },
          },
        ],
      },
    };
  },
  afterPut(twin, res, prev) {
    if (prev) releasePublicIps(twin, prev);
    for (const c of res.properties?.ipConfigurations ?? []) {
      const pip = twin.get(c.properties?.publicIPAddress?.id ?? "");
      if (pip) pip.properties.ipConfiguration = { id: c.id };
    }
  },
  afterDelete(twin, res) {
    releasePublicIps(twin, res);
  },
};

function releasePublicIps(twin: Twin, host: ArmResource): void {
  for (const pip of twin.ofType(PIP)) {
    if (
      typeof pip.properties?.ipConfiguration?.id === "string" &&
      pip.properties.ipConfiguration.id.toLowerCase().startsWith(host.id.toLowerCase() + "/")
    )
      delete pip.properties.ipConfiguration;
  }
}
