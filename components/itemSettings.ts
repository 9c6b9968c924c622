// Reads each in-scope protected item's current compute and network settings with the azure-native
// invokes (so the TestFailover resource and the policy pack see them in preview) and maps them into the
// plain ItemSettingsSnapshot of drillTypes.ts. The mapping functions are pure and tested on their own;
// the invokes are injected (`ItemSettingsReaders`) so tests and other callers can substitute them.

import type * as pulumi from "@pulumi/pulumi";
import type { ItemSettingsSnapshot, NicSnapshot, ProtectedItemRef, VaultRef } from "./contract";
import type { ItemRefConfig } from "./config";
import type { Job } from "./asr/types";
import { parseArmId, parseProtectedItemId, recoveryPlanMemberIds } from "./contract";
import { maxNicsForSize } from "./vmSizes";

// The slices of the invoke results this module reads (structurally compatible with azure-native's
// GetReplicationProtectedItemResult, GetReplicationRecoveryPlanResult, GetAvailabilitySetResult and
// GetStorageAccountResult, so tests can pass plain objects).
export interface IpConfigLike {
  isPrimary?: boolean;
  recoverySubnetName?: string;
  recoveryStaticIPAddress?: string;
  tfoSubnetName?: string;
  tfoStaticIPAddress?: string;
  tfoPublicIPAddressId?: string;
}
export interface VmNicLike {
  nicId?: string;
  vMNetworkName?: string;
  recoveryVMNetworkId?: string;
  ipConfigs?: IpConfigLike[];
}
export interface ProviderDetailsLike {
  instanceType?: string;
  recoveryAzureVmName?: string;
  recoveryAzureVMSize?: string;
  vmNics?: VmNicLike[];
  selectedSourceNicId?: string;
  useManagedDisks?: string;
  recoveryAvailabilitySetId?: string;
  recoveryAzureStorageAccount?: string;
  selectedRecoveryAzureNetworkId?: string;
  recoveryAzureResourceGroupId?: string;
  /** Data encryption of the replicated VM ("Disabled" in recordings; "Enabled" needs the KEK certificate). */
  encryption?: string;
}
export interface ProtectedItemLike {
  id: string;
  name: string;
  properties?: {
    friendlyName?: string;
    protectionState?: string;
    providerSpecificDetails?: unknown;
    // Read by the preview-time readiness check (testFailoverReadiness.ts).
    allowedOperations?: string[] | null;
    testFailoverState?: string | null;
    healthErrors?:
      | {
          errorCode?: string | null;
          errorLevel?: string | null;
          errorMessage?: string | null;
          summaryMessage?: string | null;
          recommendedAction?: string | null;
        }[]
      | null;
  };
}
export interface RecoveryPlanLike {
  id: string;
  name: string;
  properties?: { groups?: { groupType?: string; replicationProtectedItems?: { id?: string; virtualMachineId?: string }[] }[] };
}
export interface AvailabilitySetLike {
  sku?: { name?: string };
}
export interface StorageAccountLike {
  encryption?: { services?: { blob?: { enabled?: boolean } } };
}

// Re-exported for the program and its tests: the contract owns the id grammar and plan membership.
export { parseProtectedItemId, recoveryPlanMemberIds };

export function toProtectedItemRef(item: ProtectedItemLike): ProtectedItemRef {
  const parts = parseProtectedItemId(item.id);
  if (!parts) throw new Error(`protected item id ${JSON.stringify(item.id)} is not a replicated protected item id`);
  return {
    fabricName: parts.fabricName,
    protectionContainerName: parts.protectionContainerName,
    name: item.name || parts.name,
    friendlyName: item.properties?.friendlyName ?? parts.name,
    id: item.id,
  };
}

function toNicSnapshots(details: ProviderDetailsLike): NicSnapshot[] {
  const nics = details.vmNics ?? [];
  const primaryId = details.selectedSourceNicId;
  return nics.map((nic, i) => {
    const configs = nic.ipConfigs ?? [];
    const ip = configs.find((c) => c.isPrimary) ?? configs[0] ?? {};
    const isPrimary = primaryId ? nic.nicId === primaryId : i === 0;
    const snapshot: NicSnapshot = { nicId: nic.nicId ?? `nic-${i}`, name: nic.vMNetworkName ?? nic.nicId ?? `nic-${i}`, isPrimary };
    const subnet = ip.tfoSubnetName || ip.recoverySubnetName;
    if (subnet) snapshot.recoverySubnetName = subnet;
    if (ip.recoveryStaticIPAddress) snapshot.recoveryStaticIp = ip.recoveryStaticIPAddress;
    if (ip.tfoStaticIPAddress) snapshot.tfoStaticIp = ip.tfoStaticIPAddress;
    if (ip.tfoPublicIPAddressId) snapshot.tfoPublicIpAddressId = ip.tfoPublicIPAddressId;
    return snapshot;
  });
}

