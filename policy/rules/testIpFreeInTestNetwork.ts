// Failure predictor: "An address that is not available makes a failover fail" (seed rule). When the test
// network already exists (a kept drill, an existing network, a stray VM), a test IP the drill pins may
// already be assigned to a NIC in the test subnet; the facts read at preview list those addresses.
import { StackValidationPolicy } from "@pulumi/policy";
import { violation } from "../lib/messages";
import { testSubnetsOf } from "../lib/testFailover";
import { describeClaim, fixFor, ipClaimsOf } from "../lib/testIps";
import { pendingTestFailovers, recoveryRegionFacts } from "../lib/recoveryRegion";
import { PreviewReader } from "../lib/unknowns";

export const testIpFreeInTestNetwork: StackValidationPolicy = {
  name: "test-ip-free-in-test-network",
  description: "No test IP the drill pins is already assigned to a NIC in the test subnet it lands in.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const reader = new PreviewReader();
    const read = reader.read.bind(reader);
    const facts = recoveryRegionFacts(reader, args.resources);
    if (!facts) return reader.finish();
    for (const tf of pendingTestFailovers(reader, args.resources)) {
      const subnets = read(() => testSubnetsOf(tf.props));
      for (const claim of ipClaimsOf(tf.props, subnets, read)) {
        const taken = facts.ipsInUse.find(
          (u) => u.ip === claim.ip && (!claim.subnet || u.subnet.toLowerCase() === claim.subnet.name.toLowerCase()),
        );
        if (!taken) continue;
        reportViolation(
          violation(
            `"${tf.name}", ${describeClaim(claim)}`,
            `test IP ${claim.ip} is already assigned in test subnet "${taken.subnet}" to NIC ${taken.nicId}${taken.vmId ? ` (VM ${taken.vmId})` : ""}; ASR would give the test VM another address or fail`,
            `remove the stray NIC/VM or clean up the kept drill first, or ${fixFor(claim)}`,
          ),
          tf.urn,
        );
      }
    }
    reader.finish();
  },
};
