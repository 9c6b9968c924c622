// test-network-isolated with Azure Bastion (testNetwork.access.bastion): exactly the Bastion shape is
// accepted — HTTPS in from the Internet on the AzureBastionSubnet only, one public IP used by the Bastion
// host — and any other public IP, a NIC with a public IP, or the HTTPS rule elsewhere is refused.
// test-vm-no-public-ip refuses an item whose test VM NIC would get a public IP.
import { testNetworkIsolated } from "../../../policy/rules/testNetworkIsolated";
import { testVmNoPublicIp } from "../../../policy/rules/testVmNoPublicIp";
import { bastionSubnetSecurityRules, bastionTargetRules, DEVELOPER_BASTION_SOURCE } from "../../../components/bastionAccess";
import { isolationSecurityRules } from "../../../components/nsgRules";
import {
  getHappyPathStack,
  getHappyPathStackKnown,
  getHappyPathTestFailoverArgs,
  getHappyPathItem,
  getNic,
  NSG_TYPE,
  TAGS,
  TEST_FAILOVER_TYPE,
  withProps,
} from "../fixtures";
import {
  assertHasViolation,
  assertNoViolations,
  createResourceValidationArgs,
  createStackValidationArgs,
  UNKNOWN_STRING,
  type StackResourceSpec,
} from "../harness";

const PIP = "azure-native:network:PublicIPAddress";
const BASTION = "azure-native:network:BastionHost";
const policy = testNetworkIsolated;
const args = (s: StackResourceSpec[]) => createStackValidationArgs(policy, s);

/** The drill stack in preview (ids unknown) plus what access.bastion adds. */
function withBastion(base: StackResourceSpec[], bastionRules: object[] = bastionSubnetSecurityRules()): StackResourceSpec[] {
  const stack = base.map((s) =>
    s.name === "drill-vnet"
      ? {
          ...s,
          props: {
            ...s.props,
            subnets: [
              ...s.props.subnets,
              { name: "AzureBastionSubnet", addressPrefix: "10.50.2.0/26", networkSecurityGroup: { id: UNKNOWN_STRING } },
            ],
          },
          propertyDependencies: { ...s.propertyDependencies, subnets: [...(s.propertyDependencies?.subnets ?? []), "drill-bastion-nsg"] },
        }
      : s,
  );
  return [
    {
      type: NSG_TYPE,
      name: "drill-bastion-nsg",
      props: {
        resourceGroupName: "drill-rg",
        networkSecurityGroupName: "drill-vnet-AzureBastionSubnet-nsg",
        securityRules: bastionRules,
        tags: TAGS,
        id: UNKNOWN_STRING,
      },
      dependsOn: ["drill-rg"],
    },
    ...stack,
    {
      type: PIP,
      name: "drill-bastion-pip",
      props: { sku: { name: "Standard" }, publicIPAllocationMethod: "Static", id: UNKNOWN_STRING, tags: TAGS },
    },
    {
      type: BASTION,
      name: "drill-bastion-host",
      props: {
        sku: { name: "Basic" },
        ipConfigurations: [{ name: "c", subnet: { id: UNKNOWN_STRING }, publicIPAddress: { id: UNKNOWN_STRING } }],
        tags: TAGS,
      },
      propertyDependencies: { ipConfigurations: ["drill-vnet", "drill-bastion-pip"] },
    },
  ];
}

