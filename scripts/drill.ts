// `npm run drill`: the main job on the Azure twin. Starts the twin with a fixture, selects or creates the
// `test` stack on the local backend, runs the policy gate (preview with the pack), `pulumi up` (Pulumi's
// progress plus the provider's task progress), writes the drill report, runs `pulumi destroy`, confirms
// nothing is left, stops the twin, and exits 0 only when the drill passed.
//
//   npm run drill -- [--keep] [--cleanup] [--fixture FILE] [--speed X] [--scope plan:<name>|items:<a,b>]
//                    [--port N] [--state DIR] [--stack NAME]
//
// Hidden (tests): --twin-faults FILE — a JSON fault or array of faults POSTed to the twin's /_twin/faults
// right after it starts (twin/README.md, "Faults"); --reports DIR — write reports to DIR/<drill-id>
// instead of reports/<drill-id>, so concurrent test drills never overwrite each other's report.
//
// The report is also uploaded as evidence (scripts/lib/evidence.ts): to Azurite in twin mode, to the
// drill's storage account with DefaultAzureCredential when the stack's credential mode is `default`.
//
// Exit codes tell what went wrong (DrillExit below). The pieces (session, policy gate) are shared with
// `npm run policy:check` (scripts/policyCheck.ts).
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ROOT, PulumiStack, pulumiEnv, type PolicyEvent } from "./lib/pulumiCli";
import { startTwinProcess, type TwinProcess } from "./lib/twinProcess";
import { buildDrillReport, writeDrillReport, type DrillReport } from "./report/drillReport";
import { confirmNothingLeft, type CleanupConfirmation, type VaultRef } from "./lib/cleanupCheck";
import { planEvidence, startAzurite, uploadEvidence, type AzuriteProcess, type EvidenceTarget } from "./lib/evidence";

export enum DrillExit {
  Passed = 0,
  Usage = 2,
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
  scope?: { recoveryPlan: string } | { items: { friendlyName: string }[] };
  port: number;
  stateDir: string;
  stack: string;
  /** JSON file: one fault or an array, applied to the twin after it starts (tests). */
  twinFaults?: string;
  /** Where reports/<drill-id>/ go (default <checkout>/reports). */
  reportsDir: string;
}

export const TWIN_TOKEN = "failover-drill-twin";
/** The drill keeps one twin port across runs: ARM ids and the TestFailover state name the endpoint. */
const DEFAULT_PORT = 47123;

export function parseDrillArgs(argv: string[]): DrillOptions {
  const opts: DrillOptions = {
    keep: false,
    cleanup: false,
    fixture: path.join(ROOT, "twin", "fixtures", "contoso.yaml"),
    speed: 60,
    port: DEFAULT_PORT,
    stateDir: path.join(ROOT, ".state", "drill"),
    stack: "test",
    reportsDir: path.join(ROOT, "reports"),
  };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case "--keep":
        opts.keep = true;
        break;
      case "--cleanup":
        opts.cleanup = true;
        break;
      case "--fixture":
        opts.fixture = path.resolve(value(i++, a));
        if (!fs.existsSync(opts.fixture)) throw new UsageError(`--fixture ${opts.fixture}: no such file`);
        break;
      case "--speed": {
        const s = Number(value(i++, a));
        if (!Number.isFinite(s) || s <= 0) throw new UsageError(`--speed ${argv[i]}: expected a positive number (virtual seconds per wall second)`);
        opts.speed = s;
        break;
      }
      case "--port": {
        const p = Number(value(i++, a));
        if (!Number.isInteger(p) || p < 0 || p > 65535) throw new UsageError(`--port ${argv[i]}: expected a TCP port`);
        opts.port = p;
        break;
      }
      case "--state":
        opts.stateDir = path.resolve(value(i++, a));
        break;
      case "--stack":
        opts.stack = value(i++, a);
        break;
      case "--reports":
        opts.reportsDir = path.resolve(value(i++, a));
        break;
      case "--twin-faults":
        opts.twinFaults = path.resolve(value(i++, a));
        if (!fs.existsSync(opts.twinFaults)) throw new UsageError(`--twin-faults ${opts.twinFaults}: no such file`);
        break;
      case "--scope": {
        const s = value(i++, a);
        const m = /^(plan|items):(.+)$/.exec(s);
        if (!m) throw new UsageError(`--scope ${s}: expected plan:<recovery plan name> or items:<friendly name>[,<friendly name>...]`);
        opts.scope =
          m[1] === "plan"
            ? { recoveryPlan: m[2] }
            : { items: m[2].split(",").map((n) => n.trim()).filter(Boolean).map((friendlyName) => ({ friendlyName })) };
        break;
      }
      default:
        throw new UsageError(`unknown flag ${a}; see the header of scripts/drill.ts`);
    }
  }
  if (opts.keep && opts.cleanup) throw new UsageError("--keep and --cleanup exclude each other");
  return opts;
}

