// What the recovery region holds that decides whether the drill's test failovers can succeed, read at
// preview (GETs only) so the policy pack can predict the failures ASR would hit:
//  - compute quota: Microsoft.Compute/locations/{location}/usages (Usage_List) and the target sizes' vCPU
//    family and count from Microsoft.Compute/skus (Resource SKUs: `family`, capability `vCPUs`);
//  - VMs already in each item's recovery resource group (a VM named like a test VM-to-be);
//  - private IPs already assigned in the test network's subnets (a kept drill, a stray VM).
// @pulumi/azure-native 3.28.0 has no invoke for compute usages, resource SKUs or "list VMs in a resource
// group", so these are read through the drill's own read-only ARM client (components/asr/armClient.ts:
// the allowlist passes GETs only). The facts travel to the policy pack as the registered outputs of a
// component resource (recoveryRegionFactsResource.ts). Pure (no Pulumi import): the policy pack reads
// these types.
import type { ExistingVmFact, IpInUseFact, RecoveryRegionFactsData, VmSizeFact } from "./contract";
export { RECOVERY_REGION_FACTS_TYPE } from "./contract";
export type { ExistingVmFact, IpInUseFact, RecoveryRegionFactsData, UsageFact, VmSizeFact } from "./contract";
export const COMPUTE_API_VERSION = "2024-07-01";
export const SKUS_API_VERSION = "2021-07-01";
export const NETWORK_API_VERSION = "2024-05-01";

/** The reads needed (ArmClient fits; tests pass a fake). Errors carry `statusCode`. */
export interface ArmReader {
  listAll<T = unknown>(path: string, query?: Record<string, string | undefined>): Promise<T[]>;
  tryGet<T = unknown>(path: string, query?: Record<string, string | undefined>): Promise<T | undefined>;
}

export interface RecoveryRegionQuery {
  subscriptionId: string;
  location: string;
  /** The drill's target sizes (recoveryAzureVMSize of every item). */
  sizes: string[];
  /** Resource group names the test VMs land in. */
  recoveryResourceGroups: string[];
  /** The test VNet's id and the names of its test subnets. */
  testVnetId: string;
  testSubnets: string[];
}

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- ARM list/GET bodies of several resource types; each fact reads its few fields by name

async function listOrEmpty<T>(arm: ArmReader, path: string, query: Record<string, string>): Promise<T[]> {
  try {
    return await arm.listAll<T>(path, query);
  } catch (e) {
    // A recovery resource group that does not exist yet holds no VM.
    if ((e as { statusCode?: number }).statusCode === 404) return [];
    throw e;
  }
}

export async function readRecoveryRegionFacts(arm: ArmReader, q: RecoveryRegionQuery): Promise<RecoveryRegionFactsData> {
  const sub = `/subscriptions/${q.subscriptionId}`;
  const [usages, skus] = await Promise.all([
    arm.listAll<Json>(`${sub}/providers/Microsoft.Compute/locations/${q.location}/usages`, { "api-version": COMPUTE_API_VERSION }),
    arm.listAll<Json>(`${sub}/providers/Microsoft.Compute/skus`, {
      "api-version": SKUS_API_VERSION,
      $filter: `location eq '${q.location}'`,
    }),
  ]);
  const wanted = new Set(q.sizes.map((s) => s.toLowerCase()));
  const sizes: VmSizeFact[] = [];
  for (const s of skus) {
    if (s?.resourceType !== "virtualMachines" || typeof s.name !== "string" || !wanted.has(s.name.toLowerCase())) continue;
    if (sizes.some((x) => x.name.toLowerCase() === s.name.toLowerCase())) continue;
    const vCpus = Number((s.capabilities ?? []).find((c: Json) => c?.name === "vCPUs")?.value);
    sizes.push({
      name: s.name,
      ...(typeof s.family === "string" ? { family: s.family } : {}),
      ...(Number.isFinite(vCpus) ? { vCpus } : {}),
    });
  }

  const existingVms: ExistingVmFact[] = [];
  for (const rg of [...new Set(q.recoveryResourceGroups.map((r) => r.toLowerCase()))]) {
    const vms = await listOrEmpty<Json>(arm, `${sub}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines`, {
      "api-version": COMPUTE_API_VERSION,
    });
    for (const vm of vms) if (typeof vm?.name === "string") existingVms.push({ id: String(vm.id), name: vm.name, resourceGroup: rg });
  }

  // The test VNet exists only for a kept drill or an existing network: its subnets list the ip
  // configurations in them; the NICs behind those hold the addresses.
  const ipsInUse: IpInUseFact[] = [];
  const vnet = await arm.tryGet<Json>(q.testVnetId, { "api-version": NETWORK_API_VERSION });
  const subnetNames = new Set(q.testSubnets.map((s) => s.toLowerCase()));
  const nicIds = new Set<string>();
  for (const s of vnet?.properties?.subnets ?? []) {
    if (!subnetNames.has(String(s?.name).toLowerCase())) continue;
    for (const c of s.properties?.ipConfigurations ?? []) {
      const m = /^(.*\/providers\/Microsoft\.Network\/networkInterfaces\/[^/]+)\/ipConfigurations\/[^/]+$/i.exec(String(c?.id));
      if (m) nicIds.add(m[1]);
    }
  }
  for (const nicId of nicIds) {
    const nic = await arm.tryGet<Json>(nicId, { "api-version": NETWORK_API_VERSION });
    for (const c of nic?.properties?.ipConfigurations ?? []) {
      const subnetId = String(c?.properties?.subnet?.id ?? "");
      const subnet = subnetId.split("/").pop() ?? "";
      const ip = c?.properties?.privateIPAddress;
      if (
        typeof ip === "string" &&
        subnetId.toLowerCase().startsWith(`${q.testVnetId.toLowerCase()}/subnets/`) &&
        subnetNames.has(subnet.toLowerCase())
      ) {
        ipsInUse.push({
          ip,
          subnet,
          nicId: String(nic.id ?? nicId),
          ...(nic.properties?.virtualMachine?.id ? { vmId: nic.properties.virtualMachine.id } : {}),
        });
      }
    }
  }

  return {
    subscriptionId: q.subscriptionId,
    location: q.location,
    usages: usages
      .filter((u) => typeof u?.name?.value === "string")
      .map((u) => ({
        name: u.name.value,
        localizedName: String(u.name.localizedValue ?? u.name.value),
        currentValue: Number(u.currentValue),
        limit: Number(u.limit),
      })),
    sizes,
    existingVms,
    ipsInUse,
  };
}
