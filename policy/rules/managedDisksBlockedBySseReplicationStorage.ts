// Seed rule: "If the replication storage account is encrypted with Storage Service Encryption, managed
// disks can't be created during failover." A seed-era restriction: encryption at rest has been on for
// every storage account since 2017 and cannot be turned off, and today's Hyper-V-to-Azure support matrix
// lists SSE as supported, so as a default-mandatory rule it would block every managed-disk drill on a
// real subscription. Advisory by default; policy/config/legacy-sse.json makes it mandatory again for a
// vault that still shows the old behaviour (as the twin's FILE01 does).
import { ResourceValidationPolicy } from "@pulumi/policy";
import { PORTAL_COMPUTE_AND_NETWORK, quote, violation, where } from "../lib/messages";
import { isManagedDisks, isTestFailover, forEachItem } from "../lib/testFailover";

export interface ManagedDisksBlockedBySseConfig {
  /**
   * Set to false to turn the check off (for a service version that creates managed disks from an
   * SSE-encrypted replication account). `"enforcementLevel": "disabled"` does the same.
   */
  sseBlocksManagedDisks?: boolean;
}

export const managedDisksBlockedBySseReplicationStorage: ResourceValidationPolicy = {
  name: "managed-disks-blocked-by-sse-replication-storage",
  description:
    "Managed disks cannot be created during failover when the replication storage account is encrypted with Storage Service Encryption (SSE).",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      sseBlocksManagedDisks: {
        type: "boolean",
        default: true,
        description: "false turns this check off (same as enforcementLevel disabled).",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!isTestFailover(args.type, args.props)) return;
    const config = args.getConfig<ManagedDisksBlockedBySseConfig>();
    if (config.sseBlocksManagedDisks === false) return;
    forEachItem(args.props, (item, name) => {
      if (!isManagedDisks(item) || item.replicationStorageSseEnabled !== true) return;
      reportViolation(
        violation(
          where(args.name, name),
          `useManagedDisks is "true" and replication storage account ${quote(item.replicationStorageAccountId)} is encrypted with Storage Service Encryption. ` +
            "Older Site Recovery releases could not create managed disks from SSE-encrypted replication storage (the seed's rule, from before SSE was always on for every storage account); " +
            'where that still applies, the test failover job fails at its "Creating test virtual machine" task and nothing is left to clean up but the job',
          `in ${PORTAL_COMPUTE_AND_NETWORK} set "Use managed disks" to No for this VM, or take it out of the drill's scope (failover-drill:scope)`,
        ),
      );
    });
  },
};
