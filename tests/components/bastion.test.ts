// The Bastion wiring of IsolatedTestNetwork (components/bastion.ts): which resources each SKU adds, the
// AzureBastionSubnet inline in the VNet with its own NSG, and the test subnets' RDP/SSH rules.
import type { IsolatedTestNetwork as NetworkClass, IsolatedTestNetworkArgs } from "../../components/isolatedTestNetwork";
import { Harness, installMocks, settle, value } from "./mockHarness";
import { SUB } from "./fixtures";

let harness: Harness;
let IsolatedTestNetwork: typeof NetworkClass;

beforeAll(async () => {
  harness = await installMocks();
  ({ IsolatedTestNetwork } = await import("../../components/isolatedTestNetwork"));
});

function args(name: string, access: IsolatedTestNetworkArgs["access"]): IsolatedTestNetworkArgs {
  return {
    subscriptionId: SUB,
    location: "westeurope",
    resourceGroupName: `${name}-rg`,
    vnetName: `${name}-vnet`,
    addressSpace: ["10.10.0.0/16"],
    subnets: [
      { name: "snet-identity", prefix: "10.10.0.0/24" },
      { name: "snet-app", prefix: "10.10.1.0/24" },
    ],
    allowList: [],
    access,
  };
}

async function build(name: string, access: IsolatedTestNetworkArgs["access"]) {
  const net = new IsolatedTestNetwork(name, args(name, access));
  await value(net.subnets);
  if (net.bastion) await value(net.bastion.bastionHostId);
  await settle();
  const mine = harness.resources.filter((r) => r.name.startsWith(`${name}-`) || r.name === name);
  return { net, mine, of: (type: string) => mine.filter((r) => r.type === type) };
}

describe("IsolatedTestNetwork with access.bastion", () => {
  it("Standard: an AzureBastionSubnet (/26, its own NSG), one Standard static public IP and the host on that subnet", async () => {
    const { net, of } = await build("std", { bastion: { sku: "Standard" } });
    expect(net.bastionSubnetPrefix).toBe("10.10.2.0/26");

    const vnet = of("azure-native:network:VirtualNetwork")[0];
    const bastionSubnet = vnet.inputs.subnets.find((s: any) => s.name === "AzureBastionSubnet");
    expect(bastionSubnet.addressPrefix).toBe("10.10.2.0/26");
    const nsgs = of("azure-native:network:NetworkSecurityGroup");
    const bastionNsg = nsgs.find((n) => n.inputs.networkSecurityGroupName === "std-vnet-AzureBastionSubnet-nsg")!;
    expect(bastionSubnet.networkSecurityGroup.id).toContain("std-vnet-AzureBastionSubnet-nsg");
    expect(bastionNsg.inputs.securityRules.map((r: any) => r.name).sort()).toEqual([
      "AllowAzureCloudOutbound",
      "AllowAzureLoadBalancerInbound",
      "AllowBastionCommunication",
      "AllowBastionHostCommunication",
      "AllowGatewayManagerInbound",
      "AllowHttpOutbound",
      "AllowHttpsInbound",
      "AllowSshRdpOutbound",
    ]);

    const pips = of("azure-native:network:PublicIPAddress");
    expect(pips).toHaveLength(1);
    expect(pips[0].inputs).toMatchObject({ sku: { name: "Standard", tier: "Regional" }, publicIPAllocationMethod: "Static" });
    const host = of("azure-native:network:BastionHost")[0];
    expect(host.inputs.sku).toEqual({ name: "Standard" });
    expect(host.inputs.ipConfigurations).toHaveLength(1);
    expect(host.inputs.ipConfigurations[0].subnet.id).toMatch(/virtualNetworks\/std-vnet\/subnets\/AzureBastionSubnet$/);
    expect(host.inputs.ipConfigurations[0].publicIPAddress.id).toBe("std-bastion-pip-id");
  });

  it("test subnets let RDP/SSH in from the Bastion subnet only, above the kept Internet deny rules", async () => {
    const { of } = await build("rules", { bastion: { sku: "Basic", subnetPrefix: "10.10.255.0/26" } });
    const testNsgs = of("azure-native:network:NetworkSecurityGroup").filter(
      (n) => !n.inputs.networkSecurityGroupName.includes("AzureBastionSubnet"),
    );
    expect(testNsgs).toHaveLength(2);
    for (const nsg of testNsgs) {
      const rules = nsg.inputs.securityRules as any[];
      const allows = rules.filter((r) => r.direction === "Inbound" && r.access === "Allow");
      expect(allows.map((r) => `${r.sourceAddressPrefix}:${r.destinationPortRange}@${r.priority}`)).toEqual([
        "10.10.255.0/26:3389@3900",
        "10.10.255.0/26:22@3901",
      ]);
      expect(rules.find((r) => r.name === "deny-internet-inbound")).toMatchObject({
        access: "Deny",
        sourceAddressPrefix: "Internet",
        priority: 4000,
      });
      expect(rules.find((r) => r.name === "deny-internet-outbound")).toMatchObject({
        access: "Deny",
        destinationAddressPrefix: "Internet",
        priority: 4000,
      });
    }
  });

  it("Developer: no subnet, no public IP; the host attaches to the VNet; test subnets let RDP/SSH in from 168.63.129.16 only", async () => {
    const { net, of } = await build("dev", { bastion: { sku: "Developer" } });
    expect(net.bastionSubnetPrefix).toBeUndefined();
    expect(of("azure-native:network:PublicIPAddress")).toHaveLength(0);
    const vnet = of("azure-native:network:VirtualNetwork")[0];
    expect(vnet.inputs.subnets.map((s: any) => s.name)).toEqual(["snet-identity", "snet-app"]);
    const host = of("azure-native:network:BastionHost")[0];
    expect(host.inputs.sku).toEqual({ name: "Developer" });
    expect(host.inputs.ipConfigurations).toBeUndefined();
    expect(host.inputs.virtualNetwork.id).toMatch(/virtualNetworks\/dev-vnet$/);
    // Learn, quickstart-developer-sku: "your NSG rules must allow traffic to ports 22 and 3389 from the private IP address 168.63.129.16".
    for (const nsg of of("azure-native:network:NetworkSecurityGroup")) {
      const rules = nsg.inputs.securityRules as any[];
      expect(rules.map((r: any) => r.name)).toEqual([
        "allow-bastion-rdp",
        "allow-bastion-ssh",
        "deny-internet-inbound",
        "deny-internet-outbound",
      ]);
      const allows = rules.filter((r) => r.direction === "Inbound" && r.access === "Allow");
      expect(allows.map((r) => `${r.protocol} ${r.sourceAddressPrefix}:${r.destinationPortRange}@${r.priority}`)).toEqual([
        "Tcp 168.63.129.16/32:3389@3900",
        "Tcp 168.63.129.16/32:22@3901",
      ]);
    }
  });

  it("without access: no Bastion, no public IP", async () => {
    const { net, of } = await build("none", undefined);
    expect(net.bastion).toBeUndefined();
    expect(of("azure-native:network:PublicIPAddress")).toHaveLength(0);
    expect(of("azure-native:network:BastionHost")).toHaveLength(0);
  });
});
