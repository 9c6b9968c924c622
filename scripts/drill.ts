// `npm run drill`: the main job on the Azure twin. Starts the twin with a fixture, selects or creates the
// `test` stack on the local backend, runs the policy gate (preview with the pack), `pulumi up` (Pulumi's
// progress plus the provider's task progress), writes the drill report, runs `pulumi destroy`, confirms
// nothing is left, stops the twin, and exits 0 only when the drill passed.
//
//   npm run drill -- [--keep] [--cleanup] [--fixture FILE] [--speed X] [--scope plan:<name>|items:<a,b>]
//                    [--port N] [--state DIR] [--stack NAME]
//
// Exit codes tell what went wrong (DrillExit below).
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ROOT, PulumiStack, pulumiEnv, type PolicyEvent } from "./lib/pulumiCli";
import { startTwinProcess, type TwinProcess } from "./lib/twinProcess";
import { buildDrillReport, writeDrillReport, type DrillReport } from "./report/drillReport";
import { confirmNothingLeft, type CleanupConfirmation, type VaultRef } from "./lib/cleanupCheck";

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
}

const TWIN_TOKEN = "failover-drill-twin";
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
export function deriveStackConfig(opts: DrillOptions): { file: string; vault: VaultRef } {
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
  const vault = (doc.toJS() as { config: Record<string, unknown> }).config["failover-drill:vault"] as VaultRef;
  return { file: target, vault };
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

export async function runDrill(opts: DrillOptions): Promise<DrillExit> {
  fs.mkdirSync(opts.stateDir, { recursive: true });
  const config = deriveStackConfig(opts);
  const env = pulumiEnv({
    backendDir: path.join(ROOT, ".pulumi-state"),
    extraPath: [path.join(ROOT, "twin", "plugins", "bin")],
  });
  env.FAILOVER_DRILL_TWIN_TOKEN = TWIN_TOKEN;
  const stack = new PulumiStack({ programDir: ROOT, stack: opts.stack, env, configFile: config.file });
  await stack.selectOrCreate();
  for (const lock of stack.clearStaleLocks()) process.stdout.write(`removed a stale lock of a pulumi process that no longer runs: ${lock}\n`);

  // A new drill starts from the fixture; a kept drill (--keep, then --cleanup or another run) keeps the
  // twin's state, so the twin and the stack's state describe the same world.
  const twinState = path.join(opts.stateDir, "twin");
  if (!opts.cleanup && (await stack.resources()).length === 0) fs.rmSync(twinState, { recursive: true, force: true });

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

  try {
    if (opts.cleanup) return await destroyAndConfirm(stack, twin, config.vault, undefined);

    banner("policy gate: pulumi preview --policy-pack policy");
    const gate = await stack.previewWithPolicies(path.join(ROOT, "policy"));
    printPolicies(gate.policies);
    const mandatory = gate.policies.filter((p) => p.enforcementLevel === "mandatory");
    if (mandatory.length > 0) {
      process.stdout.write(`\nThe drill is blocked by ${mandatory.length} mandatory polic${mandatory.length === 1 ? "y" : "ies"}; nothing was triggered.\n`);
      return DrillExit.PolicyViolation;
    }
    if (!gate.ok) {
      process.stdout.write(`\npulumi preview failed before anything was triggered:\n${gate.diagnostics.join("\n") || gate.result.output}\n`);
      return DrillExit.FailoverFailed;
    }

    banner("drill: pulumi up --policy-pack policy");
    const up = await stack.pulumi(["up", "--yes", "--skip-preview", "--policy-pack", path.join(ROOT, "policy")], { stream: true });
    const report = await buildDrillReport({ stack, policies: gate.policies, upSucceeded: up.code === 0, upOutput: up.output });
    let exit = up.code === 0 ? (report.verdict === "passed" ? DrillExit.Passed : DrillExit.VerificationFailed) : classifyUpFailure(up.output);

    if (opts.keep) {
      const dir = writeDrillReport(report, ROOT);
      process.stdout.write(`\nreport: ${path.relative(ROOT, dir)}\nThe drill is left up (--keep). Clean it up with: npm run drill -- --cleanup\n`);
      return exit;
    }
    const cleanupExit = await destroyAndConfirm(stack, twin, config.vault, report);
    if (exit === DrillExit.Passed && cleanupExit !== DrillExit.Passed) exit = cleanupExit;
    banner(exit === DrillExit.Passed ? "drill PASSED" : `drill FAILED (exit ${exit}: ${DrillExit[exit]})`);
    return exit;
  } finally {
    await saveRequestLog(twin, path.join(opts.stateDir, "requests.json"));
    await twin.stop();
    twinLog.end();
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
): Promise<DrillExit> {
  banner("cleanup: pulumi destroy");
  const destroy = await stack.pulumi(["destroy", "--yes", "--skip-preview"], { stream: true });
  const confirmation: CleanupConfirmation = await confirmNothingLeft(twin.url, TWIN_TOKEN, vault, destroy.code === 0);
  if (report) {
    report.cleanup = confirmation;
    const dir = writeDrillReport(report, ROOT);
    process.stdout.write(`\nreport: ${path.relative(ROOT, dir)}\n`);
  }
  process.stdout.write(
    confirmation.clean
      ? `cleanup confirmed: no test VM, NIC or disk left; every protected item back to testFailoverState None\n`
      : `cleanup NOT confirmed:\n  ${[...(destroy.code === 0 ? [] : ["pulumi destroy failed"]), ...confirmation.leftovers].join("\n  ")}\n`,
  );
  return confirmation.clean && destroy.code === 0 ? DrillExit.Passed : DrillExit.CleanupFailed;
}

function printPolicies(policies: PolicyEvent[]): void {
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
