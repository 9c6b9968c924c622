// User errors (they name their config path) are reported as stackless RunErrors; bugs keep their stack.
import * as pulumi from "@pulumi/pulumi";
import { DrillConfigError } from "../../components/config";
import { asReportedError, isUserError } from "../../components/userError";

describe("asReportedError", () => {
  it.each([
    ["a config error listing every problem", new DrillConfigError(['failover-drill:notes: "x" must be at most 1024 characters'])],
    ["an error naming its config path", new Error('failover-drill:scope.recoveryPlan: recovery plan "rp-x" was not found in vault v')],
  ])("%s becomes a RunError with the same message and no stack", (_name, err) => {
    expect(isUserError(err)).toBe(true);
    const reported = asReportedError(err) as Error;
    expect(pulumi.RunError.isInstance(reported)).toBe(true);
    expect(reported.message).toBe(err.message);
    expect(reported.stack).toBeUndefined();
  });

  it.each([
    ["an unexpected error", new TypeError("Cannot read properties of undefined (reading 'id')")],
    ["something that is not an Error", "failover-drill: a string"],
  ])("%s is passed through unchanged", (_name, err) => {
    expect(isUserError(err)).toBe(false);
    expect(asReportedError(err)).toBe(err);
  });
});
