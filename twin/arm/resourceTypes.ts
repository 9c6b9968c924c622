// The resource-type table: every ARM type the twin serves, in one place. Keys are lower-case
// "namespace/type[/childType…]"; anything else is NoRegisteredProviderFound, as in ARM.
import type { KindEntry } from "./kind";
import { nsgKind, networkInterfaceKind, peeringKind, securityRuleKind, subnetKind, virtualNetworkKind } from "./network";
import { blobContainerKind, blobServiceKind, storageAccountKind } from "./storage";
import { availabilitySetKind, diskKind, virtualMachineKind } from "./compute";
import { bastionHostKind, publicIpKind } from "./bastion";

const KINDS: KindEntry[] = [
  virtualNetworkKind,
  subnetKind,
  peeringKind,
  nsgKind,
  securityRuleKind,
  networkInterfaceKind,
  storageAccountKind,
  blobServiceKind,
  blobContainerKind,
  availabilitySetKind,
  diskKind,
  virtualMachineKind,
  publicIpKind,
  bastionHostKind,
];

export const KIND_BY_KEY = new Map<string, KindEntry>(KINDS.map((k) => [k.type.toLowerCase(), k]));

/** The Site Recovery surface (routed by asr/router.ts). */
export const ASR_NAMESPACE = "microsoft.recoveryservices";
export const ASR_TYPES = [
  "vaults",
  "vaults/replicationFabrics",
  "vaults/replicationFabrics/replicationProtectionContainers",
  "vaults/replicationFabrics/replicationProtectionContainers/replicationProtectedItems",
  "vaults/replicationFabrics/replicationProtectionContainers/replicationProtectedItems/targetComputeSizes",
  "vaults/replicationFabrics/replicationProtectionContainers/replicationProtectedItems/operationresults",
  "vaults/replicationProtectedItems",
  "vaults/replicationProtectionContainers",
  "vaults/replicationRecoveryPlans",
  "vaults/replicationJobs",
  "vaults/replicationOperationStatus",
];

export const isAsrNamespace = (ns: string) => ns.toLowerCase() === ASR_NAMESPACE;

/** ASR accepts the official JS SDK's 2023-06-01 through the newest stable 2026-05-01. */
export function asrApiVersionSupported(v: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})(-preview)?$/.exec(v);
  return !!m && m[1] >= "2023-06-01" && m[1] <= "2026-05-01";
}
