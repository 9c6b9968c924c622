// Fixture factories: a healthy Contoso-like drill (DC01 copied first, SQL01 + APP01 after it) that every
// policy passes, and small helpers to break one fact at a time.
import type { ItemSettingsSnapshot, NicSnapshot, TestFailoverInputs } from "../../components/drillTypes";
import { TEST_FAILOVER_TYPE } from "../../components/drillTypes";
import type { StackResourceSpec } from "./harness";

export { TEST_FAILOVER_TYPE };
export const VNET_TYPE = "azure-native:network:VirtualNetwork";
export const SUBNET_TYPE = "azure-native:network:Subnet";
export const NSG_TYPE = "azure-native:network:NetworkSecurityGroup";
export const GATEWAY_TYPE = "azure-native:network:VirtualNetworkGateway";
export const PEERING_TYPE = "azure-native:network:VirtualNetworkPeering";
export const STORAGE_TYPE = "azure-native:storage:StorageAccount";
export const RG_TYPE = "azure-native:resources:ResourceGroup";

const SUB = "/subscriptions/00000000-0000-0000-0000-000000000001";
export const PRODUCTION_NETWORK_ID = `${SUB}/resourceGroups/contoso-recovery-rg/providers/Microsoft.Network/virtualNetworks/contoso-recovery-vnet`;
export const TEST_NETWORK_ID = `${SUB}/resourceGroups/drill-rg/providers/Microsoft.Network/virtualNetworks/drill-vnet`;
export const TAGS = { "drill-id": "dr-2030-01", "drill-owner": "platform-team", "drill-expiry": "2030-01-31" };

export function getNic(overrides: Partial<NicSnapshot> = {}): NicSnapshot {
  return { nicId: "nic-1", name: "Ethernet", isPrimary: true, recoverySubnetName: "app", ...overrides };
}

export function getHappyPathItem(overrides: Partial<ItemSettingsSnapshot> = {}): ItemSettingsSnapshot {
  const name = overrides.friendlyName ?? "SQL01";
  return {
    protectedItemId: `${SUB}/.../replicationProtectedItems/${name}`,
    friendlyName: name,
    protectionState: "Protected",
    recoveryVmName: name,
    recoveryVmSize: "Standard_D2s_v3",
    targetSizeMaxNics: 2,
    nics: [getNic({ nicId: `${name}-nic-1`, tfoStaticIp: "10.50.1.10" })],
    useManagedDisks: "true",
    recoveryAvailabilitySetId: `${SUB}/resourceGroups/contoso-recovery-rg/providers/Microsoft.Compute/availabilitySets/sql-as`,
    availabilitySetSku: "Aligned",
    replicationStorageAccountId: `${SUB}/resourceGroups/asr-rg/providers/Microsoft.Storage/storageAccounts/contosoasrcache`,
    replicationStorageSseEnabled: false,
    productionRecoveryNetworkId: PRODUCTION_NETWORK_ID,
    ...overrides,
  };
}

export const TEST_SUBNETS = [
  { name: "app", addressPrefix: "10.50.1.0/24" },
  { name: "identity", addressPrefix: "10.50.0.0/24" },
];

export function getHappyPathTestFailoverArgs(overrides: Partial<TestFailoverInputs> = {}): TestFailoverInputs {
  return {
    drillId: "dr-2030-01",
    role: "application",
    vault: { subscriptionId: "00000000-0000-0000-0000-000000000001", resourceGroup: "asr-rg", name: "contoso-vault" },
    arm: { endpoint: "https://management.azure.com", credentialMode: "default" },
    scope: { kind: "recoveryPlan", recoveryPlanName: "contoso-apps", recoveryPlanId: `${SUB}/.../contoso-apps` },
    testNetworkId: TEST_NETWORK_ID,
    testSubnets: TEST_SUBNETS,
    failoverDirection: "PrimaryToRecovery",
    recoveryPointType: "LatestProcessed",
    items: [
      getHappyPathItem(),
      getHappyPathItem({
        friendlyName: "APP01",
        recoveryVmName: "APP01",
        useManagedDisks: "false",
        availabilitySetSku: "Classic",
        nics: [getNic({ nicId: "APP01-nic-1", tfoStaticIp: "10.50.1.11" })],
      }),
    ],
    expected: [
      { friendlyName: "SQL01", ip: "10.50.1.10" },
      { friendlyName: "APP01", ip: "10.50.1.11" },
    ],
    notes: "quarterly drill",
    timeouts: { testFailoverMinutes: 120, cleanupMinutes: 60 },
    ...overrides,
  };
}

export const DC_IP = "10.50.0.4";

export function getHappyPathDirectoryCopyArgs(overrides: Partial<TestFailoverInputs> = {}): TestFailoverInputs {
  return getHappyPathTestFailoverArgs({
    role: "directory-copy",
    recoveryPointType: "LatestApplicationConsistent",
    scope: { kind: "protectedItems", items: [] },
    items: [
      getHappyPathItem({
        friendlyName: "DC01",
        recoveryVmName: "DC01",
        useManagedDisks: "false",
        availabilitySetSku: undefined,
        recoveryAvailabilitySetId: undefined,
        nics: [getNic({ nicId: "DC01-nic-1", recoverySubnetName: "identity", tfoStaticIp: DC_IP })],
      }),
    ],
    expected: [{ friendlyName: "DC01", ip: DC_IP }],
    ...overrides,
  });
}