export class UsageError extends Error {}

/** Stack config for this run: Pulumi.<stack>.yaml with the --scope override, written beside the state. */
export function deriveStackConfig(
  opts: Pick<DrillOptions, "stack" | "stateDir" | "scope">,
): { file: string; vault: VaultRef; evidenceContainer: string; credentialMode: string } {
  const source = path.join(ROOT, `Pulumi.${opts.stack}.yaml`);
  // Edit the document rather than re-serialising a parsed object: that would drop quotes (a quoted
  // "2030-12-31" written bare becomes a YAML timestamp for Pulumi) and the comments.
  const doc = YAML.parseDocument(fs.readFileSync(source, "utf8"));
  if (opts.scope) {
    const recoveryPointType = doc.getIn(["config", "failover-drill:scope", "recoveryPointType"]);
    const scope: Record<string, unknown> = { ...opts.scope };
    if (recoveryPointType) scope.recoveryPointType = recoveryPointType;
    doc.setIn(["config", "failover-drill:scope"], doc.createNode(scope));
    if ("items" in opts.scope) {
      // Expected results of VMs outside the narrowed scope would be refused by the config check
      // ("is not an item of this drill"); the directory copy's DC items stay in the drill.
      const config = doc.toJS().config as Record<string, any>;
      const keep = new Set([
        ...opts.scope.items.map((i) => i.friendlyName.toLowerCase()),
        ...((config["failover-drill:directoryCopy"]?.items ?? []) as { friendlyName?: string }[]).map((i) => (i.friendlyName ?? "").toLowerCase()),
      ]);
      const expected = (config["failover-drill:expected"] ?? []) as { friendlyName: string }[];
      doc.setIn(["config", "failover-drill:expected"], doc.createNode(expected.filter((e) => keep.has(e.friendlyName.toLowerCase()))));
    }
  }
  fs.mkdirSync(opts.stateDir, { recursive: true });
  const target = path.join(opts.stateDir, `Pulumi.${opts.stack}.yaml`);
  fs.writeFileSync(target, doc.toString());
  const cfg = (doc.toJS() as { config: Record<string, any> }).config;
  return {
    file: target,
    vault: cfg["failover-drill:vault"] as VaultRef,
    evidenceContainer: String(cfg["failover-drill:storage"]?.container ?? "drill-evidence"),
    credentialMode: String(cfg["failover-drill:arm"]?.credentialMode ?? "twin"),
  };
}

function classifyUpFailure(output: string): DrillExit {
  // The TestFailover provider prefixes its errors (components/asr/provider.ts) so the runner can tell a
  // failover that did not happen from test VMs that are not as expected.
  if (/verification failed/i.test(output)) return DrillExit.VerificationFailed;
  return DrillExit.FailoverFailed;
}

function banner(text: string): void {
  process.stdout.write(`\n=== ${text} ===\n`);
}

/** A stack on the local backend with a twin started for it: what the drill and the policy check share. */
export interface DrillSession {
  stack: PulumiStack;
  twin: TwinProcess;
  config: ReturnType<typeof deriveStackConfig>;
  env: NodeJS.ProcessEnv;
  /** Saves the twin's request log to <state>/requests.json and stops the twin. */
  close(): Promise<void>;
}

