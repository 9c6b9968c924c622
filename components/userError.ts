// Errors the user can fix — a bad config value, an item, plan or vault that does not exist — carry their
// own config path and expectation in the message (components/config.ts). The program raises them as a
// pulumi.RunError without a stack, which the Pulumi runtime prints as is, with no stack trace of ours.
// It also matters for time: @pulumi/pulumi 3.248's run script formats every other unhandled error with
// util.inspect for its tracing span, which took 20–60 s in the program process here, so a typo in the
// stack config took a minute to report.
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, DrillConfigError } from "./config";

export function isUserError(err: unknown): err is Error {
  return err instanceof DrillConfigError || (err instanceof Error && err.message.startsWith(`${CONFIG_NAMESPACE}:`));
}

/** A user error becomes a stackless RunError; anything else (a bug) keeps its stack. */
export function asReportedError(err: unknown): unknown {
  if (!isUserError(err)) return err;
  const reported = new pulumi.RunError(err.message);
  reported.stack = undefined;
  return reported;
}
