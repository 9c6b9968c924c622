// ASR allows one test failover per item at a time. An item already in a test failover (running, or
// waiting for its cleanup) or in a cleanup, started outside this drill, must be left alone: the drill
// is refused at preview, naming the job so the owner can be found. This drill's own test failover (the
// same test network) is not reported: the provider adopts it.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { violation, where } from "../lib/messages";
import { describeJob, readinessOf } from "../lib/readiness";
import { forEachItem, isTestFailover } from "../lib/testFailover";

const WHAT: Record<string, string> = {
  testFailoverRunning: "is in a test failover that is still running",
  waitingForCleanup: "is in a test failover that waits for its cleanup",
  cleanupRunning: "is in a test failover cleanup that is still running",
};

export const itemNotInTestFailover: ResourceValidationPolicy = {
  name: "item-not-in-test-failover",
  description: "No protected item of the drill is already in a test failover or its cleanup started outside this drill.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!isTestFailover(args.type, args.props)) return;
    forEachItem(args.props, (item, name) => {
      const r = readinessOf(item);
      const what = r ? WHAT[String(r.phase)] : undefined;
      if (!r || !what) return;
      const fix =
        r.phase === "waitingForCleanup"
          ? `whoever started it runs "Cleanup test failover" on ${name} (or \`pulumi destroy\` of their drill); then run the drill again`
          : "wait for that job to finish, then run the drill again";
      reportViolation(violation(where(args.name, name), `${what}: ${describeJob(r.job)}; this drill leaves it alone`, fix));
    });
  },
};