export async function openDrillSession(
  opts: Pick<DrillOptions, "stack" | "stateDir" | "scope" | "fixture" | "speed" | "port" | "twinFaults">,
  mode: { keepTwinState: boolean },
): Promise<DrillSession> {
  fs.mkdirSync(opts.stateDir, { recursive: true });
  const config = deriveStackConfig(opts);
  const env = pulumiEnv({
    backendDir: path.join(ROOT, ".pulumi-state"),
    extraPath: [path.join(ROOT, "twin", "plugins", "bin")],
  });
  env.FAILOVER_DRILL_TWIN_TOKEN = TWIN_TOKEN;
  // azure-native takes the subscription from provider config, which the stand-in plugins cannot see
  // (twin/plugins/README.md): give them the vault's, so an estate in any subscription resolves.
  env.FAILOVER_DRILL_SUBSCRIPTION_ID = config.vault.subscriptionId;
  const stack = new PulumiStack({ programDir: ROOT, stack: opts.stack, env, configFile: config.file });
  await stack.selectOrCreate();
  for (const lock of stack.clearStaleLocks()) process.stdout.write(`removed a stale lock of a pulumi process that no longer runs: ${lock}\n`);

  // A new drill starts from the fixture; a kept drill (--keep, then --cleanup or another run) keeps the
  // twin's state, so the twin and the stack's state describe the same world.
  const twinState = path.join(opts.stateDir, "twin");
  if (!mode.keepTwinState && (await stack.resources()).length === 0) fs.rmSync(twinState, { recursive: true, force: true });

  const twinLog = fs.createWriteStream(path.join(opts.stateDir, "twin.log"), { flags: "a" });
  banner(`starting the Azure twin (fixture ${path.relative(ROOT, opts.fixture)}, speed x${opts.speed})`);
  const twin: TwinProcess = await startTwinProcess({
    port: opts.port,
    stateDir: twinState,
    fixture: opts.fixture,
    speed: opts.speed,
    logFile: twinLog,
  });
  process.stdout.write(`twin at ${twin.url}\n`);
  env.FAILOVER_DRILL_ARM_ENDPOINT = twin.url;
  const close = async () => {
    await saveRequestLog(twin, path.join(opts.stateDir, "requests.json"));
    await twin.stop();
    twinLog.end();
  };
  try {
    if (opts.twinFaults) await applyTwinFaults(twin.url, opts.twinFaults);
  } catch (err) {
    await close();
    throw err;
  }
  return { stack, twin, config, env, close };
}