describe("test-network-isolated with a Bastion", () => {
  it("accepts the Bastion shape: HTTPS from the Internet on AzureBastionSubnet, the Bastion's public IP", async () => {
    await assertNoViolations(policy, args(withBastion(getHappyPathStack(UNKNOWN_STRING))));
  });

  it("accepts the Developer shape: no subnet, no public IP, test subnets open to RDP/SSH from 168.63.129.16 only", async () => {
    const developer: StackResourceSpec[] = [
      ...getHappyPathStack(UNKNOWN_STRING).map((s) =>
        s.type === NSG_TYPE
          ? { ...s, props: { ...s.props, securityRules: isolationSecurityRules(bastionTargetRules(DEVELOPER_BASTION_SOURCE)) } }
          : s,
      ),
      {
        type: BASTION,
        name: "drill-bastion-host",
        props: { sku: { name: "Developer" }, virtualNetwork: { id: UNKNOWN_STRING }, tags: TAGS },
        propertyDependencies: { virtualNetwork: ["drill-vnet"] },
      },
    ];
    await assertNoViolations(policy, args(developer));
    // The same rules from the Internet would open the network.
    const wide = developer.map((s) =>
      s.type === NSG_TYPE ? { ...s, props: { ...s.props, securityRules: isolationSecurityRules(bastionTargetRules("Internet")) } } : s,
    );
    await assertHasViolation(policy, args(wide), /security rule "allow-bastion-rdp" .*reachable from the Internet/);
  });

  it("refuses the Bastion subnet's Internet HTTPS rule when no Bastion host is declared", async () => {
    const noHost = withBastion(getHappyPathStack(UNKNOWN_STRING)).filter((s) => s.type !== BASTION && s.type !== PIP);
    await assertHasViolation(
      policy,
      args(noHost),
      /subnet "AzureBastionSubnet", NSG "drill-bastion-nsg": security rule "AllowHttpsInbound" .*reachable from the Internet/,
    );
  });

  it("refuses anything wider than HTTPS from the Internet on the Bastion subnet", async () => {
    const rdp = {
      name: "AllowRdpFromInternet",
      priority: 200,
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      sourceAddressPrefix: "Internet",
      sourcePortRange: "*",
      destinationAddressPrefix: "*",
      destinationPortRange: "3389",
    };
    await assertHasViolation(
      policy,
      args(withBastion(getHappyPathStack(UNKNOWN_STRING), [...bastionSubnetSecurityRules(), rdp])),
      /security rule "AllowRdpFromInternet"/,
    );
  });

  it("refuses the HTTPS-from-Internet rule on a test subnet, Bastion or not", async () => {
    const https = {
      name: "AllowHttpsInbound",
      priority: 300,
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      sourceAddressPrefix: "Internet",
      sourcePortRange: "*",
      destinationAddressPrefix: "*",
      destinationPortRange: "443",
    };
    const stack = withProps(withBastion(getHappyPathStack(UNKNOWN_STRING)), "drill-app-nsg", (p) => p.securityRules.unshift(https));
    await assertHasViolation(policy, args(stack), /subnet "app", NSG "drill-app-nsg": security rule "AllowHttpsInbound"/);
  });

  it("refuses any other public IP (a second one, or one without a Bastion)", async () => {
    const extra = [
      ...withBastion(getHappyPathStack(UNKNOWN_STRING)),
      { type: PIP, name: "stray-pip", props: { sku: { name: "Standard" }, id: UNKNOWN_STRING } },
    ];
    await assertHasViolation(policy, args(extra), /public IP "stray-pip": is not the public IP of the drill's Azure Bastion/);
    const lone = [
      ...getHappyPathStackKnown(),
      {
        type: PIP,
        name: "lone-pip",
        props: { id: "/subscriptions/s/resourceGroups/drill-rg/providers/Microsoft.Network/publicIPAddresses/lone" },
      },
    ];
    await assertHasViolation(policy, args(lone), /public IP "lone-pip"/);
  });

  it("refuses a network interface with a public IP", async () => {
    const nic = [
      ...getHappyPathStackKnown(),
      {
        type: "azure-native:network:NetworkInterface",
        name: "jump-nic",
        props: { ipConfigurations: [{ name: "c", publicIPAddress: { id: "x" } }] },
      },
    ];
    await assertHasViolation(policy, args(nic), /network interface "jump-nic": has a public IP address/);
  });

  it("links the public IP by id once ids are known", async () => {
    const pipId = "/subscriptions/s/resourceGroups/drill-rg/providers/Microsoft.Network/publicIPAddresses/drill-vnet-bastion-pip";
    const known = withBastion(getHappyPathStack(UNKNOWN_STRING)).map((s) =>
      s.name === "drill-bastion-pip"
        ? { ...s, props: { ...s.props, id: pipId } }
        : s.name === "drill-bastion-host"
          ? {
              ...s,
              props: { ...s.props, ipConfigurations: [{ name: "c", subnet: { id: "x" }, publicIPAddress: { id: pipId.toUpperCase() } }] },
              propertyDependencies: {},
            }
          : s,
    );
    await assertNoViolations(policy, args(known));
    const other = known.map((s) =>
      s.name === "drill-bastion-host"
        ? { ...s, props: { ...s.props, ipConfigurations: [{ name: "c", subnet: { id: "x" }, publicIPAddress: { id: `${pipId}-other` } }] } }
        : s,
    );
    await assertHasViolation(policy, args(other), /public IP "drill-bastion-pip": is not the public IP/);
  });
});

describe("test-vm-no-public-ip", () => {
  const rargs = (props: object) => createResourceValidationArgs(testVmNoPublicIp, { type: TEST_FAILOVER_TYPE, name: "apps", props });

  it("is mandatory and passes items without a test failover public IP", async () => {
    expect(testVmNoPublicIp.enforcementLevel).toBe("mandatory");
    await assertNoViolations(testVmNoPublicIp, rargs(getHappyPathTestFailoverArgs()));
  });

  it("fails an item whose test VM NIC would get a public IP, naming item, NIC and fix", async () => {
    const props = getHappyPathTestFailoverArgs({
      items: [
        getHappyPathItem({
          nics: [
            getNic(),
            getNic({
              nicId: "n2",
              name: "Backup",
              isPrimary: false,
              tfoPublicIpAddressId: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/publicIPAddresses/sql-pip",
            }),
          ],
        }),
      ],
    });
    await assertHasViolation(
      testVmNoPublicIp,
      rargs(props),
      /"apps", item "SQL01", NIC "Backup": the test VM's NIC would get public IP .*sql-pip.*Fix: clear the test failover public IP/,
    );
  });
});
