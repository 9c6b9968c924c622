// `npm run drill`: the main job on the Azure twin. Starts the twin with a fixture, selects or creates the
// `test` stack on the local backend, runs the policy gate (preview with the pack), `pulumi up` (Pulumi's
// progress plus the provider's task progress), writes the drill report, runs `pulumi destroy`, confirms
// nothing is left, stops the twin, and exits 0 only when the drill passed.
//
//   npm run drill -- [--keep] [--cleanup] [--fixture FILE] [--speed X] [--scope plan:<name>|items:<a,b>]
//                    [--port N] [--state DIR] [--stack NAME]
//                    [--trigger manual|scheduled|change] [--trigger-ref REF] [--evidence-dir DIR]
//
// Hidden (tests): --twin-faults FILE — a JSON fault or array of faults POSTed to the twin's /_twin/faults
// right after it starts (twin/README.md, "Faults"); --reports DIR — write reports to DIR/<drill-id>
// instead of reports/<drill-id>, so concurrent test drills never overwrite each other's report.
//
// Evidence (scripts/lib/evidenceRun.ts; the calls below are marked `evidence:`): a start record and the
// evidence store preflight before the gate, the report (schema v2) after up, uploaded before destroy and
// again after the cleanup confirmation to the retained store failover-drill:evidence — served by Azurite
// in twin mode (data in --evidence-dir, default .state/evidence-store, kept across drills).
// --trigger (default manual) and --trigger-ref say why the drill ran (a schedule, a change ticket).
//
// Exit codes tell what went wrong (DrillExit below). The pieces (session, policy gate) are shared with
// `npm run policy:check` (scripts/policyCheck.ts).
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ROOT, PulumiStack, pulumiEnv, type PolicyEvent } from "./lib/pulumiCli";
import { startTwinProcess, type TwinProcess } from "./lib/twinProcess";
import { confirmNothingLeft, type CleanupConfirmation, type VaultRef } from "./lib/cleanupCheck";
// evidence: report, retained store, trend
import { DrillEvidence } from "./lib/evidenceRun";
import { EvidenceStoreError, parseStorageAccountId, type EvidenceTarget } from "./lib/evidence";
import { azuriteTarget, ensureAzuriteContainer, startAzurite, type AzuriteProcess } from "./lib/evidenceAzurite";
import { armReader } from "./report/armReader";
import type { Trigger } from "./report/drillIdentity";