/** POSTs each fault of the file (an object or an array) to the twin's admin API. */
async function applyTwinFaults(twinUrl: string, file: string): Promise<void> {
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
  for (const fault of Array.isArray(parsed) ? parsed : [parsed]) {
    const res = await fetch(`${twinUrl}/_twin/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(fault) });
    if (!res.ok) throw new Error(`--twin-faults ${file}: the twin refused ${JSON.stringify(fault)}: ${res.status} ${await res.text()}`);
    process.stdout.write(`twin fault injected: ${JSON.stringify(fault)}\n`);
  }
}

export interface PolicyGateResult {
  policies: PolicyEvent[];
  mandatory: PolicyEvent[];
  /** The preview itself succeeded (a mandatory violation makes it fail too). */
  previewOk: boolean;
  /** Why the preview failed when no mandatory policy explains it. */
  failure?: string;
}

/** The policy gate: `pulumi preview --policy-pack policy`, every policy event collected. Nothing is triggered. */
export async function runPolicyGate(stack: PulumiStack): Promise<PolicyGateResult> {
  banner("policy gate: pulumi preview --policy-pack policy");
  const gate = await stack.previewWithPolicies(path.join(ROOT, "policy"));
  printPolicies(gate.policies);
  const mandatory = gate.policies.filter((p) => p.enforcementLevel === "mandatory");
  return {
    policies: gate.policies,
    mandatory,
    previewOk: gate.ok,
    failure: gate.ok || mandatory.length > 0 ? undefined : gate.diagnostics.join("\n") || gate.result.output,
  };
}

export async function runDrill(opts: DrillOptions): Promise<DrillExit> {
  const session = await openDrillSession(opts, { keepTwinState: opts.cleanup });
  const { stack, twin, config } = session;
  let azurite: AzuriteProcess | undefined;
  try {
    if (opts.cleanup) return await destroyAndConfirm(stack, twin, config.vault, undefined, opts.reportsDir);

    const gate = await runPolicyGate(stack);
    if (gate.mandatory.length > 0) {
      process.stdout.write(`\nThe drill is blocked by ${gate.mandatory.length} mandatory polic${gate.mandatory.length === 1 ? "y" : "ies"}; nothing was triggered.\n`);
      return DrillExit.PolicyViolation;
    }
    if (gate.failure !== undefined) {
      process.stdout.write(`\npulumi preview failed before anything was triggered:\n${gate.failure}\n`);
      return DrillExit.FailoverFailed;
    }

    banner("drill: pulumi up --policy-pack policy");
    const up = await stack.pulumi(["up", "--yes", "--skip-preview", "--policy-pack", path.join(ROOT, "policy")], { stream: true });
    const report = await buildDrillReport({ stack, policies: gate.policies, upSucceeded: up.code === 0, upOutput: up.output });
    let exit = up.code === 0 ? (report.verdict === "passed" ? DrillExit.Passed : DrillExit.VerificationFailed) : classifyUpFailure(up.output);

    // Evidence before destroy: in Azure the evidence container is destroyed with the drill.
    const evidence = await evidenceTarget(opts, session);
    azurite = evidence.azurite;
    await publishReport(report, evidence.target, opts.reportsDir);

    if (opts.keep) {
      process.stdout.write(`\nThe drill is left up (--keep). Clean it up with: npm run drill -- --cleanup\n`);
      return exit;
    }
    const cleanupExit = await destroyAndConfirm(stack, twin, config.vault, report, opts.reportsDir);
    // Azurite outlives the drill: the evidence there also carries the cleanup confirmation.
    if (evidence.target?.kind === "azurite") await publishReport(report, evidence.target, opts.reportsDir);
    if (exit === DrillExit.Passed && cleanupExit !== DrillExit.Passed) exit = cleanupExit;
    banner(exit === DrillExit.Passed ? "drill PASSED" : `drill FAILED (exit ${exit}: ${DrillExit[exit]})`);
    return exit;
  } finally {
    await azurite?.stop();
    await session.close();
  }
}

/**
 * Where the evidence goes: Azurite (started here, data in <state>/azurite) when the stack runs on the
 * twin; the drill's storage account (stack output storageAccountName) with credential mode `default`.
 */
async function evidenceTarget(opts: DrillOptions, session: DrillSession): Promise<{ target?: EvidenceTarget; azurite?: AzuriteProcess }> {
  const container = session.config.evidenceContainer;
  try {
    if (session.config.credentialMode === "default") {
      const accountName = (await session.stack.outputs()).storageAccountName;
      if (typeof accountName !== "string" || !accountName) {
        process.stdout.write("no evidence upload: the stack has no storageAccountName output (did `pulumi up` create the drill storage?)\n");
        return {};
      }
      return { target: { kind: "azure", accountName, container } };
    }
    const log = fs.createWriteStream(path.join(opts.stateDir, "azurite.log"), { flags: "a" });
    const azurite = await startAzurite({ location: path.join(opts.stateDir, "azurite"), logFile: log });
    process.stdout.write(`Azurite (evidence store) at ${azurite.blobEndpoint}\n`);
    return { target: { kind: "azurite", blobEndpoint: azurite.blobEndpoint, container }, azurite };
  } catch (err) {
    process.stdout.write(`no evidence upload: ${(err as Error).message}\n`);
    return {};
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

/**
 * Keeps the twin's request log beside the drill state: evidence of exactly which ARM/ASR operations the
 * drill sent (the twin keeps it in memory only).
 */
async function saveRequestLog(twin: TwinProcess, file: string): Promise<void> {
  try {
    const res = await fetch(`${twin.url}/_twin/requests`);
    if (res.ok) fs.writeFileSync(file, JSON.stringify(await res.json(), null, 1));
  } catch (err) {
    process.stderr.write(`could not save the twin's request log: ${(err as Error).message}\n`);
  }
}

async function destroyAndConfirm(
  stack: PulumiStack,
  twin: TwinProcess,
  vault: VaultRef,
  report: DrillReport | undefined,
  reportsDir: string,
): Promise<DrillExit> {
  banner("cleanup: pulumi destroy");
  const destroy = await stack.pulumi(["destroy", "--yes", "--skip-preview"], { stream: true });
  const confirmation: CleanupConfirmation = await confirmNothingLeft(twin.url, TWIN_TOKEN, vault, destroy.code === 0);
  if (report) {
    report.cleanup = confirmation;
    const dir = writeDrillReport(report, ROOT, reportsDir);
    process.stdout.write(`\nreport: ${path.relative(ROOT, dir)}\n`);
  }
  process.stdout.write(
    confirmation.clean
      ? `cleanup confirmed: no test VM, NIC or disk left; every protected item free for a test failover again\n`
      : `cleanup NOT confirmed:\n  ${[...(destroy.code === 0 ? [] : ["pulumi destroy failed"]), ...confirmation.leftovers].join("\n  ")}\n`,
  );
  return confirmation.clean && destroy.code === 0 ? DrillExit.Passed : DrillExit.CleanupFailed;
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

if (require.main === module) {
  let opts: DrillOptions;
  try {
    opts = parseDrillArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`drill: ${(err as Error).message}\n`);
    process.exit(DrillExit.Usage);
  }
  runDrill(opts).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`drill: ${(err as Error).stack ?? err}\n`);
      process.exit(DrillExit.FailoverFailed);
    },
  );
}
