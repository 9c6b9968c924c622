// GET /subscriptions/{s}/providers/Microsoft.Compute/locations/{location}/usages (Usage_List): the
// subscription's compute quota in a region. Shape as in the Compute spec example (value[] of
// {unit: "Count", currentValue, limit, name: {value, localizedValue}}); names as `az vm list-usage`
// shows them: "cores" = "Total Regional vCPUs", "virtualMachines" = "Virtual Machines", one
// "<family>" per VM family. currentValue counts the twin's own VMs in that location (the test VMs
// included), so a drill that ran shows up in the next one's usage. Limits come from the fixture's
// `computeQuota` (a knob for a tight quota); the defaults are the example figures of Microsoft's quota
// page (260 regional vCPUs, 100 per family) — chosen.
import type { Twin } from "../twin";
import type { ComputeQuota } from "../fixtures/types";
import { findVmSize } from "./vmSizes";
import { knownFamilies, vmFamilyOf } from "./vmFamilies";

export type { ComputeQuota };

export const DEFAULT_REGIONAL_VCPUS = 260;
export const DEFAULT_FAMILY_VCPUS = 100;
export const DEFAULT_VIRTUAL_MACHINES = 25000;

export function computeUsages(twin: Twin, subscriptionId: string, location: string): { value: unknown[] } {
  const quota: ComputeQuota = (twin.state.settings as { computeQuota?: ComputeQuota }).computeQuota ?? {};
  const sub = `/subscriptions/${subscriptionId}/`.toLowerCase();
  const loc = location.toLowerCase();
  const vms = twin
    .ofType("Microsoft.Compute/virtualMachines")
    .filter(
      (vm) =>
        vm.id.toLowerCase().startsWith(sub) && (vm.location ?? "").toLowerCase() === loc && vm.properties?.provisioningState !== "Deleting",
    );
  const byFamily = new Map<string, number>();
  let cores = 0;
  for (const vm of vms) {
    const size = vm.properties?.hardwareProfile?.vmSize;
    const cpus = findVmSize(size)?.cores ?? 0;
    cores += cpus;
    const fam = vmFamilyOf(String(size))?.family;
    if (fam) byFamily.set(fam, (byFamily.get(fam) ?? 0) + cpus);
  }
  const usage = (value: string, localizedValue: string, currentValue: number, limit: number) => ({
    unit: "Count",
    currentValue,
    limit,
    name: { value, localizedValue },
  });
  const families = Object.fromEntries(Object.entries(quota.families ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    value: [
      usage("cores", "Total Regional vCPUs", cores, quota.regionalVCpus ?? DEFAULT_REGIONAL_VCPUS),
      usage("virtualMachines", "Virtual Machines", vms.length, quota.virtualMachines ?? DEFAULT_VIRTUAL_MACHINES),
      ...knownFamilies().map((f) =>
        usage(f.family, f.localizedName, byFamily.get(f.family) ?? 0, families[f.family.toLowerCase()] ?? DEFAULT_FAMILY_VCPUS),
      ),
    ],
  };
}
