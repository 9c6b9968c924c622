// `npm run drill [-- --stack <name>]`: the drill, the same phases for every stack — policy gate (preview
// with the pack) → up → report → evidence upload → destroy (unless --keep) → cleanup confirmation →
// final report upload — driven through Pulumi's Automation API (scripts/lib/drillStack.ts). Where the
// stack runs (the Azure twin for `test`, a subscription for a stack like examples/Pulumi.azure-example.yaml)
// is decided in one place from the stack's config: scripts/lib/drillWorld.ts. Run with --help for flags.
//
// Hidden (tests): --twin-faults FILE — a JSON fault or array of faults POSTed to the local endpoint's
// /_twin/faults right after it starts (twin/README.md, "Faults"); --reports DIR — reports go to
// DIR/<drill-id> instead of reports/<drill-id>, so concurrent test drills never overwrite each other's.
import * as fs from "fs";
import * as path from "path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { SiteRecoveryDrillClient } from "../components/asr/asrClient";
import { ROOT } from "./lib/checkout";
import { confirmCleanup, drillRecordOf, type DrillRecord } from "./lib/cleanupCheck";
import { openDrillSession, type DrillSession } from "./lib/drillSession";
import type { OperationResult, PolicyEvent, PulumiStep } from "./lib/drillStack";
import { planEvidence, uploadEvidence, type EvidenceTarget } from "./lib/evidence";
import { BadInputError, StartupError } from "./lib/runnerErrors";
import type { ScopeOverride } from "./lib/stackConfig";
import { buildDrillReport, writeDrillReport, type DrillReport } from "./report/drillReport";

export { deriveStackConfig } from "./lib/stackConfig";

/** What the exit code says (README, "Exit codes"). */
export enum DrillExit {
  Passed = 0,
  /** A bug or an unexpected failure of the runner itself. */
  Error = 1,
  Usage = 2,
  /** Bad config, unknown stack, wrong plugins, no credential: refused before anything was written. */
  BadConfig = 3,
  /** The local endpoint, Azurite or the CLI could not start (e.g. the port is in use). */
  StartupFailed = 4,
  PolicyViolation = 10,
  FailoverFailed = 11,
  VerificationFailed = 12,
  CleanupFailed = 13,
}

export interface DrillOptions {
  keep: boolean;
  cleanup: boolean;
  fixture: string;
  speed: number;
  scope?: ScopeOverride;
  /** undefined: a free port (or the one a kept drill's state names). */
  port?: number;
  stateDir: string;
  stack: string;
  policyPackConfigs: string[];
  /** JSON file: one fault or an array, applied to the local endpoint after it starts (tests). */
  twinFaults?: string;
  /** Where reports/<drill-id>/ go (default <checkout>/reports). */
  reportsDir: string;
}

export class UsageError extends Error {}

export const DRILL_HELP = `npm run drill -- [flags]

The drill: policy gate -> up -> report -> evidence -> destroy -> cleanup confirmation, on any stack.

  --stack NAME              stack to drill (Pulumi.NAME.yaml; default test, the Contoso drill on the
                            embedded Azure twin)
  --keep                    leave the drill up after the report (clean up later with --cleanup)
  --cleanup                 only destroy a kept drill and confirm the cleanup
  --scope plan:NAME | items:A,B
                            drill another recovery plan or these protected items instead
  --policy-pack-config FILE policy pack config (repeatable), e.g. policy/config/legacy-sse.json
  --state DIR               drill state (default .state/drill)
  --fixture FILE            estate of a local twin stack (default twin/fixtures/contoso.yaml)
  --speed X                 virtual seconds per wall second of a local twin (default 60)
  --port N                  port of a local twin (default: a free port; a kept drill reuses its own)
  --help                    this text

Exit codes: 0 passed, 1 runner error, 2 bad flags, 3 bad config/stack/plugins/credential (nothing
written), 4 start-up failure, 10 policy violation, 11 failover failure, 12 verification failure,
13 cleanup failure.
`;