export function denyInternetInbound(priority = 4000) {
  return {
    name: "deny-internet-inbound",
    priority,
    direction: "Inbound",
    access: "Deny",
    protocol: "*",
    sourceAddressPrefix: "Internet",
    sourcePortRange: "*",
    destinationAddressPrefix: "*",
    destinationPortRange: "*",
  };
}

export function getHappyPathNsgProps(extraRules: object[] = []) {
  return {
    resourceGroupName: "drill-rg",
    networkSecurityGroupName: "drill-vnet-app-nsg",
    securityRules: [
      {
        name: "allow-jumpbox-rdp",
        priority: 100,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourceAddressPrefix: "203.0.113.10",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "3389",
      },
      ...extraRules,
      denyInternetInbound(),
    ],
    tags: TAGS,
  };
}

/**
 * The whole happy drill as a stack policy sees it in preview: the NSG and VNet ids are unknown (they do
 * not exist yet), so links come from propertyDependencies, exactly as the engine sends them.
 */
export function getHappyPathStack(unknown: any): StackResourceSpec[] {
  return [
    { type: RG_TYPE, name: "drill-rg", props: { resourceGroupName: "drill-rg", tags: TAGS } },
    { type: NSG_TYPE, name: "drill-app-nsg", props: { ...getHappyPathNsgProps(), id: unknown }, dependsOn: ["drill-rg"] },
    {
      type: NSG_TYPE,
      name: "drill-identity-nsg",
      props: { ...getHappyPathNsgProps(), networkSecurityGroupName: "drill-vnet-identity-nsg", id: unknown },
      dependsOn: ["drill-rg"],
    },
    {
      type: VNET_TYPE,
      name: "drill-vnet",
      props: {
        resourceGroupName: "drill-rg",
        virtualNetworkName: "drill-vnet",
        id: unknown,
        addressSpace: { addressPrefixes: ["10.50.0.0/16"] },
        subnets: [
          { name: "app", addressPrefix: "10.50.1.0/24", networkSecurityGroup: { id: unknown } },
          { name: "identity", addressPrefix: "10.50.0.0/24", networkSecurityGroup: { id: unknown } },
        ],
        dhcpOptions: { dnsServers: [DC_IP] },
        tags: TAGS,
      },
      propertyDependencies: { subnets: ["drill-app-nsg", "drill-identity-nsg"], resourceGroupName: ["drill-rg"] },
    },
    {
      type: STORAGE_TYPE,
      name: "drill-evidence",
      props: { enableHttpsTrafficOnly: true, minimumTlsVersion: "TLS1_2", allowBlobPublicAccess: false, tags: TAGS },
    },
    {
      type: TEST_FAILOVER_TYPE,
      name: "dc-copy",
      props: { ...getHappyPathDirectoryCopyArgs(), testNetworkId: unknown },
      propertyDependencies: { testNetworkId: ["drill-vnet"] },
    },
    {
      type: TEST_FAILOVER_TYPE,
      name: "apps",
      props: { ...getHappyPathTestFailoverArgs(), testNetworkId: unknown },
      propertyDependencies: { testNetworkId: ["drill-vnet"] },
      dependsOn: ["dc-copy"],
    },
  ];
}

/** The same stack after `up` (or on a second preview): every id known. */
export function getHappyPathStackKnown(): StackResourceSpec[] {
  const ids: Record<string, string> = {
    "drill-app-nsg": `${SUB}/resourceGroups/drill-rg/providers/Microsoft.Network/networkSecurityGroups/drill-vnet-app-nsg`,
    "drill-identity-nsg": `${SUB}/resourceGroups/drill-rg/providers/Microsoft.Network/networkSecurityGroups/drill-vnet-identity-nsg`,
    "drill-vnet": TEST_NETWORK_ID,
  };
  return getHappyPathStack("placeholder").map((s) => {
    const props = deepClone(s.props);
    if (props.id === "placeholder") props.id = ids[s.name];
    if (props.testNetworkId === "placeholder") props.testNetworkId = TEST_NETWORK_ID;
    if (s.name === "drill-vnet") {
      props.subnets[0].networkSecurityGroup.id = ids["drill-app-nsg"];
      props.subnets[1].networkSecurityGroup.id = ids["drill-identity-nsg"];
    }
    return { ...s, props };
  });
}

/** Replaces the props of one resource in a stack spec list. */
export function withProps(stack: StackResourceSpec[], name: string, edit: (props: any) => void): StackResourceSpec[] {
  return stack.map((s) => {
    if (s.name !== name) return s;
    const props = deepClone(s.props);
    edit(props);
    return { ...s, props };
  });
}

/**
 * A deep copy made in this realm. Not structuredClone: under jest it returns objects of Node's outer
 * realm, which fail the `instanceof Object` test in unknownCheckingProxy and so would escape the proxy.
 */
export function deepClone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(deepClone) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepClone(v)])) as T;
  }
  return value;
}
