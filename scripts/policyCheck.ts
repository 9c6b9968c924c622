// `npm run policy:check [-- --stack <name>]`: the drill's policy gate alone — `pulumi preview
// --policy-pack policy`, nothing triggered, no `up` — with a Markdown summary for a pull-request comment
// in reports/policy-check.md. The same session and gate as the drill runner (scripts/drill.ts), so the
// stack's config decides where it runs (scripts/lib/drillWorld.ts). Run with --help for flags.
import * as fs from "fs";
import * as path from "path";
import { DrillExit, main, parseFlags, printPolicies, runPolicyGate, sessionOptionsFrom, SESSION_FLAGS, UsageError } from "./drill";
import { ROOT } from "./lib/checkout";
import { openDrillSession } from "./lib/drillSession";
import { policyVerdict, renderPolicySummary } from "./report/policySummary";

export interface PolicyCheckOptions extends ReturnType<typeof sessionOptionsFrom> {
  out: string;
  /** Accepted for workflows written before --stack decided the world; the stack's config decides. */
  subscription: boolean;
}

export const PREVIEW_FAILED = 1;

export const POLICY_CHECK_HELP = `npm run policy:check -- [flags]

The drill's policy gate alone (pulumi preview --policy-pack policy): nothing is triggered.

  --stack NAME              stack to check (default test, on the embedded Azure twin)
  --scope plan:NAME | items:A,B
  --policy-pack-config FILE policy pack config (repeatable), e.g. policy/config/legacy-sse.json
  --out FILE                Markdown summary (default reports/policy-check.md)
  --state DIR               state folder (default .state/policy-check, never the drill's)
  --fixture FILE, --speed X, --port N   a local twin stack's estate, clock and port (default: free)
  --subscription            accepted for older workflows; the stack's config decides where it runs
  --help                    this text

Exit codes: 0 no mandatory finding, 1 the preview failed for another reason, 2 bad flags,
3 bad config/stack/plugins/credential, 4 start-up failure, 10 a mandatory violation.
`;

export function parsePolicyCheckArgs(argv: string[]): PolicyCheckOptions | "help" {
  for (const drillOnly of ["--keep", "--cleanup"]) {
    if (argv.includes(drillOnly)) throw new UsageError(`${drillOnly} is a drill flag; policy:check never runs up or destroy`);
  }
  const { values } = parseFlags(argv, { ...SESSION_FLAGS, out: { type: "string" }, subscription: { type: "boolean" } });
  if (values.help) return "help";
  // A free port and its own state unless told otherwise: a check never disturbs a drill that is running
  // or kept up.
  const session = sessionOptionsFrom(values, { stateDir: path.join(ROOT, ".state", "policy-check") });
  return {
    ...session,
    port: session.port ?? 0,
    out: path.resolve((values.out as string | undefined) ?? path.join(ROOT, "reports", "policy-check.md")),
    subscription: values.subscription === true,
  };
}

export async function runPolicyCheck(opts: PolicyCheckOptions): Promise<number> {
  // A check starts from a fresh local world every time (in its own state folder).
  const session = await openDrillSession({ ...opts, fresh: true });
  try {
    const gate = await runPolicyGate(session, opts.policyPackConfigs);
    const md = renderPolicySummary({
      stack: opts.stack,
      target: session.world.description,
      policies: gate.policies,
      previewOk: gate.previewOk,
      failure: gate.failure,
    });
    fs.mkdirSync(path.dirname(opts.out), { recursive: true });
    fs.writeFileSync(opts.out, md);
    process.stdout.write(`\npolicy summary: ${path.relative(ROOT, opts.out)}\n`);
    const verdict = policyVerdict(gate);
    if (verdict === "blocked") return DrillExit.PolicyViolation;
    if (verdict === "error") {
      process.stdout.write(`pulumi preview failed:\n${gate.failure ?? ""}\n`);
      return gate.badConfig ? DrillExit.BadConfig : PREVIEW_FAILED;
    }
    return DrillExit.Passed;
  } finally {
    await session.close();
  }
}

export { printPolicies };

if (require.main === module) main("policy:check", POLICY_CHECK_HELP, () => parsePolicyCheckArgs(process.argv.slice(2)), runPolicyCheck);
