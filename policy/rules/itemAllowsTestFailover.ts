// ASR refuses a test failover of an item whose allowedOperations lack "TestFailover" (not protected yet,
// failed over, being disabled...). The program reads allowedOperations at preview; this rule refuses
// the drill there instead of inside `pulumi up`, after the network and the DC copy exist.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { quote, violation, where } from "../lib/messages";
import { allowedOperationsOf, readinessOf } from "../lib/readiness";
import { forEachItem, isTestFailover } from "../lib/testFailover";

export const itemAllowsTestFailover: ResourceValidationPolicy = {
  name: "item-allows-test-failover",
  description: "Every protected item of the drill allows a test failover now (its allowedOperations hold TestFailover).",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!isTestFailover(args.type, args.props)) return;
    forEachItem(args.props, (item, name) => {
      const r = readinessOf(item);
      if (!r || r.phase !== "blocked") return;
      reportViolation(
        violation(
          where(args.name, name),
          `allowedOperations ${JSON.stringify(allowedOperationsOf(r))} does not hold TestFailover (protectionState ${quote(item.protectionState)}), so ASR would refuse the test failover`,
          "wait until the item is Protected and its replication is healthy, or take it out of the drill's scope (failover-drill:scope)",
        ),
      );
    });
  },
};
