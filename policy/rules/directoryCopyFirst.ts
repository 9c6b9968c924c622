// Microsoft: test-fail-over the DC/DNS VM first, then the applications; clean up the DC last. Pulumi
// orders both from one fact: the application TestFailover depends on the directory copy's TestFailover
// (create after it, delete before it). Dependencies are only visible to stack policies.
import { StackValidationPolicy } from "@pulumi/policy";
import { list, violation } from "../lib/messages";
import { testFailoversByRole } from "../lib/directoryCopy";
import { dependsOn } from "../lib/network";
import { PreviewReader } from "../lib/unknowns";

export const directoryCopyFirst: StackValidationPolicy = {
  name: "directory-copy-first",
  description:
    "Every application TestFailover depends on the directory copy's TestFailover, so the DC/DNS copy fails over first and is cleaned up last.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const reader = new PreviewReader();
    const { directoryCopies, applications } = testFailoversByRole(reader, args.resources);
    for (const app of applications) {
      const missing = directoryCopies.filter((dc) => !dependsOn(app, dc));
      if (missing.length === 0) continue;
      reportViolation(
        violation(
          `"${app.name}"`,
          `the application test failover does not depend on the directory copy ${list(missing.map((m) => m.name))}, so it may start before AD/DNS is up and the DC may be cleaned up before it`,
          "create the application TestFailover with dependsOn: [the directory copy's TestFailover] (components/directoryServicesCopy.ts output)",
        ),
        app.urn,
      );
    }
    reader.finish();
  },
};
