import type { IsolatedTestNetwork as NetworkClass, IsolatedTestNetworkArgs } from "../../components/isolatedTestNetwork";
import { Harness, installMocks, settle, value } from "./mockHarness";
import { PROD_VNET, SUB } from "./fixtures";

let harness: Harness;
let IsolatedTestNetwork: typeof NetworkClass;
let isolationProblem: typeof import("../../components/isolatedTestNetwork").isolationProblem;

beforeAll(async () => {
  harness = await installMocks();
  ({ IsolatedTestNetwork, isolationProblem } = await import("../../components/isolatedTestNetwork"));
});

function args(overrides: Partial<IsolatedTestNetworkArgs> = {}): IsolatedTestNetworkArgs {
  return {
    subscriptionId: SUB,
    location: "westeurope",
    resourceGroupName: "contoso-drill-rg",
    vnetName: "contoso-drill-vnet",
    addressSpace: ["10.10.0.0/16"],
    subnets: [
      { name: "snet-identity", prefix: "10.10.1.0/24" },
      { name: "snet-app", prefix: "10.10.3.0/24" },
    ],
    allowList: [
      { name: "allow-rdp", direction: "Inbound", protocol: "Tcp", remoteAddress: "192.0.2.10/32", ports: "3389" },
      { name: "allow-kms", direction: "Outbound", protocol: "Tcp", remoteAddress: "23.102.135.246", ports: "1688" },
    ],
    dnsServers: ["10.10.1.4"],
    items: [{ friendlyName: "SQL01", productionRecoveryNetworkId: PROD_VNET }],
    tags: { "drill-id": "d1", "drill-owner": "me", "drill-expiry": "2030-01-01" },
    ...overrides,
  };
}