function positiveNumber(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} ${v}: expected a positive number (virtual seconds per wall second)`);
  return n;
}

function existingFile(flag: string, v: string): string {
  const file = path.resolve(v);
  if (!fs.existsSync(file)) throw new UsageError(`${flag} ${file}: no such file`);
  return file;
}

export function parseScope(s: string): ScopeOverride {
  const m = /^(plan|items):(.+)$/.exec(s);
  if (!m) throw new UsageError(`--scope ${s}: expected plan:<recovery plan name> or items:<friendly name>[,<friendly name>...]`);
  if (m[1] === "plan") return { recoveryPlan: m[2] };
  return { items: m[2].split(",").map((n) => n.trim()).filter(Boolean).map((friendlyName) => ({ friendlyName })) };
}

export function parsePort(v: string): number {
  const p = Number(v);
  if (!/^\d+$/.test(v) || !Number.isInteger(p) || p < 0 || p > 65535) throw new UsageError(`--port ${v}: expected a TCP port (0-65535)`);
  return p;
}

/** The flags drill and policy:check share. */
export const SESSION_FLAGS = {
  stack: { type: "string" },
  scope: { type: "string" },
  state: { type: "string" },
  fixture: { type: "string" },
  speed: { type: "string" },
  port: { type: "string" },
  "policy-pack-config": { type: "string", multiple: true },
  help: { type: "boolean" },
} as const;

/** Strict parseArgs with our UsageError (its own messages name the flag). */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: T) {
  try {
    return parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>({ args: argv, options, strict: true, allowPositionals: false });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\. To specify.*$/s, "")}; see --help`);
  }
}

export function sessionOptionsFrom(values: Record<string, string | boolean | string[] | undefined>, defaults: { stateDir: string }) {
  const v = values as Record<string, string | undefined>;
  return {
    stack: v.stack ?? "test",
    scope: v.scope === undefined ? undefined : parseScope(v.scope),
    stateDir: path.resolve(v.state ?? defaults.stateDir),
    fixture: v.fixture === undefined ? path.join(ROOT, "twin", "fixtures", "contoso.yaml") : existingFile("--fixture", v.fixture),
    speed: v.speed === undefined ? 60 : positiveNumber("--speed", v.speed),
    port: v.port === undefined ? undefined : parsePort(v.port),
    policyPackConfigs: ((values["policy-pack-config"] as string[] | undefined) ?? []).map((f) => existingFile("--policy-pack-config", f)),
  };
}

export function parseDrillArgs(argv: string[]): DrillOptions | "help" {
  const { values } = parseFlags(argv, {
    ...SESSION_FLAGS,
    keep: { type: "boolean" },
    cleanup: { type: "boolean" },
    reports: { type: "string" },
    "twin-faults": { type: "string" },
  });
  if (values.help) return "help";
  if (values.keep && values.cleanup) throw new UsageError("--keep and --cleanup exclude each other");
  return {
    ...sessionOptionsFrom(values, { stateDir: path.join(ROOT, ".state", "drill") }),
    keep: values.keep === true,
    cleanup: values.cleanup === true,
    twinFaults: values["twin-faults"] === undefined ? undefined : existingFile("--twin-faults", values["twin-faults"] as string),
    reportsDir: path.resolve((values.reports as string | undefined) ?? path.join(ROOT, "reports")),
  };
}

function banner(text: string): void {
  process.stdout.write(`\n=== ${text} ===\n`);
}

/** A failed preview/up caused by the user's config (components/userError.ts prefixes) rather than the drill. */
export function isConfigFailure(errors: string[], output: string): boolean {
  const text = [...errors, output].join("\n");
  return /The drill configuration has \d+ problem|(^|\n)\s*(error: )?failover-drill:[\w.[\]]+: /.test(text);
}

function classifyUpFailure(up: OperationResult): DrillExit {
  // The TestFailover provider prefixes its errors (components/asr/provider.ts) so the runner can tell a
  // failover that did not happen from test VMs that are not as expected.
  if (/verification failed/i.test([...up.errors, up.output].join("\n"))) return DrillExit.VerificationFailed;
  return DrillExit.FailoverFailed;
}

export interface PolicyGateResult {
  policies: PolicyEvent[];
  mandatory: PolicyEvent[];
  /** The preview itself succeeded (a mandatory violation makes it fail too). */
  previewOk: boolean;
  /** Why the preview failed when no mandatory policy explains it. */
  failure?: string;
  /** The failure is the user's config (bad value, unknown item or plan), not the drill. */
  badConfig: boolean;
}

