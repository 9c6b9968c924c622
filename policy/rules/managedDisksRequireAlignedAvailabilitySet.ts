// Seed rule: "A VM with managed disks must be in an availability set whose 'use managed disks' is Yes
// (an Aligned set); a VM without managed disks only in a non-managed (Classic) set." ASR does not check
// this when the settings are saved; the test failover job fails when it creates the VM.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { PORTAL_COMPUTE_AND_NETWORK, quote, violation, where } from "../lib/messages";
import { isManagedDisks, isTestFailover, forEachItem } from "../lib/testFailover";

export const managedDisksRequireAlignedAvailabilitySet: ResourceValidationPolicy = {
  name: "managed-disks-require-aligned-availability-set",
  description:
    "A replicated VM with managed disks must fail over into an Aligned availability set (use managed disks = Yes); one without managed disks only into a Classic set.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!isTestFailover(args.type, args.props)) return;
    forEachItem(args.props, (item, name) => {
      // No availability set: nothing to align.
      if (!item.recoveryAvailabilitySetId) return;
      const sku = item.availabilitySetSku;
      if (sku === undefined || sku === null || sku === "") return;
      const aligned = String(sku).toLowerCase() === "aligned";
      const managed = isManagedDisks(item);
      if (managed && !aligned) {
        reportViolation(
          violation(
            where(args.name, name),
            `useManagedDisks is "true" but recovery availability set ${quote(item.recoveryAvailabilitySetId)} has sku ${quote(sku)}; a VM with managed disks needs an Aligned set (use managed disks = Yes)`,
            `in ${PORTAL_COMPUTE_AND_NETWORK} pick an availability set whose "Use managed disks" is Yes, or set "Use managed disks" to No`,
          ),
        );
      } else if (!managed && aligned) {
        reportViolation(
          violation(
            where(args.name, name),
            `useManagedDisks is ${quote(item.useManagedDisks)} but recovery availability set ${quote(item.recoveryAvailabilitySetId)} is Aligned (managed); a VM without managed disks can only join a Classic set`,
            `in ${PORTAL_COMPUTE_AND_NETWORK} pick a Classic availability set, or set "Use managed disks" to Yes`,
          ),
        );
      }
    });
  },
};