describe("IsolatedTestNetwork", () => {
  let net: NetworkClass;
  const created = () => harness.resources.filter((r) => r.urn.includes("::net1") || r.name.startsWith("net1-"));

  beforeAll(async () => {
    net = new IsolatedTestNetwork("net1", args());
    await value(net.subnets);
    await settle();
  });

  it("creates a resource group, one NSG per subnet and a VNet, all children of the component", () => {
    const mine = created();
    const component = mine.find((r) => r.type === "failover-drill:drill:IsolatedTestNetwork")!;
    expect(component).toBeDefined();
    const children = mine.filter((r) => r !== component);
    expect(children.map((r) => `${r.type}/${r.name}`).sort()).toEqual([
      "azure-native:network:NetworkSecurityGroup/net1-snet-app-nsg",
      "azure-native:network:NetworkSecurityGroup/net1-snet-identity-nsg",
      "azure-native:network:VirtualNetwork/net1-vnet",
      "azure-native:resources:ResourceGroup/net1-rg",
    ]);
    for (const child of children) expect(child.parent).toBe(component.urn);
  });

  it("names the resource group and VNet as configured and tags them", () => {
    const rg = harness.one("azure-native:resources:ResourceGroup", "net1-rg");
    expect(rg.inputs).toMatchObject({ resourceGroupName: "contoso-drill-rg", location: "westeurope", tags: { "drill-id": "d1" } });
    const vnet = harness.one("azure-native:network:VirtualNetwork", "net1-vnet");
    expect(vnet.inputs).toMatchObject({
      virtualNetworkName: "contoso-drill-vnet",
      resourceGroupName: "contoso-drill-rg",
      addressSpace: { addressPrefixes: ["10.10.0.0/16"] },
    });
  });

  it("declares the subnets inline with production names, each associated with its own NSG", () => {
    const vnet = harness.one("azure-native:network:VirtualNetwork", "net1-vnet");
    const base = `/subscriptions/${SUB}/resourceGroups/contoso-drill-rg/providers/Microsoft.Network/networkSecurityGroups`;
    expect(vnet.inputs.subnets).toEqual([
      {
        name: "snet-identity",
        addressPrefix: "10.10.1.0/24",
        networkSecurityGroup: { id: `${base}/contoso-drill-vnet-snet-identity-nsg` },
      },
      { name: "snet-app", addressPrefix: "10.10.3.0/24", networkSecurityGroup: { id: `${base}/contoso-drill-vnet-snet-app-nsg` } },
    ]);
  });

  it("points the VNet's DNS at the directory copy and has no peerings or gateway", () => {
    const vnet = harness.one("azure-native:network:VirtualNetwork", "net1-vnet");
    expect(vnet.inputs.dhcpOptions).toEqual({ dnsServers: ["10.10.1.4"] });
    expect(vnet.inputs.virtualNetworkPeerings).toBeUndefined();
    expect(vnet.inputs.subnets.map((s: any) => s.name)).not.toContain("GatewaySubnet");
  });

  it("gives every NSG the allow-list first and denies the Internet both ways at 4000", () => {
    for (const nsg of harness.byType("azure-native:network:NetworkSecurityGroup").filter((r) => r.name.startsWith("net1-"))) {
      const rules = nsg.inputs.securityRules;
      expect(rules.map((r: any) => [r.name, r.direction, r.access, r.priority])).toEqual([
        ["allow-rdp", "Inbound", "Allow", 100],
        ["allow-kms", "Outbound", "Allow", 100],
        ["deny-internet-inbound", "Inbound", "Deny", 4000],
        ["deny-internet-outbound", "Outbound", "Deny", 4000],
      ]);
      expect(rules[0]).toMatchObject({
        sourceAddressPrefix: "192.0.2.10/32",
        destinationAddressPrefix: "VirtualNetwork",
        destinationPortRange: "3389",
        protocol: "Tcp",
      });
      expect(rules[1]).toMatchObject({
        sourceAddressPrefix: "VirtualNetwork",
        destinationAddressPrefix: "23.102.135.246",
        destinationPortRange: "1688",
      });
      expect(rules[2]).toMatchObject({ sourceAddressPrefix: "Internet", destinationAddressPrefix: "*", protocol: "*" });
      expect(rules[3]).toMatchObject({ sourceAddressPrefix: "*", destinationAddressPrefix: "Internet", protocol: "*" });
    }
  });

  it("outputs the VNet id, name and a subnet map", async () => {
    const vnetId = `/subscriptions/${SUB}/resourceGroups/contoso-drill-rg/providers/Microsoft.Network/virtualNetworks/contoso-drill-vnet`;
    expect(await value(net.vnetId)).toBe(vnetId);
    expect(await value(net.vnetName)).toBe("contoso-drill-vnet");
    expect(await value(net.subnets)).toEqual({
      "snet-identity": { id: `${vnetId}/subnets/snet-identity`, addressPrefix: "10.10.1.0/24" },
      "snet-app": { id: `${vnetId}/subnets/snet-app`, addressPrefix: "10.10.3.0/24" },
    });
    expect(net.expectedVnetId).toBe(vnetId);
  });

  it("uses an existing resource group without declaring one, and sets no DNS without a directory copy", async () => {
    const n = new IsolatedTestNetwork(
      "net2",
      args({ resourceGroupName: undefined, existingResourceGroupName: "shared-drill-rg", dnsServers: [] }),
    );
    await value(n.vnetId);
    await settle();
    expect(harness.resources.filter((r) => r.name === "net2-rg")).toHaveLength(0);
    const vnet = harness.one("azure-native:network:VirtualNetwork", "net2-vnet");
    expect(vnet.inputs.resourceGroupName).toBe("shared-drill-rg");
    expect(vnet.inputs.dhcpOptions).toBeUndefined();
  });

  it("refuses, at preview, a test network that is an item's production recovery network", () => {
    const prod = args({
      resourceGroupName: "contoso-recovery",
      vnetName: "contoso-recovery-vnet",
      items: [
        { friendlyName: "APP01", productionRecoveryNetworkId: PROD_VNET.replace("/subscriptions/", "/Subscriptions/").toUpperCase() },
      ],
    });
    expect(() => new IsolatedTestNetwork("net3", prod)).toThrow(
      /^failover-drill:testNetwork\.vnetName: the test network \/subscriptions\/.*\/virtualNetworks\/contoso-recovery-vnet is the production recovery network of APP01/,
    );
    expect(harness.resources.filter((r) => r.name.startsWith("net3-"))).toHaveLength(0);
  });

  it("refuses both or neither resource group kinds", () => {
    expect(() => new IsolatedTestNetwork("net4", args({ existingResourceGroupName: "x" }))).toThrow(/exactly one of resourceGroupName/);
    expect(() => new IsolatedTestNetwork("net5", args({ resourceGroupName: undefined }))).toThrow(/exactly one of resourceGroupName/);
  });
});

describe("isolationProblem", () => {
  const testNet = `/subscriptions/${SUB}/resourceGroups/drill/providers/Microsoft.Network/virtualNetworks/drill-vnet`;
  it("passes a network no item recovers into", () => {
    expect(
      isolationProblem(testNet, [{ friendlyName: "A", productionRecoveryNetworkId: PROD_VNET }, { friendlyName: "B" }]),
    ).toBeUndefined();
  });
  it("names every clashing item, the network id and the config key, comparing ids case-insensitively", () => {
    const msg = isolationProblem(testNet, [
      { friendlyName: "A", productionRecoveryNetworkId: testNet.toUpperCase() },
      { friendlyName: "B", productionRecoveryNetworkId: `${testNet}/` },
    ]);
    expect(msg).toContain(`failover-drill:testNetwork.vnetName: the test network ${testNet} is the production recovery network of A, B`);
    expect(msg).toContain("failover-drill:testNetwork");
  });
});