/** The policy gate: `pulumi preview --policy-pack policy`, every policy event collected. Nothing is triggered. */
export async function runPolicyGate(session: DrillSession, policyPackConfigs: string[]): Promise<PolicyGateResult> {
  banner("policy gate: pulumi preview --policy-pack policy");
  const gate = await session.stack.preview({ policyPacks: [path.join(ROOT, "policy")], policyPackConfigs });
  printPolicies(gate.policies);
  const mandatory = gate.policies.filter((p) => p.enforcementLevel === "mandatory");
  const failure = gate.ok || mandatory.length > 0 ? undefined : gate.errors.join("\n") || gate.output;
  return { policies: gate.policies, mandatory, previewOk: gate.ok, failure, badConfig: failure !== undefined && isConfigFailure(gate.errors, gate.output) };
}

/** POSTs each fault of the file (an object or an array) to the local endpoint's admin API. */
async function applyTwinFaults(session: DrillSession, file: string): Promise<void> {
  if (!session.world.admin) throw new UsageError(`--twin-faults: stack ${session.config.stack} has no local endpoint to inject faults into`);
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
  for (const fault of Array.isArray(parsed) ? parsed : [parsed]) {
    const res = await fetch(`${session.world.admin.url}/_twin/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(fault) });
    if (!res.ok) throw new Error(`--twin-faults ${file}: refused ${JSON.stringify(fault)}: ${res.status} ${await res.text()}`);
    process.stdout.write(`twin fault injected: ${JSON.stringify(fault)}\n`);
  }
}

export async function runDrill(opts: DrillOptions): Promise<DrillExit> {
  const session = await openDrillSession({ ...opts, keepLocalState: opts.cleanup });
  try {
    if (opts.twinFaults) await applyTwinFaults(session, opts.twinFaults);
    if (opts.cleanup) return await destroyAndConfirm(session, undefined, opts.reportsDir);

    const gate = await runPolicyGate(session, opts.policyPackConfigs);
    if (gate.mandatory.length > 0) {
      process.stdout.write(`\nThe drill is blocked by ${gate.mandatory.length} mandatory polic${gate.mandatory.length === 1 ? "y" : "ies"}; nothing was triggered.\n`);
      return DrillExit.PolicyViolation;
    }
    if (gate.failure !== undefined) {
      process.stdout.write(`\npulumi preview failed before anything was triggered:\n${gate.failure}\n`);
      return gate.badConfig ? DrillExit.BadConfig : DrillExit.FailoverFailed;
    }

    banner("drill: pulumi up --policy-pack policy");
    const up = await session.stack.up({ policyPacks: [path.join(ROOT, "policy")], policyPackConfigs: opts.policyPackConfigs, progress: true });
    const report = await buildDrillReport({ stack: session.stack, policies: gate.policies, upSucceeded: up.ok, upOutput: up.output });
    report.pulumiSteps = up.steps;
    let exit = up.ok ? (report.verdict === "passed" ? DrillExit.Passed : DrillExit.VerificationFailed) : classifyUpFailure(up);

    // Evidence before destroy: in Azure the evidence container is destroyed with the drill.
    const evidence = await evidenceTarget(session);
    await publishReport(report, evidence, opts.reportsDir);

    if (opts.keep) {
      process.stdout.write(`\nThe drill is left up (--keep). Clean it up with: npm run drill -- --cleanup --stack ${session.config.stack}\n`);
      return exit;
    }
    const cleanupExit = await destroyAndConfirm(session, report, opts.reportsDir);
    // A store that outlives the drill also gets the report with the cleanup confirmation.
    if (evidence && session.world.evidenceOutlivesDrill) await publishReport(report, evidence, opts.reportsDir);
    if (exit === DrillExit.Passed && cleanupExit !== DrillExit.Passed) exit = cleanupExit;
    banner(exit === DrillExit.Passed ? "drill PASSED" : `drill FAILED (exit ${exit}: ${DrillExit[exit]})`);
    return exit;
  } finally {
    await session.close();
  }
}

async function evidenceTarget(session: DrillSession): Promise<EvidenceTarget | undefined> {
  try {
    return await session.world.evidenceStore(await session.stack.outputs(), session.config.evidenceContainer);
  } catch (err) {
    process.stdout.write(`no evidence upload: ${(err as Error).message}\n`);
    return undefined;
  }
}

/** Writes reports/<drill-id>/ and uploads it; an upload failure is recorded in the report, not fatal. */
async function publishReport(report: DrillReport, target: EvidenceTarget | undefined, reportsDir: string): Promise<void> {
  if (!target) {
    process.stdout.write(`\nreport: ${path.relative(ROOT, writeDrillReport(report, ROOT, reportsDir))}\n`);
    return;
  }
  const first = report.evidence === undefined;
  report.evidence = report.evidence ?? planEvidence(target, report.drillId, report.generatedAt);
  const dir = writeDrillReport(report, ROOT, reportsDir);
  if (first) process.stdout.write(`\nreport: ${path.relative(ROOT, dir)}\n`);
  try {
    report.evidence = await uploadEvidence(target, report.evidence, dir);
    writeDrillReport(report, ROOT, reportsDir);
    process.stdout.write(`evidence uploaded to ${report.evidence.store}: ${report.evidence.blobs.map((b) => b.url).join(", ")}\n`);
  } catch (err) {
    report.evidence = { ...report.evidence, error: `upload failed: ${(err as Error).message}` };
    writeDrillReport(report, ROOT, reportsDir);
    process.stdout.write(`evidence upload FAILED: ${(err as Error).message} (the report is in ${path.relative(ROOT, dir)})\n`);
  }
}

async function destroyAndConfirm(session: DrillSession, report: DrillReport | undefined, reportsDir: string): Promise<DrillExit> {
  // What this drill made, read before destroy empties the state: the confirmation counts only that.
  const record: DrillRecord = drillRecordOf(await session.stack.resources());
  banner("cleanup: pulumi destroy");
  const destroy = await session.stack.destroy({ progress: true });
  const client = new SiteRecoveryDrillClient(session.config.vault, { ...session.world.arm, pollIntervalInMs: 5_000 });
  const confirmation = await confirmCleanup(client, session.config.vault, record, { destroySucceeded: destroy.ok, stackResources: await session.stack.resources() });
  if (report) {
    report.cleanup = confirmation;
    const dir = writeDrillReport(report, ROOT, reportsDir);
    process.stdout.write(`\nreport: ${path.relative(ROOT, dir)}\n`);
  }
  for (const thing of confirmation.notOurs ?? []) process.stdout.write(`not ours, left alone: ${thing}\n`);
  process.stdout.write(
    confirmation.clean
      ? `cleanup confirmed: every item of the drill idle again, no test VM, NIC or disk of its jobs left, nothing of it in the stack\n`
      : `cleanup NOT confirmed:\n  ${[...(destroy.ok ? [] : ["pulumi destroy failed"]), ...confirmation.leftovers].join("\n  ")}\n`,
  );
  return confirmation.clean && destroy.ok ? DrillExit.Passed : DrillExit.CleanupFailed;
}

export function printPolicies(policies: PolicyEvent[]): void {
  if (policies.length === 0) {
    process.stdout.write("no policy findings\n");
    return;
  }
  for (const p of policies) {
    const resource = p.resourceUrn ? ` (${p.resourceUrn.split("::").pop()})` : "";
    process.stdout.write(`[${p.enforcementLevel}] ${p.policyName}${resource}: ${p.message.split("\n").join(" ")}\n`);
  }
}

/** Runs an entry point: usage, bad input and start-up failures become one line and their exit code. */
export function main(name: string, help: string, parse: () => unknown, run: (opts: never) => Promise<number>): void {
  let opts: unknown;
  try {
    opts = parse();
  } catch (err) {
    process.stderr.write(`${name}: ${(err as Error).message}\n`);
    process.exit(DrillExit.Usage);
  }
  if (opts === "help") {
    process.stdout.write(help);
    process.exit(0);
  }
  run(opts as never).then(
    (code) => process.exit(code),
    (err) => {
      if (err instanceof BadInputError) {
        process.stderr.write(`${name}: ${err.message}\n`);
        process.exit(DrillExit.BadConfig);
      }
      if (err instanceof StartupError) {
        process.stderr.write(`${name}: ${err.message}\n`);
        process.exit(DrillExit.StartupFailed);
      }
      if (err instanceof UsageError) {
        process.stderr.write(`${name}: ${err.message}\n`);
        process.exit(DrillExit.Usage);
      }
      process.stderr.write(`${name}: ${(err as Error).stack ?? err}\n`);
      process.exit(DrillExit.Error);
    },
  );
}

export type { PulumiStep };

if (require.main === module) main("drill", DRILL_HELP, () => parseDrillArgs(process.argv.slice(2)), runDrill);
