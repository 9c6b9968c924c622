// Seed rule: "NIC count on the target = min(source NICs, max NICs of the target size). All NICs connect
// to the same network; the first NIC listed is the primary." Extra NICs are silently dropped, so the
// message names the ones that will be missing in the test VM.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { PORTAL_COMPUTE_AND_NETWORK, list, quote, violation, where } from "../lib/messages";
import { isTestFailover, forEachItem, nicIndexesInAttachOrder, nicName } from "../lib/testFailover";
import { asArray } from "../lib/unknowns";

export const nicCountFitsTargetSize: ResourceValidationPolicy = {
  name: "nic-count-fits-target-size",
  description: "A replicated VM has more network adapters than its recovery VM size allows; the extra NICs are not created at failover.",
  enforcementLevel: "advisory",
  validateResource: (args, reportViolation) => {
    if (!isTestFailover(args.type, args.props)) return;
    forEachItem(args.props, (item, name) => {
      const max = item.targetSizeMaxNics;
      if (typeof max !== "number" || !Number.isFinite(max)) return; // size limits unknown
      const nics = asArray(item.nics);
      if (nics.length <= max) return;
      const dropped = nicIndexesInAttachOrder(nics)
        .slice(Math.max(0, max))
        .map((i) => nicName(nics[i], i));
      reportViolation(
        violation(
          where(args.name, name),
          `${nics.length} source NICs but recovery size ${quote(item.recoveryVmSize)} allows ${max}; the test VM will not get NIC(s) ${list(dropped)}`,
          `in ${PORTAL_COMPUTE_AND_NETWORK} choose a size that allows ${nics.length} NICs, or accept the dropped NICs (expected nicCount ${max} in failover-drill:expected)`,
        ),
      );
    });
  },
};
