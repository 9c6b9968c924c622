// Max NICs per Azure VM size, for the common sizes ASR recovers Hyper-V VMs to. azure-native 3.28.0 has
// no invoke for ASR's targetComputeSizes (maxNicsCount), so the drill carries this documented static
// table (values from the Azure VM size pages: "Max NICs"). An unknown size gives undefined, and the
// NIC-count checks then rely on the TestFailover resource's own verification against the service.
// NIC count on the target = min(source NICs, max NICs of the target size) — seed rule.

const MAX_NICS: Record<string, number> = {
  // Av2
  standard_a1_v2: 2,
  standard_a2_v2: 2,
  standard_a4_v2: 4,
  standard_a8_v2: 8,
  standard_a2m_v2: 2,
  standard_a4m_v2: 4,
  standard_a8m_v2: 8,
  // B-series (burstable)
  standard_b1ls: 2,
  standard_b1s: 2,
  standard_b1ms: 2,
  standard_b2s: 3,
  standard_b2ms: 3,
  standard_b4ms: 4,
  standard_b8ms: 4,
  standard_b12ms: 6,
  standard_b16ms: 8,
  standard_b20ms: 8,
  // Dv2 / DSv2
  standard_d1_v2: 2,
  standard_d2_v2: 2,
  standard_d3_v2: 4,
  standard_d4_v2: 8,
  standard_d5_v2: 8,
  standard_ds1_v2: 2,
  standard_ds2_v2: 2,
  standard_ds3_v2: 4,
  standard_ds4_v2: 8,
  standard_ds5_v2: 8,
  // Dv3 / Dsv3
  standard_d2_v3: 2,
  standard_d4_v3: 2,
  standard_d8_v3: 4,
  standard_d16_v3: 8,
  standard_d32_v3: 8,
  standard_d48_v3: 8,
  standard_d64_v3: 8,
  standard_d2s_v3: 2,
  standard_d4s_v3: 2,
  standard_d8s_v3: 4,
  standard_d16s_v3: 8,
  standard_d32s_v3: 8,
  standard_d48s_v3: 8,
  standard_d64s_v3: 8,
  // Dv4 / Dsv4 / Dv5 / Dsv5
  standard_d2_v4: 2,
  standard_d4_v4: 2,
  standard_d8_v4: 4,
  standard_d16_v4: 8,
  standard_d32_v4: 8,
  standard_d2s_v4: 2,
  standard_d4s_v4: 2,
  standard_d8s_v4: 4,
  standard_d16s_v4: 8,
  standard_d32s_v4: 8,
  standard_d2_v5: 2,
  standard_d4_v5: 2,
  standard_d8_v5: 4,
  standard_d16_v5: 8,
  standard_d32_v5: 8,
  standard_d2s_v5: 2,
  standard_d4s_v5: 2,
  standard_d8s_v5: 4,
  standard_d16s_v5: 8,
  standard_d32s_v5: 8,
  // Ev3 / Esv3 / Esv5
  standard_e2_v3: 2,
  standard_e4_v3: 2,
  standard_e8_v3: 4,
  standard_e16_v3: 8,
  standard_e32_v3: 8,
  standard_e2s_v3: 2,
  standard_e4s_v3: 2,
  standard_e8s_v3: 4,
  standard_e16s_v3: 8,
  standard_e32s_v3: 8,
  standard_e2s_v5: 2,
  standard_e4s_v5: 2,
  standard_e8s_v5: 4,
  standard_e16s_v5: 8,
  standard_e32s_v5: 8,
  // Fsv2
  standard_f2s_v2: 2,
  standard_f4s_v2: 2,
  standard_f8s_v2: 4,
  standard_f16s_v2: 4,
  standard_f32s_v2: 8,
};

/** Max NICs of a VM size (case-insensitive), or undefined when the size is not in the table. */
export function maxNicsForSize(size: string | undefined): number | undefined {
  if (!size) return undefined;
  return MAX_NICS[size.toLowerCase()];
}

/** NICs the test VM will get: min(source NICs, the size's max); the source count when the max is unknown. */
export function expectedNicCount(sourceNics: number, maxNics: number | undefined): number {
  return maxNics === undefined ? sourceNics : Math.min(sourceNics, maxNics);
}

export function knownSizes(): string[] {
  return Object.keys(MAX_NICS);
}
