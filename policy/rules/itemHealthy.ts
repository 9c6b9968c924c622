// A protected item with a critical health error (errorLevel Error or Critical) fails its test failover
// (e.g. 161003 "Target network settings are not configured"). The program reads healthErrors at preview;
// this rule refuses the drill there with each error's code, message and recommended action, unless
// failover-drill:scope.allowUnhealthy lists the item (a drill meant to show what a broken item does).
import { ResourceValidationPolicy } from "@pulumi/policy";
import { violation, where } from "../lib/messages";
import { readinessOf } from "../lib/readiness";
import { forEachItem, isTestFailover } from "../lib/testFailover";
import { asArray, asString } from "../lib/unknowns";

export const itemHealthy: ResourceValidationPolicy = {
  name: "item-healthy",
  description: "No protected item of the drill has a critical health error, unless failover-drill:scope.allowUnhealthy lists it.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!isTestFailover(args.type, args.props)) return;
    forEachItem(args.props, (item, name) => {
      const r = readinessOf(item);
      const errors = r ? asArray(r.criticalHealthErrors) : [];
      if (!r || errors.length === 0 || r.allowUnhealthy === true) return;
      const text = errors
        .map((e) => {
          const action = asString(e.recommendedAction);
          return `${e.errorCode} (${e.errorLevel}): ${e.errorMessage}${action ? ` Recommended action: ${action.replace(/\.$/, "")}` : ""}`;
        })
        .join("; ");
      reportViolation(
        violation(
          where(args.name, name),
          `has ${errors.length} critical health error${errors.length === 1 ? "" : "s"}: ${text}`,
          `fix the item in Recovery Services vault > Replicated items > ${name}, or list it in failover-drill:scope.allowUnhealthy to drill it anyway`,
        ),
      );
    });
  },
};
