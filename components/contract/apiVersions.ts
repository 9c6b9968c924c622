// The REST api-versions the drill speaks, in one place: the ASR client, the scripts' read-only checks and
// the janitor use these, so a version bump is one edit.
export const API_VERSIONS = {
  /** Microsoft.RecoveryServices replication* (Site Recovery). */
  asr: "2025-08-01",
  /** Microsoft.Compute virtualMachines (and Run Command). */
  compute: "2024-07-01",
  /** Microsoft.Compute disks. */
  disks: "2024-03-02",
  /** Microsoft.Network. */
  network: "2024-05-01",
} as const;
