// The contract between the drill's parts: what index.ts hands to the TestFailover dynamic resource,
// what that resource records in state, and what the policy pack reads in preview.
// Keep these plain JSON (no Outputs, no classes): they cross the dynamic-provider boundary.

/** The dynamic resource's type token (pulumi.dynamic.Resource with module "drill", type "TestFailover"). */
export const TEST_FAILOVER_TYPE = "pulumi-nodejs:dynamic/drill:TestFailover";

export type RecoveryPointType = "Latest" | "LatestApplicationConsistent" | "LatestProcessed";
export type CredentialMode = "default" | "twin";

export interface VaultRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** Where ARM is and how to authenticate. `twin` = a static bearer token against a twin URL. */
export interface ArmConnection {
  endpoint: string;
  credentialMode: CredentialMode;
}

/** A protected item located in the vault. */
export interface ProtectedItemRef {
  fabricName: string;
  protectionContainerName: string;
  /** The replicated protected item name (the VM GUID for Hyper-V). */
  name: string;
  friendlyName: string;
  /** Full ARM id of the replicated protected item. */
  id: string;
}

export type DrillScope =
  | { kind: "recoveryPlan"; recoveryPlanName: string; recoveryPlanId: string }
  | { kind: "protectedItems"; items: ProtectedItemRef[] };

/** One NIC of a protected item as ASR will create it (compute and network settings). */
export interface NicSnapshot {
  nicId: string;
  /** The on-premises adapter name (VMNicDetails.vMNetworkName), shown in messages. */
  name: string;
  isPrimary: boolean;
  /** ipConfigs[].recoverySubnetName (or tfoSubnetName when set). */
  recoverySubnetName?: string;
  /** The static IP configured for failover (recoveryStaticIPAddress); empty/undefined = DHCP. */
  recoveryStaticIp?: string;
  /** The static IP configured for test failover (tfoStaticIPAddress) when set. */
  tfoStaticIp?: string;
  /** The public IP the test VM's NIC would get (tfoPublicIPAddressId) when set: never allowed in a drill. */
  tfoPublicIpAddressId?: string;
}

/**
 * The settings of one protected item that decide whether its test failover can succeed, read with the
 * azure-native invokes at preview time. The policy pack checks exactly these.
 */
export interface ItemSettingsSnapshot {
  protectedItemId: string;
  friendlyName: string;
  protectionState: string;
  /** providerSpecificDetails.recoveryAzureVmName */
  recoveryVmName: string;
  /** providerSpecificDetails.recoveryAzureVMSize */
  recoveryVmSize: string;
  /** Max NICs of the recovery size (targetComputeSizes maxNicsCount); undefined when unknown. */
  targetSizeMaxNics?: number;
  nics: NicSnapshot[];
  /** A string, as ASR returns it: "true" or "false". */
  useManagedDisks: string;
  recoveryAvailabilitySetId?: string;
  /** sku.name of the recovery availability set: "Aligned" (use managed disks = Yes) or "Classic". */
  availabilitySetSku?: string;
  /** ARM id of the replication (cache/target) storage account (recoveryAzureStorageAccount). */
  replicationStorageAccountId?: string;
  /** True when the replication storage account is encrypted with Storage Service Encryption. */
  replicationStorageSseEnabled: boolean;
  /** selectedRecoveryAzureNetworkId: the production recovery network, never to be used for tests. */
  productionRecoveryNetworkId?: string;
  recoveryResourceGroupId?: string;
}

export interface InGuestCheck {
  /** A short name shown in reports, e.g. "resolve-domain". */
  name: string;
  /** RunPowerShellScript / RunShellScript command id. */
  commandId: string;
  script: string[];
  /** The check passes when the command output contains this text. */
  expectOutputContains: string;
}

/** What the drill expects of one test VM; every field is optional except the item. */
export interface ExpectedVmResult {
  friendlyName: string;
  size?: string;
  /** Expected primary IP in the test network. */
  ip?: string;
  nicCount?: number;
  inGuestChecks?: InGuestCheck[];
}

export interface DrillTimeouts {
  testFailoverMinutes: number;
  cleanupMinutes: number;
}

/** The TestFailover dynamic resource's inputs. */
export interface TestFailoverInputs {
  drillId: string;
  /** "directory-copy" for the DC/DNS copy, "application" for the workloads. */
  role: "directory-copy" | "application";
  vault: VaultRef;
  arm: ArmConnection;
  scope: DrillScope;
  testNetworkId: string;
  /** Subnets of the isolated test network, by name, with their prefixes. */
  testSubnets: { name: string; addressPrefix: string }[];
  failoverDirection: "PrimaryToRecovery";
  recoveryPointType: RecoveryPointType;
  /** One snapshot per protected item the test failover will touch. */
  items: ItemSettingsSnapshot[];
  expected: ExpectedVmResult[];
  /** Test failover cleanup comments, at most 1024 characters. */
  notes: string;
  timeouts: DrillTimeouts;
  rtoTargetMinutes?: number;
}

export interface VmCheckResult {
  name: string;
  passed: boolean;
  detail: string;
}

export interface TestVmReport {
  friendlyName: string;
  testVmId: string;
  testVmName: string;
  size: string;
  powerState: string;
  ips: string[];
  nicCount: number;
  checks: VmCheckResult[];
  /** Virtual/real times from the job's own timestamps (ISO strings). */
  triggeredAt?: string;
  createdAt?: string;
  runningAt?: string;
  /** Seconds from trigger to running. */
  secondsToRunning?: number;
}

/** The TestFailover dynamic resource's outputs (state = inputs + these). */
export interface TestFailoverOutputs extends TestFailoverInputs {
  jobIds: string[];
  testVms: TestVmReport[];
  groupTimings: { group: string; startTime?: string; endTime?: string; seconds?: number }[];
  rtoAchievedSeconds?: number;
  verdict: "passed" | "failed";
  failures: string[];
}
