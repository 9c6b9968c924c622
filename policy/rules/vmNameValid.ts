// Seed rule: "VM names: 1–63 characters, letters, digits and hyphens, starting and ending with a letter
// or digit." A test failover creates "<recovery VM name>-test", so that name must be valid too: a
// 60-character recovery name passes the portal but its 65-character test VM name fails the job.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { PORTAL_COMPUTE_AND_NETWORK, quote, violation, where } from "../lib/messages";
import { isTestFailover, forEachItem } from "../lib/testFailover";

export const TEST_VM_SUFFIX = "-test";
export const MAX_VM_NAME_LENGTH = 63;

/** Why `name` is not a valid Azure VM name, or undefined when it is. */
export function vmNameProblem(name: string): string | undefined {
  if (name.length === 0) return "is empty";
  if (name.length > MAX_VM_NAME_LENGTH) return `is ${name.length} characters long (at most ${MAX_VM_NAME_LENGTH})`;
  const bad = [...new Set(name.replace(/[A-Za-z0-9-]/g, ""))];
  if (bad.length > 0) return `contains ${bad.map((c) => JSON.stringify(c)).join(", ")} (only letters, digits and hyphens are allowed)`;
  if (!/^[A-Za-z0-9]/.test(name)) return "does not start with a letter or digit";
  if (!/[A-Za-z0-9]$/.test(name)) return "does not end with a letter or digit";
  return undefined;
}

export const vmNameValid: ResourceValidationPolicy = {
  name: "vm-name-valid",
  description:
    "Recovery VM names and their test failover names (<name>-test) are 1–63 characters of letters, digits and hyphens, with a letter or digit at both ends.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!isTestFailover(args.type, args.props)) return;
    forEachItem(args.props, (item, name) => {
      const raw = item.recoveryVmName;
      const vmName = typeof raw === "string" ? raw : "";
      const fix = `rename the target VM in ${PORTAL_COMPUTE_AND_NETWORK} > Compute properties > Name (at most ${MAX_VM_NAME_LENGTH - TEST_VM_SUFFIX.length} characters leaves room for "${TEST_VM_SUFFIX}")`;
      const problem = vmNameProblem(vmName);
      if (problem) {
        reportViolation(violation(where(args.name, name), `recovery VM name ${quote(raw)} ${problem}`, fix));
        return;
      }
      const testName = `${vmName}${TEST_VM_SUFFIX}`;
      const testProblem = vmNameProblem(testName);
      if (testProblem) {
        reportViolation(violation(where(args.name, name), `test failover VM name "${testName}" ${testProblem}`, fix));
      }
    });
  },
};
