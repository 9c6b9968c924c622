// Seed rule: "If the replication storage account is encrypted with Storage Service Encryption, managed
// disks can't be created during failover."
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
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            sseBlocksManagedDisks: {
                type: "boolean",
                default: true,
                description:
                    "false turns this check off (same as enforcementLevel disabled).",
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
                    `useManagedDisks is "true" but replication storage account ${quote(item.replicationStorageAccountId)} is encrypted with Storage Service Encryption, so the failover cannot create managed disks`,
                    `in ${PORTAL_COMPUTE_AND_NETWORK} set "Use managed disks" to No for this VM, or take it out of the drill's scope (failover-drill:scope)`,
                ),
            );
        });
    },
};
