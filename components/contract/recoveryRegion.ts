// The facts of the recovery region the program reads at preview (components/recoveryRegionFacts.ts) and
// the policy pack's failure predictor judges: plain JSON, the registered outputs of one component.
export const RECOVERY_REGION_FACTS_TYPE = "failover-drill:drill:RecoveryRegionFacts";

export interface UsageFact {
  /** name.value: "cores" (Total Regional vCPUs), "virtualMachines", or a family such as "standardDSv3Family". */
  name: string;
  localizedName: string;
  currentValue: number;
  limit: number;
}

export interface VmSizeFact {
  name: string;
  family?: string;
  vCpus?: number;
}

export interface ExistingVmFact {
  id: string;
  name: string;
  resourceGroup: string;
}

export interface IpInUseFact {
  ip: string;
  subnet: string;
  /** The NIC holding it, and its VM when attached. */
  nicId: string;
  vmId?: string;
}

/** Plain JSON: the policy pack reads it as the component's outputs. */
export interface RecoveryRegionFactsData {
  subscriptionId: string;
  location: string;
  usages: UsageFact[];
  sizes: VmSizeFact[];
  existingVms: ExistingVmFact[];
  ipsInUse: IpInUseFact[];
}
