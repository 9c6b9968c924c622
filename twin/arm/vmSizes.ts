// The VM size catalogue (common sizes): cores, memory, data disks and max NICs. Served by
// Microsoft.Compute (vmSizes, skus) and by ASR as targetComputeSizes (maxNicsCount). The NIC
// limit decides "NIC count on the target = min(source NICs, max NICs of the target size)".

import { vmFamilyOf } from "./vmFamilies";

export interface VmSize {
  name: string;
  cores: number;
  memoryMB: number;
  maxDataDisks: number;
  maxNics: number;
  premiumIO: boolean;
}

const S = (name: string, cores: number, memoryMB: number, maxDataDisks: number, maxNics: number, premiumIO = false): VmSize => ({
  name,
  cores,
  memoryMB,
  maxDataDisks,
  maxNics,
  premiumIO,
});

export const VM_SIZES: VmSize[] = [
  S("Basic_A0", 1, 768, 1, 1),
  S("Basic_A1", 1, 1792, 2, 1),
  S("Standard_A0", 1, 768, 1, 1),
  S("Standard_A1", 1, 1792, 2, 1),
  S("Standard_A2", 2, 3584, 4, 2),
  S("Standard_A1_v2", 1, 2048, 2, 2),
  S("Standard_A2_v2", 2, 4096, 4, 2),
  S("Standard_A4_v2", 4, 8192, 8, 4),
  S("Standard_A8_v2", 8, 16384, 16, 8),
  S("Standard_B1s", 1, 1024, 2, 2, true),
  S("Standard_B1ms", 1, 2048, 2, 2, true),
  S("Standard_B2s", 2, 4096, 4, 3, true),
  S("Standard_B2ms", 2, 8192, 4, 3, true),
  S("Standard_B4ms", 4, 16384, 8, 4, true),
  S("Standard_DS1_v2", 1, 3584, 4, 2, true),
  S("Standard_DS2_v2", 2, 7168, 8, 2, true),
  S("Standard_DS3_v2", 4, 14336, 16, 4, true),
  S("Standard_D2_v3", 2, 8192, 4, 2),
  S("Standard_D4_v3", 4, 16384, 8, 2),
  S("Standard_D2s_v3", 2, 8192, 4, 2, true),
  S("Standard_D4s_v3", 4, 16384, 8, 2, true),
  S("Standard_D8s_v3", 8, 32768, 16, 4, true),
  S("Standard_D16s_v3", 16, 65536, 32, 8, true),
  S("Standard_D2s_v5", 2, 8192, 4, 2, true),
  S("Standard_D4s_v5", 4, 16384, 8, 2, true),
  S("Standard_D8s_v5", 8, 32768, 16, 4, true),
  S("Standard_E2s_v3", 2, 16384, 4, 2, true),
  S("Standard_E4s_v3", 4, 32768, 8, 2, true),
  S("Standard_E8s_v3", 8, 65536, 16, 4, true),
  S("Standard_F2s_v2", 2, 4096, 4, 2, true),
  S("Standard_F4s_v2", 4, 8192, 8, 2, true),
  S("Standard_F8s_v2", 8, 16384, 16, 4, true),
];

const BY_NAME = new Map(VM_SIZES.map((s) => [s.name.toLowerCase(), s]));

export function findVmSize(name: unknown): VmSize | undefined {
  return typeof name === "string" ? BY_NAME.get(name.toLowerCase()) : undefined;
}

/** GET /subscriptions/{s}/providers/Microsoft.Compute/locations/{loc}/vmSizes item. */
export function vmSizeBody(s: VmSize) {
  return {
    name: s.name,
    numberOfCores: s.cores,
    osDiskSizeInMB: 1047552,
    resourceDiskSizeInMB: s.cores * 8192,
    memoryInMB: s.memoryMB,
    maxDataDiskCount: s.maxDataDisks,
  };
}

/** GET /subscriptions/{s}/providers/Microsoft.Compute/skus item (capabilities carry MaxNetworkInterfaces). */
export function skuBody(s: VmSize, location: string) {
  return {
    resourceType: "virtualMachines",
    name: s.name,
    tier: s.name.split("_")[0],
    size: s.name.split("_").slice(1).join("_"),
    family: vmFamilyOf(s.name)?.family,
    locations: [location],
    capabilities: [
      { name: "vCPUs", value: String(s.cores) },
      { name: "MemoryGB", value: String(s.memoryMB / 1024) },
      { name: "MaxDataDiskCount", value: String(s.maxDataDisks) },
      { name: "MaxNetworkInterfaces", value: String(s.maxNics) },
      { name: "PremiumIO", value: s.premiumIO ? "True" : "False" },
    ],
    restrictions: [],
  };
}
