// `npm run drill [-- --stack <name>]`: the drill, the same phases for every stack — bad-input preflight
// (with the evidence store's) → policy gate (preview with the pack) → up → report → evidence upload →
// destroy (unless --keep) → cleanup confirmation → final report upload — driven through Pulumi's
// Automation API (scripts/lib/drillStack.ts). Where the stack runs (the Azure twin for `test`, a
// subscription for a stack like examples/Pulumi.azure-example.yaml) is decided in one place from the
// stack's config: scripts/lib/drillWorld.ts. Run with --help for flags.
//
// Evidence (scripts/lib/evidenceRun.ts; the calls below are marked `evidence:`): a start record and the
// evidence store preflight before the gate (a PreflightCheck: a store the drill cannot keep its evidence
// in exits 14 before anything is written), the report (schema v2) after up, uploaded before destroy and
// again after the cleanup confirmation to the retained store failover-drill:evidence — served by Azurite
// for a local stack (data in --evidence-dir, default <state>/../evidence-store, kept across drills).
// --trigger (default manual) and --trigger-ref say why the drill ran (a schedule, a change ticket).
//
// Hidden (tests): --twin-faults FILE — a JSON fault or array of faults POSTed to the local endpoint's
// /_twin/faults right after it starts (twin/README.md, "Faults"); --reports DIR — reports go to
// DIR/<drill-id> instead of reports/<drill-id>, so concurrent test drills never overwrite each other's.
import * as fs from "fs";
import * as path from "path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { SiteRecoveryDrillClient } from "../components/asr/asrClient";
import { cloudNamed } from "../components/clouds";
import type { ArmConnection } from "../components/drillTypes";
import { ROOT } from "./lib/checkout";
import { confirmCleanup, drillRecordOf, type DrillRecord } from "./lib/cleanupCheck";
import { openDrillSession, type DrillSession } from "./lib/drillSession";
import type { OperationResult, PolicyEvent, PulumiStep } from "./lib/drillStack";
import type { DrillWorld } from "./lib/drillWorld";
import type { PreflightCheck } from "./lib/preflight";
import { BadInputError, StartupError } from "./lib/runnerErrors";
import type { ScopeOverride, StackConfig } from "./lib/stackConfig";
// evidence: report, retained store, trend
import { DrillEvidence, type EvidenceRunOptions } from "./lib/evidenceRun";
import { EvidenceStoreError, type EvidenceTarget } from "./lib/evidence";
import { armReader } from "./report/armReader";
import type { Trigger } from "./report/drillIdentity";

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
  /** evidence: the retained evidence store is missing, unreadable or not writable (nothing was run). */
  EvidenceUnavailable = 14,
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
  /** evidence: why the drill runs (--trigger, --trigger-ref). */
  trigger: Trigger;
  /** evidence: Azurite's data folder for a local stack (outside the drill state: it keeps every drill's evidence). */
  evidenceDir?: string;
}

export class UsageError extends Error {}

