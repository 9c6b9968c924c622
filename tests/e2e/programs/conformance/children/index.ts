// An ordinary azure-native program, not the drill's components: a resource group, a VNet whose subnets
// are separate `network.Subnet` resources, and an NSG whose rules are separate `network.SecurityRule`s —
// the pattern azure-native documents ("also available as standalone resources"). Config `tag` changes
// only the parents' tags, which must plan `~ update` for the parents and nothing for the children.
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";

const config = new pulumi.Config();
const tags = { case: "children", tag: config.get("tag") ?? "v1" };

const rg = new resources.ResourceGroup("rg", { resourceGroupName: "conformance-children-rg", location: "westeurope", tags });

const vnet = new network.VirtualNetwork("vnet", {
  resourceGroupName: rg.name,
  virtualNetworkName: "children-vnet",
  addressSpace: { addressPrefixes: ["10.40.0.0/16"] },
  tags,
});
for (const [name, prefix] of [
  ["snet-a", "10.40.1.0/24"],
  ["snet-b", "10.40.2.0/24"],
]) {
  new network.Subnet(name, { resourceGroupName: rg.name, virtualNetworkName: vnet.name, subnetName: name, addressPrefix: prefix });
}

const nsg = new network.NetworkSecurityGroup("nsg", { resourceGroupName: rg.name, networkSecurityGroupName: "children-nsg", tags });
for (const [name, priority, port] of [
  ["allow-rdp", 100, "3389"],
  ["allow-https", 110, "443"],
] as const) {
  new network.SecurityRule(name, {
    resourceGroupName: rg.name,
    networkSecurityGroupName: nsg.name,
    securityRuleName: name,
    priority,
    direction: network.SecurityRuleDirection.Inbound,
    access: network.SecurityRuleAccess.Allow,
    protocol: network.SecurityRuleProtocol.Tcp,
    sourceAddressPrefix: "10.40.0.0/16",
    sourcePortRange: "*",
    destinationAddressPrefix: "*",
    destinationPortRange: port,
  });
}

export const vnetName = vnet.name;
export const nsgName = nsg.name;
