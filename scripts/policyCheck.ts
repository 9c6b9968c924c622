// `npm run policy:check`: the drill's policy gate alone — `pulumi preview --policy-pack policy`, nothing
// triggered, no `up` — with a Markdown summary for a pull-request comment in reports/policy-check.md.
// Same session and gate as the drill runner (scripts/drill.ts): on the twin by default, started on a
// fresh state; `--subscription` previews the stack as configured (real plugins, real ARM).
//
//   npm run policy:check -- [--stack NAME] [--fixture FILE] [--scope plan:<n>|items:<a,b>] [--state DIR]
//                           [--port N] [--speed X] [--out FILE] [--subscription]
//
// Exit: 0 no mandatory finding, 10 a mandatory violation, 1 the preview failed for another reason, 2 usage.
import * as fs from "fs";
import * as path from "path";
import { DrillExit, openDrillSession, parseDrillArgs, runPolicyGate, UsageError, type DrillOptions } from "./drill";
import { PulumiStack, pulumiEnv, ROOT } from "./lib/pulumiCli";
import { policyVerdict, renderPolicySummary } from "./report/policySummary";

export interface PolicyCheckOptions extends DrillOptions {
  out: string;
  subscription: boolean;
}

export const PREVIEW_FAILED = 1;

export function parsePolicyCheckArgs(argv: string[]): PolicyCheckOptions {
  let out = path.join(ROOT, "reports", "policy-check.md");
  let subscription = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith("--")) throw new UsageError("--out needs a value");
      out = path.resolve(v);
      i++;
    } else if (argv[i] === "--subscription") subscription = true;
    else if (["--keep", "--cleanup"].includes(argv[i])) throw new UsageError(`${argv[i]} is a drill flag; policy:check never runs up or destroy`);
    else rest.push(argv[i]);
  }
  // The twin gets an ephemeral port and its own state unless told otherwise: a check never disturbs a
  // drill that is running or kept up.
  const base = parseDrillArgs(["--port", "0", "--state", path.join(ROOT, ".state", "policy-check"), ...rest]);
  return { ...base, out, subscription };
}

export async function runPolicyCheck(opts: PolicyCheckOptions): Promise<number> {
  let target: string;
  let stack: PulumiStack;
  let close = async () => undefined as void;
  if (opts.subscription) {
    // Real plugins on PATH (no stand-ins), the stack's own config file, whatever backend the env names.
    stack = new PulumiStack({ programDir: ROOT, stack: opts.stack, env: pulumiEnv() });
    await stack.selectOrCreate();
    target = "the subscription in the stack's configuration";
  } else {
    fs.rmSync(path.join(opts.stateDir, "twin"), { recursive: true, force: true });
    const session = await openDrillSession(opts, { keepTwinState: false });
    stack = session.stack;
    close = session.close;
    target = `the Azure twin (fixture \`${path.relative(ROOT, opts.fixture)}\`)`;
  }
  try {
    const gate = await runPolicyGate(stack);
    const md = renderPolicySummary({ stack: opts.stack, target, policies: gate.policies, previewOk: gate.previewOk, failure: gate.failure });
    fs.mkdirSync(path.dirname(opts.out), { recursive: true });
    fs.writeFileSync(opts.out, md);
    process.stdout.write(`\npolicy summary: ${path.relative(ROOT, opts.out)}\n`);
    const verdict = policyVerdict(gate);
    if (verdict === "blocked") return DrillExit.PolicyViolation;
    if (verdict === "error") {
      process.stdout.write(`pulumi preview failed:\n${gate.failure ?? ""}\n`);
      return PREVIEW_FAILED;
    }
    return DrillExit.Passed;
  } finally {
    await close();
  }
}

if (require.main === module) {
  let opts: PolicyCheckOptions;
  try {
    opts = parsePolicyCheckArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`policy:check: ${(err as Error).message}\n`);
    process.exit(DrillExit.Usage);
  }
  runPolicyCheck(opts).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`policy:check: ${(err as Error).stack ?? err}\n`);
      process.exit(PREVIEW_FAILED);
    },
  );
}
