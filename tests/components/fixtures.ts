// Shared fixtures for the component tests: a valid Contoso drill config and ASR-shaped invoke results.

export const SUB = "11111111-1111-1111-1111-111111111111";
export const VAULT_ID = `/Subscriptions/${SUB}/resourceGroups/contoso-dr/providers/Microsoft.RecoveryServices/vaults/contoso-asr-vault`;
export const FABRIC = "vmm-fabric-contoso";
export const CONTAINER = "cloud_contoso";
export const PROD_VNET = `/subscriptions/${SUB}/resourceGroups/contoso-recovery/providers/Microsoft.Network/virtualNetworks/contoso-recovery-vnet`;

/** A raw config (keys without the namespace) that parses. Every call returns a fresh copy. */
export function validRawConfig(): Record<string, any> {
  return {
    vault: { subscriptionId: SUB, resourceGroup: "contoso-dr", name: "contoso-asr-vault" },
    arm: { credentialMode: "staticToken", tokenVariable: "FAILOVER_DRILL_ARM_TOKEN", endpoint: "http://127.0.0.1:8443" },
    location: "westeurope",
    drill: { id: "contoso-tier1", owner: "dr-team@contoso.example", expiry: "2030-12-31" },
    scope: { recoveryPlan: "rp-contoso-tier1" },
    testNetwork: {
      resourceGroup: "contoso-drill-rg",
      vnetName: "contoso-drill-vnet",
      addressSpace: ["10.10.0.0/16"],
      subnets: [
        { name: "snet-identity", prefix: "10.10.1.0/24" },
        { name: "snet-data", prefix: "10.10.2.0/24" },
        { name: "snet-app", prefix: "10.10.3.0/24" },
        { name: "snet-web", prefix: "10.10.4.0/24" },
      ],
      allowList: [{ name: "allow-jumpbox-rdp", direction: "Inbound", protocol: "Tcp", remoteAddress: "192.0.2.10/32", ports: "3389" }],
    },
    directoryCopy: { subnet: "snet-identity", items: [{ friendlyName: "DC01", testIp: "10.10.1.4" }] },
    storage: { accountNamePrefix: "contosodrill", container: "drill-evidence" },
    expected: [
      { friendlyName: "SQL01", nicCount: 2, size: "Standard_E4s_v3" },
      { friendlyName: "APP01", ip: "10.10.3.10" },
    ],
    rtoTargetMinutes: 60,
    notes: "Contoso tier-1 drill",
    timeouts: { testFailoverMinutes: 60, cleanupMinutes: 30 },
  };
}

export function itemId(name: string): string {
  return `${VAULT_ID}/replicationFabrics/${FABRIC}/replicationProtectionContainers/${CONTAINER}/replicationProtectedItems/${name}`;
}

export interface FakeItem {
  guid: string;
  friendlyName: string;
  size?: string;
  nics?: number;
  staticIp?: string;
  subnet?: string;
  managedDisks?: boolean;
  availabilitySet?: string;
  storageAccount?: string;
  network?: string;
}

/** A HyperVReplicaAzure replicated protected item as getReplicationProtectedItem returns it. */
export function protectedItem(f: FakeItem) {
  const nics = Array.from({ length: f.nics ?? 1 }, (_, i) => ({
    nicId: `${f.guid}-nic${i}`,
    vMNetworkName: `${f.friendlyName}-adapter${i}`,
    recoveryVMNetworkId: f.network ?? PROD_VNET,
    ipConfigs: [
      {
        isPrimary: true,
        recoverySubnetName: f.subnet ?? "snet-app",
        ...(i === 0 && f.staticIp ? { recoveryStaticIPAddress: f.staticIp } : {}),
      },
    ],
  }));
  return {
    id: itemId(f.guid),
    name: f.guid,
    type: "Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/replicationProtectedItems",
    azureApiVersion: "2024-10-01",
    properties: {
      friendlyName: f.friendlyName,
      protectionState: "Protected",
      // What an idle protected Hyper-V item allows (twin/asr IDLE_OPERATIONS, from the SDK session records).
      allowedOperations: ["PlannedFailover", "UnplannedFailover", "DisableProtection", "TestFailover"],
      testFailoverState: "None",
      healthErrors: [] as { errorCode: string; errorLevel: string; errorMessage: string; recommendedAction?: string }[],
      providerSpecificDetails: {
        instanceType: "HyperVReplicaAzure",
        recoveryAzureVmName: f.friendlyName,
        recoveryAzureVMSize: f.size ?? "Standard_D2s_v3",
        vmNics: nics,
        selectedSourceNicId: `${f.guid}-nic0`,
        useManagedDisks: f.managedDisks === false ? "false" : "true",
        selectedRecoveryAzureNetworkId: f.network ?? PROD_VNET,
        recoveryAzureResourceGroupId: `/subscriptions/${SUB}/resourceGroups/contoso-recovery`,
        ...(f.availabilitySet ? { recoveryAvailabilitySetId: f.availabilitySet } : {}),
        ...(f.storageAccount ? { recoveryAzureStorageAccount: f.storageAccount } : {}),
      },
    },
  };
}

export function recoveryPlan(name: string, groups: string[][]) {
  return {
    id: `${VAULT_ID}/replicationRecoveryPlans/${name}`,
    name,
    properties: {
      friendlyName: name,
      groups: [
        { groupType: "Shutdown", replicationProtectedItems: [] },
        { groupType: "Failover", replicationProtectedItems: [] },
        ...groups.map((g) => ({
          groupType: "Boot",
          replicationProtectedItems: g.map((guid) => ({ id: itemId(guid), virtualMachineId: guid })),
        })),
      ],
    },
  };
}