export const DRILL_HELP = `npm run drill -- [flags]

The drill: policy gate -> up -> report -> evidence -> destroy -> cleanup confirmation, on any stack.

  --stack NAME              stack to drill (Pulumi.NAME.yaml; default test, the Contoso drill on the
                            embedded Azure twin)
  --keep                    leave the drill up after the report (clean up later with --cleanup)
  --cleanup                 only destroy a kept drill and confirm the cleanup
  --scope plan:NAME | plans:A,B | items:A,B
                            drill another recovery plan, these recovery plans or these protected items instead
  --policy-pack-config FILE policy pack config (repeatable), e.g. policy/config/legacy-sse.json
  --state DIR               drill state (default .state/drill)
  --fixture FILE            estate of a local twin stack (default twin/fixtures/contoso.yaml)
  --speed X                 virtual seconds per wall second of a local twin (default 60)
  --port N                  port of a local twin (default: a free port; a kept drill reuses its own)
  --trigger manual|scheduled|change
                            why the drill runs, recorded in the report (default manual)
  --trigger-ref REF         the schedule or change ticket behind the trigger
  --evidence-dir DIR        data of a local stack's evidence store (default: evidence-store beside
                            the --state folder, kept across drills)
  --help                    this text

Exit codes: 0 passed, 1 runner error, 2 bad flags, 3 bad config/stack/plugins/credential (nothing
written), 4 start-up failure, 10 policy violation, 11 failover failure, 12 verification failure,
13 cleanup failure, 14 the retained evidence store is missing or not writable (nothing run).
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
  const m = /^(plan|plans|items):(.+)$/.exec(s);
  if (!m)
    throw new UsageError(
      `--scope ${s}: expected plan:<recovery plan name>, plans:<plan>,<plan>... or items:<friendly name>[,<friendly name>...]`,
    );
  if (m[1] === "plan") return { recoveryPlan: m[2] };
  if (m[1] === "plans")
    return {
      recoveryPlans: m[2]
        .split(",")
        .map((n) => n.trim())
        .filter(Boolean),
    };
  return {
    items: m[2]
      .split(",")
      .map((n) => n.trim())
      .filter(Boolean)
      .map((friendlyName) => ({ friendlyName })),
  };
}

// evidence: the trigger flags
export function parseTrigger(kind: string | undefined, reference: string | undefined): Trigger {
  const k = kind ?? "manual";
  if (k !== "manual" && k !== "scheduled" && k !== "change") throw new UsageError(`--trigger ${k}: expected manual, scheduled or change`);
  return reference === undefined ? { kind: k } : { kind: k, reference };
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

type StrictFlags<T extends NonNullable<ParseArgsConfig["options"]>> = { args: string[]; options: T; strict: true; allowPositionals: false };

/** Strict parseArgs with our UsageError (its own messages name the flag). The return type is spelled out because
 * the inferred one names @types/node's unexported ParseArgsOptionsConfig, which the declaration build cannot emit. */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  options: T,
): ReturnType<typeof parseArgs<StrictFlags<T>>> {
  try {
    return parseArgs<StrictFlags<T>>({ args: argv, options, strict: true, allowPositionals: false });
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
    // evidence: trigger and a local stack's evidence store folder
    trigger: { type: "string" },
    "trigger-ref": { type: "string" },
    "evidence-dir": { type: "string" },
  });
  if (values.help) return "help";
  if (values.keep && values.cleanup) throw new UsageError("--keep and --cleanup exclude each other");
  return {
    ...sessionOptionsFrom(values, { stateDir: path.join(ROOT, ".state", "drill") }),
    keep: values.keep === true,
    cleanup: values.cleanup === true,
    twinFaults: values["twin-faults"] === undefined ? undefined : existingFile("--twin-faults", values["twin-faults"] as string),
    reportsDir: path.resolve((values.reports as string | undefined) ?? path.join(ROOT, "reports")),
    trigger: parseTrigger(values.trigger as string | undefined, values["trigger-ref"] as string | undefined),
    evidenceDir: values["evidence-dir"] === undefined ? undefined : path.resolve(values["evidence-dir"] as string),
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
  return {
    policies: gate.policies,
    mandatory,
    previewOk: gate.ok,
    failure,
    badConfig: failure !== undefined && isConfigFailure(gate.errors, gate.output),
  };
}

/** POSTs each fault of the file (an object or an array) to the local endpoint's admin API. */
async function applyTwinFaults(session: DrillSession, file: string): Promise<void> {
  if (!session.world.admin)
    throw new UsageError(`--twin-faults: stack ${session.config.stack} has no local endpoint to inject faults into`);
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
  for (const fault of Array.isArray(parsed) ? parsed : [parsed]) {
    const res = await fetch(`${session.world.admin.url}/_twin/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(fault),
    });
    if (!res.ok) throw new Error(`--twin-faults ${file}: refused ${JSON.stringify(fault)}: ${res.status} ${await res.text()}`);
    process.stdout.write(`twin fault injected: ${JSON.stringify(fault)}\n`);
  }
}

export async function runDrill(opts: DrillOptions): Promise<DrillExit> {
  // evidence: the start record, the evidence store preflight and the trend, as a bad-input check:
  // before anything is written, and a store the drill cannot keep its evidence in exits 14.
  let evidence: DrillEvidence | undefined;
  const checks = opts.cleanup ? [] : [evidencePreflight(opts, (e) => (evidence = e))];
  const session = await openDrillSession({ ...opts, keepLocalState: opts.cleanup, checks });
  try {
    if (opts.twinFaults) await applyTwinFaults(session, opts.twinFaults);
    if (opts.cleanup) {
      // evidence: a drill kept up with --keep gets its cleanup confirmation in its own evidence; a store
      // problem never stops a cleanup.
      let kept: DrillEvidence | undefined;
      try {
        kept = await DrillEvidence.resume(await evidenceOptions(opts, session.config, session.world), { stack: session.stack });
      } catch (err) {
        process.stdout.write(`the kept drill's evidence is not updated: ${(err as Error).message}\n`);
      }
      return await destroyAndConfirm(session, kept);
    }

    const gate = await runPolicyGate(session, opts.policyPackConfigs);
    if (gate.mandatory.length > 0) {
      process.stdout.write(
        `\nThe drill is blocked by ${gate.mandatory.length} mandatory polic${gate.mandatory.length === 1 ? "y" : "ies"}; nothing was triggered.\n`,
      );
      return DrillExit.PolicyViolation;
    }
    if (gate.failure !== undefined) {
      process.stdout.write(`\npulumi preview failed before anything was triggered:\n${gate.failure}\n`);
      return gate.badConfig ? DrillExit.BadConfig : DrillExit.FailoverFailed;
    }

    banner("drill: pulumi up --policy-pack policy");
    const up = await session.stack.up({
      policyPacks: [path.join(ROOT, "policy")],
      policyPackConfigs: opts.policyPackConfigs,
      progress: true,
    });
    // evidence: the report, written and uploaded before destroy (readback of ARM while the drill is up).
    const dir = await evidence!.afterUp({
      stack: session.stack,
      policies: gate.policies,
      upSucceeded: up.ok,
      upOutput: up.output,
      pulumiSteps: up.steps,
    });
    process.stdout.write(`\nreport: ${path.relative(ROOT, dir)}\n`);
    const report = evidence!.report!;
    let exit = up.ok ? (report.verdict === "passed" ? DrillExit.Passed : DrillExit.VerificationFailed) : classifyUpFailure(up);

    if (opts.keep) {
      process.stdout.write(
        `\nThe drill is left up (--keep). Clean it up with: npm run drill -- --cleanup --stack ${session.config.stack}\n`,
      );
      return exit;
    }
    const cleanupExit = await destroyAndConfirm(session, evidence);
    if (exit === DrillExit.Passed && cleanupExit !== DrillExit.Passed) exit = cleanupExit;
    banner(exit === DrillExit.Passed ? "drill PASSED" : `drill FAILED (exit ${exit}: ${DrillExit[exit]})`);
    return exit;
  } finally {
    await session.close();
  }
}