export enum DrillExit {
  Passed = 0,
  Usage = 2,
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
  scope?: { recoveryPlan: string } | { items: { friendlyName: string }[] };
  port: number;
  stateDir: string;
  stack: string;
  /** JSON file: one fault or an array, applied to the twin after it starts (tests). */
  twinFaults?: string;
  /** Where reports/<drill-id>/ go (default <checkout>/reports). */
  reportsDir: string;
  /** evidence: why the drill runs (--trigger, --trigger-ref). */
  trigger: Trigger;
  /** evidence: Azurite's data folder in twin mode (outside the drill state: it keeps every drill's evidence). */
  evidenceDir?: string;
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
    trigger: { kind: "manual" },
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
      // evidence: trigger and the twin-mode evidence store folder
      case "--trigger": {
        const kind = value(i++, a);
        if (kind !== "manual" && kind !== "scheduled" && kind !== "change") throw new UsageError(`--trigger ${kind}: expected manual, scheduled or change`);
        opts.trigger = { ...opts.trigger, kind };
        break;
      }
      case "--trigger-ref":
        opts.trigger = { ...opts.trigger, reference: value(i++, a) };
        break;
      case "--evidence-dir":
        opts.evidenceDir = path.resolve(value(i++, a));
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
): { file: string; vault: VaultRef; evidence?: { storageAccountId?: string; container?: string }; credentialMode: string } {
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
    evidence: cfg["failover-drill:evidence"],
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
    const evidenceOptions = (target?: EvidenceTarget) => ({
      root: ROOT,
      stack: opts.stack,
      configFile: config.file,
      reportsDir: opts.reportsDir,
      trigger: opts.trigger,
      vault: config.vault,
      arm: armReader(twin.url, async () => TWIN_TOKEN),
      target,
      log: (line: string) => process.stdout.write(`${line}\n`),
    });
    if (opts.cleanup) {
      // evidence: a drill kept up with --keep gets its cleanup confirmation in its own evidence; a store
      // problem never stops a cleanup.
      let kept: DrillEvidence | undefined;
      try {
        const store = await evidenceStore(opts, session);
        azurite = store.azurite;
        kept = await DrillEvidence.resume(evidenceOptions(store.target), { stack });
      } catch (err) {
        process.stdout.write(`the kept drill's evidence is not updated: ${(err as Error).message}\n`);
      }
      return await destroyAndConfirm(stack, twin, config.vault, kept);
    }

    // evidence: start record, evidence store preflight and trend, before anything is triggered.
    let evidence: DrillEvidence;
    try {
      const store = await evidenceStore(opts, session);
      azurite = store.azurite;
      evidence = await DrillEvidence.begin(evidenceOptions(store.target));
    } catch (err) {
      process.stdout.write(`\nThe drill cannot keep its evidence; nothing was triggered:\n  ${(err as Error).message}\n`);
      return err instanceof EvidenceStoreError ? DrillExit.EvidenceUnavailable : DrillExit.FailoverFailed;
    }

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
    // evidence: the report, written and uploaded before destroy (readback of ARM while the drill is up).
    const dir = await evidence.afterUp({ stack, policies: gate.policies, upSucceeded: up.code === 0, upOutput: up.output });
    process.stdout.write(`\nreport: ${path.relative(ROOT, dir)}\n`);
    const report = evidence.report!;
    let exit = up.code === 0 ? (report.verdict === "passed" ? DrillExit.Passed : DrillExit.VerificationFailed) : classifyUpFailure(up.output);

    if (opts.keep) {
      process.stdout.write(`\nThe drill is left up (--keep). Clean it up with: npm run drill -- --cleanup\n`);
      return exit;
    }
    const cleanupExit = await destroyAndConfirm(stack, twin, config.vault, evidence);
    if (exit === DrillExit.Passed && cleanupExit !== DrillExit.Passed) exit = cleanupExit;
    banner(exit === DrillExit.Passed ? "drill PASSED" : `drill FAILED (exit ${exit}: ${DrillExit[exit]})`);
    return exit;
  } finally {
    await azurite?.stop();
    await session.close();
  }
}

/**
 * evidence: the retained store of failover-drill:evidence. In twin mode (where the twin is started) Azurite
 * serves the configured account name from --evidence-dir (default .state/evidence-store, beside and
 * outside the drill state, so the history stays across drills); on Azure, the account's blob endpoint
 * with DefaultAzureCredential (public cloud suffix).
 */
async function evidenceStore(opts: DrillOptions, session: DrillSession): Promise<{ target?: EvidenceTarget; azurite?: AzuriteProcess }> {
  const cfg = session.config.evidence;
  if (!cfg?.storageAccountId) return {};
  const account = parseStorageAccountId(cfg.storageAccountId);
  const container = cfg.container ?? "drill-evidence";
  if (session.config.credentialMode === "default") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
    return { target: { store: "azure", accountId: cfg.storageAccountId, accountName: account.accountName, container, blobEndpoint: `https://${account.accountName}.blob.core.windows.net`, credential: new DefaultAzureCredential() } };
  }
  const location = opts.evidenceDir ?? path.join(path.dirname(opts.stateDir), "evidence-store");
  const log = fs.createWriteStream(path.join(opts.stateDir, "azurite.log"), { flags: "a" });
  const azurite = await startAzurite({ location, accounts: [account.accountName], logFile: log });
  process.stdout.write(`Azurite (evidence store ${account.accountName}, data in ${path.relative(ROOT, location) || location}) at ${azurite.endpoint}\n`);
  const target = azuriteTarget(azurite, cfg.storageAccountId, account.accountName, container);
  await ensureAzuriteContainer(target);
  return { target, azurite };
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

async function destroyAndConfirm(stack: PulumiStack, twin: TwinProcess, vault: VaultRef, evidence: DrillEvidence | undefined): Promise<DrillExit> {
  banner("cleanup: pulumi destroy");
  const destroy = await stack.pulumi(["destroy", "--yes", "--skip-preview"], { stream: true });
  const confirmation: CleanupConfirmation = await confirmNothingLeft(twin.url, TWIN_TOKEN, vault, destroy.code === 0);
  // evidence: the report again, with the cleanup confirmation, written and uploaded.
  if (evidence) process.stdout.write(`\nreport: ${path.relative(ROOT, await evidence.afterCleanup(confirmation))}\n`);
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