export interface SnapshotExtras {
  availabilitySetSku?: string;
  replicationStorageSseEnabled?: boolean;
  /** Overrides the static size table (e.g. from ASR's targetComputeSizes when available). */
  targetSizeMaxNics?: number;
}

/** Maps a protected item (plus what was read about its availability set and storage) to a snapshot. */
export function toItemSettingsSnapshot(item: ProtectedItemLike, extras: SnapshotExtras = {}): ItemSettingsSnapshot {
  const props = item.properties ?? {};
  const details = (props.providerSpecificDetails ?? {}) as ProviderDetailsLike;
  const nics = toNicSnapshots(details);
  const productionNetwork =
    details.selectedRecoveryAzureNetworkId ?? details.vmNics?.find((n) => n.recoveryVMNetworkId)?.recoveryVMNetworkId;
  const snapshot: ItemSettingsSnapshot = {
    protectedItemId: item.id,
    friendlyName: props.friendlyName ?? item.name,
    protectionState: props.protectionState ?? "Unknown",
    recoveryVmName: details.recoveryAzureVmName ?? props.friendlyName ?? item.name,
    recoveryVmSize: details.recoveryAzureVMSize ?? "",
    nics,
    useManagedDisks: details.useManagedDisks ?? "false",
    replicationStorageSseEnabled: extras.replicationStorageSseEnabled ?? false,
  };
  const maxNics = extras.targetSizeMaxNics ?? maxNicsForSize(details.recoveryAzureVMSize);
  if (maxNics !== undefined) snapshot.targetSizeMaxNics = maxNics;
  if (details.recoveryAvailabilitySetId) snapshot.recoveryAvailabilitySetId = details.recoveryAvailabilitySetId;
  if (extras.availabilitySetSku) snapshot.availabilitySetSku = extras.availabilitySetSku;
  if (details.recoveryAzureStorageAccount) snapshot.replicationStorageAccountId = details.recoveryAzureStorageAccount;
  if (productionNetwork) snapshot.productionRecoveryNetworkId = productionNetwork;
  if (details.recoveryAzureResourceGroupId) snapshot.recoveryResourceGroupId = details.recoveryAzureResourceGroupId;
  if (details.encryption) snapshot.dataEncryption = details.encryption;
  return snapshot;
}

/** Storage Service Encryption on the replication storage account: `encryption.services.blob.enabled`. */
export function storageSseEnabled(account: StorageAccountLike | undefined): boolean {
  return account?.encryption?.services?.blob?.enabled === true;
}

