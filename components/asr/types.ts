// The slices of ARM / Site Recovery payloads the drill reads. Loose on purpose: the service returns
// plain strings for states (reference/asr-api.md §6 — no enums), and fields may be null.

export interface HealthError {
  errorCode?: string | null;
  errorMessage?: string | null;
  summaryMessage?: string | null;
  errorLevel?: string | null;
  errorCategory?: string | null;
  recommendedAction?: string | null;
}

export interface CurrentScenario {
  scenarioName?: string | null;
  jobId?: string | null;
  startTime?: string | null;
}

export interface IpConfigDetails {
  name?: string | null;
  isPrimary?: boolean | null;
  recoverySubnetName?: string | null;
  recoveryStaticIPAddress?: string | null;
  tfoSubnetName?: string | null;
  tfoStaticIPAddress?: string | null;
}

export interface VmNicDetails {
  nicId?: string | null;
  vMNetworkName?: string | null;
  recoveryVMNetworkId?: string | null;
  tfoVMNetworkId?: string | null;
  selectionType?: string | null;
  ipConfigs?: IpConfigDetails[] | null;
}

export interface HyperVReplicaAzureDetails {
  instanceType?: string;
  recoveryAzureVmName?: string | null;
  recoveryAzureVMSize?: string | null;
  recoveryAzureResourceGroupId?: string | null;
  selectedRecoveryAzureNetworkId?: string | null;
  useManagedDisks?: string | null;
  recoveryAvailabilitySetId?: string | null;
  vmNics?: VmNicDetails[] | null;
  /** Data encryption ("Disabled" as recorded; "Enabled" needs primaryKekCertificatePfx at failover). */
  encryption?: string | null;
}

export interface ProtectedItem {
  id: string;
  name: string;
  properties: {
    friendlyName?: string;
    protectionState?: string | null;
    testFailoverState?: string | null;
    testFailoverStateDescription?: string | null;
    allowedOperations?: string[] | null;
    replicationHealth?: string | null;
    failoverHealth?: string | null;
    healthErrors?: HealthError[] | null;
    currentScenario?: CurrentScenario | null;
    lastSuccessfulTestFailoverTime?: string | null;
    providerSpecificDetails?: HyperVReplicaAzureDetails | null;
  };
}

export interface RecoveryPlan {
  id: string;
  name: string;
  properties: {
    friendlyName?: string;
    allowedOperations?: string[] | null;
    currentScenario?: CurrentScenario | null;
    currentScenarioStatus?: string | null;
    currentScenarioStatusDescription?: string | null;
    groups?: { groupType: string; replicationProtectedItems?: { id?: string | null; virtualMachineId?: string | null }[] | null }[] | null;
  };
}

export interface JobErrorDetails {
  serviceErrorDetails?: {
    code?: string | null;
    message?: string | null;
    possibleCauses?: string | null;
    recommendedAction?: string | null;
  } | null;
  providerErrorDetails?: { errorCode?: number | null; errorMessage?: string | null; recommendedAction?: string | null } | null;
  errorLevel?: string | null;
  taskId?: string | null;
}

export interface AsrTask {
  taskId?: string | null;
  name?: string | null;
  friendlyName?: string | null;
  state?: string | null;
  stateDescription?: string | null;
  startTime?: string | null;
  endTime?: string | null;
  taskType?: string | null;
  customDetails?: {
    instanceType?: string;
    jobTask?: { jobId?: string; targetObjectId?: string; targetObjectName?: string } | null;
    [k: string]: unknown;
  } | null;
  groupTaskCustomDetails?: {
    instanceType?: string;
    childTasks?: AsrTask[] | null;
    name?: string;
    groupId?: string;
    rpGroupType?: string;
  } | null;
  errors?: JobErrorDetails[] | null;
}

export interface FailoverProtectedItemDetails {
  name?: string | null;
  friendlyName?: string | null;
  testVmName?: string | null;
  testVmFriendlyName?: string | null;
  networkFriendlyName?: string | null;
  subnet?: string | null;
  recoveryPointTime?: string | null;
}

export interface Job {
  id: string;
  name: string;
  properties: {
    scenarioName?: string | null;
    friendlyName?: string | null;
    state?: string | null;
    stateDescription?: string | null;
    tasks?: AsrTask[] | null;
    errors?: JobErrorDetails[] | null;
    startTime?: string | null;
    endTime?: string | null;
    targetObjectId?: string | null;
    targetObjectName?: string | null;
    targetInstanceType?: string | null;
    customDetails?: {
      instanceType?: string;
      testFailoverStatus?: string | null;
      comments?: string | null;
      networkName?: string | null;
      networkFriendlyName?: string | null;
      networkType?: string | null;
      protectedItemDetails?: FailoverProtectedItemDetails[] | null;
      affectedObjectDetails?: Record<string, string> | null;
    } | null;
  };
}

export interface VirtualMachine {
  id: string;
  name: string;
  location?: string;
  properties?: {
    hardwareProfile?: { vmSize?: string };
    networkProfile?: { networkInterfaces?: { id: string; properties?: { primary?: boolean } }[] };
    instanceView?: {
      statuses?: { code?: string; displayStatus?: string; time?: string }[];
      /** The Azure VM agent in the guest (VirtualMachineAgentInstanceView); Run Command needs it Ready. */
      vmAgent?: {
        vmAgentVersion?: string;
        statuses?: { code?: string; level?: string; displayStatus?: string; message?: string; time?: string }[];
      } | null;
    };
    provisioningState?: string;
  };
}

export interface NetworkInterface {
  id: string;
  name: string;
  properties?: {
    primary?: boolean;
    virtualMachine?: { id?: string } | null;
    ipConfigurations?: {
      name?: string;
      properties?: { privateIPAddress?: string; primary?: boolean; subnet?: { id?: string } };
    }[];
  };
}

export interface RunCommandResult {
  value?: { code?: string; level?: string; displayStatus?: string; message?: string }[];
}

/** RecoveryPoints_ListByReplicationProtectedItems (GET {RPI}/recoveryPoints). recoveryPointType is a
 *  plain string: "The recovery point type: ApplicationConsistent, CrashConsistent." (spec description;
 *  the spec example shows "CrashConsistent"). */
export interface RecoveryPoint {
  id: string;
  name: string;
  type?: string;
  properties?: { recoveryPointTime?: string | null; recoveryPointType?: string | null } | null;
}
