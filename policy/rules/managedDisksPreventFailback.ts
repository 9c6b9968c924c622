// Seed rule: "Managed disks are created only at failover. Failback to Hyper-V is not supported for VMs
// with managed disks: use them for migration-only."
//
// Levels: the CrossGuard SDK gives one enforcement level per policy (the CLI always sends the level it
// reconciled, so a policy cannot raise its own level at run time). This policy is advisory by default;
// a drill whose recovery plan needs failback sets both keys in its --policy-pack-config file, as in
// policy/config/failback-required.json:
//   { "managed-disks-prevent-failback": { "enforcementLevel": "mandatory", "failbackRequired": true } }
// `failbackRequired` changes the message from a reminder into a blocking explanation.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { list, PORTAL_COMPUTE_AND_NETWORK, violation, where } from "../lib/messages";
import { isManagedDisks, isTestFailover, forEachItem } from "../lib/testFailover";

export interface ManagedDisksPreventFailbackConfig {
  failbackRequired?: boolean;
}

export const managedDisksPreventFailback: ResourceValidationPolicy = {
  name: "managed-disks-prevent-failback",
  description:
    "Failback to Hyper-V is not supported for VMs with managed disks (migration-only). Advisory; make it mandatory with failbackRequired: true and enforcementLevel: mandatory.",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      failbackRequired: {
        type: "boolean",
        default: false,
        description: "true when the recovery plan must be able to fail back to Hyper-V; pair it with enforcementLevel: mandatory.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!isTestFailover(args.type, args.props)) return;
    const { failbackRequired } = args.getConfig<ManagedDisksPreventFailbackConfig>();
    // One finding per test failover naming its migration-only VMs: a 1,000-VM drill on managed disks
    // would otherwise repeat the same advisory 1,000 times (and cost the preview a second).
    const migrationOnly: string[] = [];
    try {
      forEachItem(args.props, (item, name) => {
        if (isManagedDisks(item)) migrationOnly.push(name);
      });
    } finally {
      // Reported even when an unknown value stopped some items in preview: what is known is true.
      if (migrationOnly.length > 0) reportViolation(migrationOnlyViolation(args.name, migrationOnly, failbackRequired === true));
    }
  },
};

function migrationOnlyViolation(resourceName: string, items: string[], failbackRequired: boolean): string {
  const location =
    items.length === 1
      ? where(resourceName, items[0])
      : // Every VM is named (an auditor needs the whole list); the drill report folds long lists.
        `${where(resourceName)}, items ${list(items)}`;
  const subject = items.length === 1 ? "this VM is" : `these ${items.length} VMs are`;
  const problem = failbackRequired
    ? 'useManagedDisks is "true" but failback to Hyper-V is required (policy config failbackRequired: true), and failback is not supported for VMs with managed disks'
    : `useManagedDisks is "true": failback to Hyper-V is not supported for VMs with managed disks, so ${subject} migration-only`;
  const fix = failbackRequired
    ? `in ${PORTAL_COMPUTE_AND_NETWORK} set "Use managed disks" to No`
    : `if a VM must fail back to on-premises, set "Use managed disks" to No in ${PORTAL_COMPUTE_AND_NETWORK}; otherwise accept migration-only`;
  return violation(location, problem, fix);
}