/** Finds the configured item among known protected items (by fabric/container/name, else friendly name). */
export function matchItemRef(ref: ItemRefConfig, candidates: ProtectedItemRef[]): ProtectedItemRef | undefined {
  if (ref.fabricName && ref.protectionContainerName && ref.name) {
    const lower = (s: string) => s.toLowerCase();
    return candidates.find(
      (c) =>
        lower(c.fabricName) === lower(ref.fabricName!) &&
        lower(c.protectionContainerName) === lower(ref.protectionContainerName!) &&
        lower(c.name) === lower(ref.name!),
    );
  }
  if (ref.friendlyName) return candidates.find((c) => c.friendlyName.toLowerCase() === ref.friendlyName!.toLowerCase());
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// The invokes.

export interface ItemSettingsReaders {
  getProtectedItem(args: {
    resourceGroupName: string;
    resourceName: string;
    fabricName: string;
    protectionContainerName: string;
    replicatedProtectedItemName: string;
  }): Promise<ProtectedItemLike>;
  getRecoveryPlan(args: { resourceGroupName: string; resourceName: string; recoveryPlanName: string }): Promise<RecoveryPlanLike>;
  getAvailabilitySet(args: { resourceGroupName: string; availabilitySetName: string }): Promise<AvailabilitySetLike>;
  getStorageAccount(args: { resourceGroupName: string; accountName: string }): Promise<StorageAccountLike>;
  /**
   * Lists the vault's protected items (every page), to resolve items configured by friendly name only
   * (azure-native has no list invoke for them) and to read every item in scope from one list instead of
   * one GET each. Optional: without it, items are read one by one and items named by friendly name alone
   * are an error naming the config path.
   */
  listProtectedItems?(): Promise<ProtectedItemLike[]>;
  /**
   * The vault's job list (azure-native has no invoke for it either): read once at preview so an item
   * already in someone's test failover or cleanup is refused before anything is written. Optional:
   * without it only the item's own state (allowedOperations) decides.
   */
  listJobs?(): Promise<Job[]>;
}

/**
 * The azure-native 3.28.0 invokes (loaded lazily so pure callers never import the SDK), each through
 * `provider` — the drill's provider pinned to the vault's subscription — when given.
 */
export function azureNativeReaders(provider?: pulumi.ProviderResource): ItemSettingsReaders {
  /* eslint-disable @typescript-eslint/no-require-imports -- lazy, so pure callers of this module never load the azure-native SDK */
  const recoveryservices = require("@pulumi/azure-native/recoveryservices") as typeof import("@pulumi/azure-native/recoveryservices");
  const compute = require("@pulumi/azure-native/compute") as typeof import("@pulumi/azure-native/compute");
  const storage = require("@pulumi/azure-native/storage") as typeof import("@pulumi/azure-native/storage");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const opts: pulumi.InvokeOptions = provider ? { provider } : {};
  return {
    getProtectedItem: (args) => recoveryservices.getReplicationProtectedItem(args, opts),
    getRecoveryPlan: (args) => recoveryservices.getReplicationRecoveryPlan(args, opts),
    getAvailabilitySet: (args) => compute.getAvailabilitySet(args, opts),
    getStorageAccount: (args) => storage.getStorageAccount(args, opts),
  };
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What readItemSettings asks of a catalog of the vault's items (components/vaultItemCatalog.ts has it). */
export interface ItemCatalog {
  find(parts: { fabricName: string; protectionContainerName: string; name: string }): Promise<ProtectedItemLike | undefined>;
  availabilitySet(id: string, read: () => Promise<AvailabilitySetLike>): Promise<AvailabilitySetLike>;
  storageAccount(id: string, read: () => Promise<StorageAccountLike>): Promise<StorageAccountLike>;
}

/**
 * Reads one protected item and what its settings point at (availability set sku, replication storage
 * encryption) into a snapshot. `configPath` names the config entry in error messages. With a catalog,
 * the item comes from the vault's list when the list holds it and each availability set and storage
 * account is read once per catalog (components/vaultItemCatalog.ts); otherwise each is its own read.
 */
export async function readItemSettings(
  vault: VaultRef,
  item: { fabricName: string; protectionContainerName: string; name: string },
  readers: ItemSettingsReaders,
  configPath: string,
  catalog?: ItemCatalog,
): Promise<{ ref: ProtectedItemRef; snapshot: ItemSettingsSnapshot; item: ProtectedItemLike }> {
  let raw: ProtectedItemLike;
  try {
    raw =
      (await catalog?.find(item)) ??
      (await readers.getProtectedItem({
        resourceGroupName: vault.resourceGroup,
        resourceName: vault.name,
        fabricName: item.fabricName,
        protectionContainerName: item.protectionContainerName,
        replicatedProtectedItemName: item.name,
      }));
  } catch (err) {
    throw new Error(
      `${configPath}: reading protected item ${item.fabricName}/${item.protectionContainerName}/${item.name} in vault ${vault.name} failed: ${describeError(err)}`,
      { cause: err },
    );
  }
  const details = (raw.properties?.providerSpecificDetails ?? {}) as ProviderDetailsLike;
  const extras: SnapshotExtras = {};
  const avSet = parseArmId(details.recoveryAvailabilitySetId);
  if (avSet && details.recoveryAvailabilitySetId) {
    const readSet = () =>
      readers.getAvailabilitySet({
        resourceGroupName: avSet.resourceGroup,
        availabilitySetName: avSet.segments[avSet.segments.length - 1][1],
      });
    const set = await (catalog ? catalog.availabilitySet(details.recoveryAvailabilitySetId, readSet) : readSet()).catch((err) => {
      throw new Error(
        `${configPath}: reading availability set ${details.recoveryAvailabilitySetId} of ${raw.properties?.friendlyName ?? item.name} failed: ${describeError(err)}`,
      );
    });
    if (set.sku?.name) extras.availabilitySetSku = set.sku.name;
  }
  const account = parseArmId(details.recoveryAzureStorageAccount);
  if (account && details.recoveryAzureStorageAccount) {
    const readAccount = () =>
      readers.getStorageAccount({
        resourceGroupName: account.resourceGroup,
        accountName: account.segments[account.segments.length - 1][1],
      });
    const sa = await (catalog ? catalog.storageAccount(details.recoveryAzureStorageAccount, readAccount) : readAccount()).catch((err) => {
      throw new Error(
        `${configPath}: reading replication storage account ${details.recoveryAzureStorageAccount} of ${raw.properties?.friendlyName ?? item.name} failed: ${describeError(err)}`,
      );
    });
    extras.replicationStorageSseEnabled = storageSseEnabled(sa);
  }
  return { ref: toProtectedItemRef(raw), snapshot: toItemSettingsSnapshot(raw, extras), item: raw };
}
