// The contract between the drill's parts: what index.ts hands to the TestFailover dynamic resource,
// what that resource records in state, and what the policy pack reads in preview.
// Keep these plain JSON (no Outputs, no classes): they cross the dynamic-provider boundary.

/** The dynamic resource's type token (pulumi.dynamic.Resource with module "drill", type "TestFailover"). */
export const TEST_FAILOVER_TYPE = "pulumi-nodejs:dynamic/drill:TestFailover";

export type RecoveryPointType = "Latest" | "LatestApplicationConsistent" | "LatestProcessed";
export type CredentialMode = "default" | "staticToken";

/**
 * The Azure clouds a drill can run in. The same union as components/clouds.ts CLOUD_NAMES (which holds
 * each cloud's endpoints and checks at compile time that the two lists agree); copied here because the
 * contract has no dependencies.
 */
export type CloudName = "AzureCloud" | "AzureUSGovernment" | "AzureChinaCloud";

export interface VaultRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/**
 * Where ARM is and how to authenticate: `default` = DefaultAzureCredential for the cloud's Resource
 * Manager scope; `staticToken` = the bearer token in the environment variable `tokenVariable`, loopback
 * endpoints only. Names only, never a token: this crosses into the dynamic provider's state.
 */
export interface ArmConnection {
  endpoint: string;
  credentialMode: CredentialMode;
  /** components/clouds.ts; default AzureCloud. */
  cloud?: CloudName;
  tokenVariable?: string;
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
  { kind: "recoveryPlan"; recoveryPlanName: string; recoveryPlanId: string } | { kind: "protectedItems"; items: ProtectedItemRef[] };

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
  /** providerSpecificDetails.encryption: "Enabled" = data encryption, whose test failover needs the KEK certificate. */
  dataEncryption?: string;
  /**
   * Why the item cannot be test-failed-over now, read at preview from the item and the vault's jobs.
   * Absent when it can (idle and healthy), and when its active test failover goes into this drill's own
   * test network (the provider adopts that one): a healthy drill's inputs stay the same run after run.
   */
  readiness?: ItemReadiness;
}

/** One health error of a protected item (ReplicationProtectedItem.healthErrors[]), as the drill reports it. */
export interface HealthErrorFact {
  errorCode: string;
  errorLevel: string;
  errorMessage: string;
  recommendedAction?: string;
}

/** A test-failover or cleanup job of the item (from the vault's job list), in the words ASR uses. */
export interface ItemJobFact {
  /** The job's name (its id in the vault's replicationJobs). */
  name: string;
  scenarioName: string;
  state: string;
  startTime?: string;
  /** TestFailoverJobDetails.networkName / networkFriendlyName: where the test VMs went. */
  network?: string;
  /** TestFailoverJobDetails.comments: the cleanup notes, which say who cleaned up and why when anyone does. */
  comments?: string;
}

/** What stops a test failover of one item, each fact as the vault reported it. */
export interface ItemReadiness {
  /** components/asr/itemState.ts: idle | testFailoverRunning | waitingForCleanup | cleanupRunning | blocked. */
  phase: "idle" | "testFailoverRunning" | "waitingForCleanup" | "cleanupRunning" | "blocked";
  allowedOperations: string[];
  testFailoverState?: string;
  /** The running job (or, waiting for cleanup, the test failover that left the item there), when listed. */
  job?: ItemJobFact;
  /** Health errors of level Error or Critical. */
  criticalHealthErrors: HealthErrorFact[];
  /** failover-drill:scope.allowUnhealthy lists the item: its health errors are accepted. */
  allowUnhealthy: boolean;
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

/** ASR's 202 on testFailover says Retry-After: 30; its job GETs say nothing, so this is the wait between polls. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 30;
/**
 * Test VMs whose in-guest checks run at once, per test failover (issue 19 asks for at least 10). Run Command
 * is in Compute's "Update VM" throttling policy: per subscription and region a bucket of 1,500 requests
 * refilled at 500 a minute, per VM 12 refilled at 4 (Microsoft Learn, "Compute throttling limits",
 * MicrosoftDocs/azure-compute-docs articles/virtual-machines/compute-throttling-limits.md). A check takes
 * at least ~30 s, so 25 at once is ≤ 50 POSTs a minute per test failover; 10 plans at once reach at most the
 * refill rate, and a 1,000-VM drill's 1,000 Run Commands fit in the bucket. Its status polls fall under
 * "Get Operation" (5,000 a minute).
 */
export const DEFAULT_IN_GUEST_CONCURRENCY = 25;

export interface DrillTimeouts {
  testFailoverMinutes: number;
  cleanupMinutes: number;
  /**
   * The provider's own wait between job polls where the service sends no Retry-After (ASR sends none on
   * job GETs; its 202 says 30 s). Default 30. Optional so a resource recorded before it existed still loads.
   */
  pollIntervalSeconds?: number;
  /** Test VMs whose in-guest checks (Run Command) run at the same time, at most. Default 10. */
  inGuestConcurrency?: number;
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
  /**
   * The key-encryption-key certificate (PFX, base 64) for items replicated with data encryption, sent as
   * primaryKekCertificatePfx for exactly those items. A Pulumi secret; never part of the outputs.
   */
  kekCertificatePfx?: string;
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
  /**
   * When the last check of this VM passed (its in-guest checks), in the service's clock like the other
   * times. The drill report ends RTO here; until the provider records it, the report ends at runningAt
   * and says so under deviations.
   */
  verifiedAt?: string;
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
