import {
  ItemSettingsReaders,
  matchItemRef,
  readItemSettings,
  storageSseEnabled,
  toItemSettingsSnapshot,
  toProtectedItemRef,
} from "../../components/itemSettings";
import { CONTAINER, FABRIC, PROD_VNET, SUB, itemId, protectedItem, recoveryPlan } from "./fixtures";

const vault = { subscriptionId: SUB, resourceGroup: "contoso-dr", name: "contoso-asr-vault" };

describe("toItemSettingsSnapshot", () => {
  it("maps HyperVReplicaAzure details to the snapshot the policy pack checks", () => {
    const item = protectedItem({
      guid: "g-sql",
      friendlyName: "SQL01",
      nics: 2,
      size: "Standard_D8s_v3",
      subnet: "snet-data",
      staticIp: "10.10.2.10",
      availabilitySet: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/availabilitySets/as1",
      storageAccount: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/sa1",
    });
    const snap = toItemSettingsSnapshot(item, { availabilitySetSku: "Aligned", replicationStorageSseEnabled: true });
    expect(snap).toEqual({
      protectedItemId: itemId("g-sql"),
      friendlyName: "SQL01",
      protectionState: "Protected",
      recoveryVmName: "SQL01",
      recoveryVmSize: "Standard_D8s_v3",
      targetSizeMaxNics: 4,
      nics: [
        { nicId: "g-sql-nic0", name: "SQL01-adapter0", isPrimary: true, recoverySubnetName: "snet-data", recoveryStaticIp: "10.10.2.10" },
        { nicId: "g-sql-nic1", name: "SQL01-adapter1", isPrimary: false, recoverySubnetName: "snet-data" },
      ],
      useManagedDisks: "true",
      recoveryAvailabilitySetId: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/availabilitySets/as1",
      availabilitySetSku: "Aligned",
      replicationStorageAccountId: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/sa1",
      replicationStorageSseEnabled: true,
      productionRecoveryNetworkId: PROD_VNET,
      recoveryResourceGroupId: `/subscriptions/${SUB}/resourceGroups/contoso-recovery`,
    });
  });

  it("prefers the test failover subnet and IP when set, and tolerates missing details", () => {
    const item = protectedItem({ guid: "g", friendlyName: "DC01" });
    (item.properties.providerSpecificDetails.vmNics[0].ipConfigs[0] as any).tfoSubnetName = "snet-identity";
    (item.properties.providerSpecificDetails.vmNics[0].ipConfigs[0] as any).tfoStaticIPAddress = "10.10.1.4";
    expect(toItemSettingsSnapshot(item).nics[0]).toMatchObject({ recoverySubnetName: "snet-identity", tfoStaticIp: "10.10.1.4" });
    const bare = toItemSettingsSnapshot({ id: itemId("x"), name: "x" });
    expect(bare).toMatchObject({
      friendlyName: "x",
      protectionState: "Unknown",
      nics: [],
      useManagedDisks: "false",
      replicationStorageSseEnabled: false,
    });
    expect(bare.targetSizeMaxNics).toBeUndefined();
  });

  it("reads SSE from encryption.services.blob.enabled", () => {
    expect(storageSseEnabled({ encryption: { services: { blob: { enabled: true } } } })).toBe(true);
    expect(storageSseEnabled({ encryption: {} })).toBe(false);
    expect(storageSseEnabled(undefined)).toBe(false);
  });
});

describe("matchItemRef", () => {
  const refs = [
    toProtectedItemRef(protectedItem({ guid: "g1", friendlyName: "SQL01" })),
    toProtectedItemRef(protectedItem({ guid: "g2", friendlyName: "APP01" })),
  ];
  it("matches by fabric/container/name or by friendly name, case-insensitively", () => {
    expect(matchItemRef({ fabricName: FABRIC.toUpperCase(), protectionContainerName: CONTAINER, name: "G2" }, refs)?.friendlyName).toBe(
      "APP01",
    );
    expect(matchItemRef({ friendlyName: "sql01" }, refs)?.name).toBe("g1");
    expect(matchItemRef({ friendlyName: "WEB01" }, refs)).toBeUndefined();
  });
});

describe("readItemSettings", () => {
  const readers = (overrides: Partial<ItemSettingsReaders> = {}): ItemSettingsReaders => ({
    getProtectedItem: async (a) =>
      protectedItem({
        guid: a.replicatedProtectedItemName,
        friendlyName: "APP01",
        availabilitySet: "/subscriptions/s/resourceGroups/rg-as/providers/Microsoft.Compute/availabilitySets/as-app",
        storageAccount: "/subscriptions/s/resourceGroups/rg-sa/providers/Microsoft.Storage/storageAccounts/replsse",
      }),
    getRecoveryPlan: async () => recoveryPlan("rp", []),
    getAvailabilitySet: async (a) => ({
      sku: { name: a.availabilitySetName === "as-app" && a.resourceGroupName === "rg-as" ? "Classic" : "?" },
    }),
    getStorageAccount: async (a) => ({
      encryption: { services: { blob: { enabled: a.accountName === "replsse" && a.resourceGroupName === "rg-sa" } } },
    }),
    ...overrides,
  });

  it("reads the item, its availability set and its replication storage", async () => {
    const { ref, snapshot } = await readItemSettings(
      vault,
      { fabricName: FABRIC, protectionContainerName: CONTAINER, name: "g-app" },
      readers(),
      "failover-drill:scope.items[0]",
    );
    expect(ref).toEqual({
      fabricName: FABRIC,
      protectionContainerName: CONTAINER,
      name: "g-app",
      friendlyName: "APP01",
      id: itemId("g-app"),
    });
    expect(snapshot.availabilitySetSku).toBe("Classic");
    expect(snapshot.replicationStorageSseEnabled).toBe(true);
  });

  it("names the config entry and the item when a read fails", async () => {
    const failing = readers({
      getProtectedItem: async () => {
        throw new Error("ResourceNotFound");
      },
    });
    await expect(
      readItemSettings(vault, { fabricName: "f", protectionContainerName: "c", name: "n" }, failing, "failover-drill:scope.items[2]"),
    ).rejects.toThrow("failover-drill:scope.items[2]: reading protected item f/c/n in vault contoso-asr-vault failed: ResourceNotFound");
    const noSet = readers({
      getAvailabilitySet: async () => {
        throw new Error("NotFound");
      },
    });
    await expect(
      readItemSettings(vault, { fabricName: "f", protectionContainerName: "c", name: "n" }, noSet, "failover-drill:scope.recoveryPlan"),
    ).rejects.toThrow(/failover-drill:scope\.recoveryPlan: reading availability set .*as-app of APP01 failed: NotFound/);
  });
});
