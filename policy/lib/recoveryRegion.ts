// Reading the failure predictor's facts (components/recoveryRegionFacts.ts) in a stack policy, and the
// test failovers they apply to. A TestFailover that already ran (it recorded jobs or test VMs) is left out:
// its own test VMs are in those facts and would collide with themselves.
import { PolicyResource } from "@pulumi/policy";
import { RECOVERY_REGION_FACTS_TYPE, type RecoveryRegionFactsData } from "failover-drill-contract";
import { isTestFailover } from "./testFailover";
import { asArray, PreviewReader } from "./unknowns";

export type { RecoveryRegionFactsData };

/** The facts, when the program published them and they are known (they are plain reads, known in preview). */
export function recoveryRegionFacts(reader: PreviewReader, resources: PolicyResource[]): RecoveryRegionFactsData | undefined {
  const r = resources.find((x) => x.type === RECOVERY_REGION_FACTS_TYPE);
  if (!r) return undefined;
  return reader.read(() => {
    const p = r.props;
    return {
      subscriptionId: String(p.subscriptionId),
      location: String(p.location),
      usages: asArray(p.usages).map((u) => ({
        name: String(u.name),
        localizedName: String(u.localizedName),
        currentValue: Number(u.currentValue),
        limit: Number(u.limit),
      })),
      sizes: asArray(p.sizes).map((s) => ({
        name: String(s.name),
        family: typeof s.family === "string" ? s.family : undefined,
        vCpus: typeof s.vCpus === "number" ? s.vCpus : undefined,
      })),
      existingVms: asArray(p.existingVms).map((v) => ({ id: String(v.id), name: String(v.name), resourceGroup: String(v.resourceGroup) })),
      ipsInUse: asArray(p.ipsInUse).map((i) => ({
        ip: String(i.ip),
        subnet: String(i.subnet),
        nicId: String(i.nicId),
        vmId: typeof i.vmId === "string" ? i.vmId : undefined,
      })),
    };
  });
}

/** The drill's TestFailovers that have not run yet (no job, no test VM recorded). */
export function pendingTestFailovers(reader: PreviewReader, resources: PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => {
    if (!isTestFailover(r.type, r.props)) return false;
    const ran = reader.peek(() => asArray(r.props.jobIds).length > 0 || asArray(r.props.testVms).length > 0);
    return !(ran.known && ran.value);
  });
}

/** ASR names the test VM "<recovery VM name>-test" (the allowlist's Run Command rule relies on the same). */
export function testVmName(recoveryVmName: string): string {
  return `${recoveryVmName}-test`;
}

/** The resource group name in a resource group id (recoveryAzureResourceGroupId). */
export function resourceGroupName(id: string | undefined): string | undefined {
  return id ? /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] : undefined;
}
