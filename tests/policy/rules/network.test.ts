import { testNetworkIsolated } from "../../../policy/rules/testNetworkIsolated";
import {
  GATEWAY_TYPE,
  getHappyPathStack,
  getHappyPathStackKnown,
  NSG_TYPE,
  PEERING_TYPE,
  PRODUCTION_NETWORK_ID,
  SUBNET_TYPE,
  withProps,
} from "../fixtures";
import { assertHasViolation, assertNoViolations, createStackValidationArgs, UNKNOWN_STRING } from "../harness";

const policy = testNetworkIsolated;
const args = (stack: any) => createStackValidationArgs(policy, stack);
const preview = () => getHappyPathStack(UNKNOWN_STRING);

describe("test-network-isolated", () => {
  it("is a mandatory stack policy", () => {
    expect(policy.enforcementLevel).toBe("mandatory");
    expect(typeof policy.validateStack).toBe("function");
  });

  it("passes the happy drill in preview (ids unknown, linked by dependencies) and after up (ids known)", async () => {
    await assertNoViolations(policy, args(preview()));
    await assertNoViolations(policy, args(getHappyPathStackKnown()));
  });

  it("fails a test network that is an item's production recovery network (known id)", async () => {
    const stack = withProps(getHappyPathStackKnown(), "apps", (p) => (p.testNetworkId = PRODUCTION_NETWORK_ID.toUpperCase()));
    await assertHasViolation(
      policy,
      args(stack),
      /"apps", item "SQL01".*is the item's production recovery network.*failover-drill:testNetwork/,
    );
  });

  it("fails a new VNet that would take over the production network by resource group and name", async () => {
    const stack = withProps(preview(), "drill-vnet", (p) => {
      p.resourceGroupName = "contoso-recovery-rg";
      p.virtualNetworkName = "contoso-recovery-vnet";
    });
    await assertHasViolation(policy, args(stack), /production recovery network/);
  });

  it("fails inline peerings and VirtualNetworkPeering resources", async () => {
    await assertHasViolation(
      policy,
      args(withProps(preview(), "drill-vnet", (p) => (p.virtualNetworkPeerings = [{ name: "to-hub" }]))),
      /virtual network "drill-vnet": has peering\(s\) "to-hub"/,
    );
    const peering = {
      type: PEERING_TYPE,
      name: "hub-peering",
      props: { virtualNetworkName: "drill-vnet", resourceGroupName: "drill-rg", remoteVirtualNetwork: { id: "/x/virtualNetworks/hub" } },
    };
    await assertHasViolation(
      policy,
      args([...preview(), peering]),
      /virtual network peering "hub-peering": peers the test network "drill-vnet"/,
    );
  });

  it("fails a GatewaySubnet and any virtual network gateway", async () => {
    const gw = withProps(preview(), "drill-vnet", (p) => p.subnets.push({ name: "GatewaySubnet", addressPrefix: "10.50.255.0/27" }));
    await assertHasViolation(policy, args(gw), /subnet "GatewaySubnet": is a GatewaySubnet/);
    const gateway = { type: GATEWAY_TYPE, name: "vpn", props: { resourceGroupName: "drill-rg" } };
    await assertHasViolation(policy, args([...preview(), gateway]), /virtual network gateway "vpn"/);
  });

  it("fails a subnet without an NSG, inline or as a Subnet resource", async () => {
    await assertHasViolation(
      policy,
      args(withProps(preview(), "drill-vnet", (p) => delete p.subnets[1].networkSecurityGroup)),
      /subnet "identity": has no network security group/,
    );
    const subnet = {
      type: SUBNET_TYPE,
      name: "mgmt-subnet",
      props: { virtualNetworkName: "drill-vnet", subnetName: "mgmt", addressPrefix: "10.50.2.0/24" },
    };
    await assertHasViolation(policy, args([...preview(), subnet]), /subnet "mgmt": has no network security group/);
  });

  it("fails an NSG rule that allows Internet inbound before the deny", async () => {
    const open = {
      name: "allow-web",
      priority: 200,
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      sourceAddressPrefix: "Internet",
      destinationAddressPrefix: "*",
      destinationPortRange: "443",
    };
    const stack = withProps(preview(), "drill-app-nsg", (p) => p.securityRules.push(open));
    await assertHasViolation(
      policy,
      args(stack),
      /subnet "app", NSG "drill-app-nsg".*"allow-web" \(priority 200\) allows inbound Tcp from Internet to port\(s\) 443.*allowList/,
    );
  });

  it("boundary: an allow rule from * after the deny-all (4001 vs 4000) is shadowed, before it (3999) is not", async () => {
    const rule = (priority: number) => ({
      name: "allow-any",
      priority,
      direction: "Inbound",
      access: "Allow",
      protocol: "*",
      sourceAddressPrefix: "*",
      destinationAddressPrefix: "*",
      destinationPortRange: "*",
    });
    await assertNoViolations(policy, args(withProps(preview(), "drill-app-nsg", (p) => p.securityRules.push(rule(4001)))));
    await assertHasViolation(
      policy,
      args(withProps(preview(), "drill-app-nsg", (p) => p.securityRules.push(rule(3999)))),
      /"allow-any" \(priority 3999\)/,
    );
  });

  it("accepts an allow-list of specific addresses and Azure's default deny (no explicit rules)", async () => {
    await assertNoViolations(policy, args(withProps(preview(), "drill-identity-nsg", (p) => (p.securityRules = []))));
  });

  it("fails an NSG the drill does not declare (cannot be verified)", async () => {
    const stack = withProps(
      getHappyPathStackKnown(),
      "drill-vnet",
      (p) =>
        (p.subnets[0].networkSecurityGroup.id =
          "/subscriptions/x/resourceGroups/other/providers/Microsoft.Network/networkSecurityGroups/shared-nsg"),
    );
    await assertHasViolation(policy, args(stack), /uses NSG ".*shared-nsg", which this drill does not declare/);
  });

  it("ignores VNets that are not the drill's test network", async () => {
    const other = {
      type: "azure-native:network:VirtualNetwork",
      name: "mgmt-vnet",
      props: { virtualNetworkName: "mgmt", virtualNetworkPeerings: [{ name: "p" }], subnets: [] },
    };
    await assertNoViolations(policy, args([...preview(), other]));
    expect(NSG_TYPE).toBe("azure-native:network:NetworkSecurityGroup");
  });
});
