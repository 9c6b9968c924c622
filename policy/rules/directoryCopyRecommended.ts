// The advisory half of dns-points-to-directory-copy (one policy has one enforcement level): a drill of
// application VMs without a directory copy runs, but it is not a full test.
import { StackValidationPolicy } from "@pulumi/policy";
import { violation } from "../lib/messages";
import { testFailoversByRole } from "../lib/directoryCopy";
import { PreviewReader } from "../lib/unknowns";

export const directoryCopyRecommended: StackValidationPolicy = {
  name: "directory-copy-recommended",
  description:
    "A full test needs a copy of Active Directory and DNS: the drill should test-fail-over the DC/DNS VM first into the isolated network.",
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    const reader = new PreviewReader();
    const { directoryCopies, applications } = testFailoversByRole(reader, args.resources);
    if (directoryCopies.length === 0 && applications.length > 0) {
      for (const app of applications) {
        reportViolation(
          violation(
            `"${app.name}"`,
            "the drill declares no directory copy: a full test needs a copy of Active Directory and DNS in the test network",
            "configure failover-drill:directoryCopy (items with testIp, subnet) with the replicated DC/DNS VM, so it fails over first and the test network's DNS points to it",
          ),
          app.urn,
        );
      }
    }
    reader.finish();
  },
};