/** A token for the runner's own ARM reads, from the stack's credential (the report's readback). */
function armToken(arm: ArmConnection): () => Promise<string> {
  if (arm.credentialMode === "staticToken") return async () => process.env[arm.tokenVariable ?? ""] ?? "";
  const cloud = cloudNamed(arm.cloud);
  let credential: import("@azure/identity").TokenCredential | undefined;
  return async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: @azure/identity only when a real-Azure readback asks for a token
    credential ??= new (require("@azure/identity") as typeof import("@azure/identity")).DefaultAzureCredential({
      authorityHost: cloud.authorityHost,
    });
    const token = await credential.getToken(cloud.resourceManagerScope);
    if (!token?.token) throw new Error(`no ARM token for ${cloud.name} (${cloud.resourceManagerScope})`);
    return token.token;
  };
}

/** evidence: what DrillEvidence needs of this run; the retained store as the stack's world reaches it. */
async function evidenceOptions(opts: DrillOptions, config: StackConfig, world: DrillWorld): Promise<EvidenceRunOptions> {
  const target: EvidenceTarget | undefined = config.evidence ? await world.evidenceStore(config.evidence) : undefined;
  return {
    root: ROOT,
    stack: config.stack,
    configFile: config.file,
    reportsDir: opts.reportsDir,
    trigger: opts.trigger,
    vault: config.vault,
    arm: armReader(world.arm.endpoint, armToken(world.arm)),
    armToken: world.arm.credentialMode === "staticToken" ? process.env[world.arm.tokenVariable ?? ""] : undefined,
    target,
    log: (line: string) => process.stdout.write(`${line}\n`),
  };
}

/**
 * evidence: the preflight of the retained store (exists, writable, WORM advisory) with the start record
 * and the trend, as a PreflightCheck whose problems mean exit 14. Hands the begun evidence to `ready`.
 */
export function evidencePreflight(opts: DrillOptions, ready: (evidence: DrillEvidence) => void): PreflightCheck {
  const check: PreflightCheck = async (ctx) => {
    if (!ctx.world || !ctx.config) throw new Error("the evidence preflight needs the session's world and stack config");
    try {
      ready(await DrillEvidence.begin(await evidenceOptions(opts, ctx.config, ctx.world)));
      return [];
    } catch (err) {
      if (err instanceof EvidenceStoreError) return [`the drill cannot keep its evidence; nothing was triggered: ${err.message}`];
      throw err;
    }
  };
  check.exitCode = DrillExit.EvidenceUnavailable;
  return check;
}

async function destroyAndConfirm(session: DrillSession, evidence: DrillEvidence | undefined): Promise<DrillExit> {
  // What this drill made, read before destroy empties the state: the confirmation counts only that.
  const record: DrillRecord = drillRecordOf(await session.stack.resources());
  banner("cleanup: pulumi destroy");
  const destroy = await session.stack.destroy({ progress: true });
  const client = new SiteRecoveryDrillClient(session.config.vault, { ...session.world.arm, pollIntervalInMs: 5_000 });
  const confirmation = await confirmCleanup(client, session.config.vault, record, {
    destroySucceeded: destroy.ok,
    stackResources: await session.stack.resources(),
  });
  // evidence: the report again, with the cleanup confirmation, written and uploaded.
  if (evidence) process.stdout.write(`\nreport: ${path.relative(ROOT, await evidence.afterCleanup(confirmation))}\n`);
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
        process.exit(err.exitCode ?? DrillExit.BadConfig);
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
