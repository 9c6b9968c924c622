// A stack's config as the runner needs it, read from Pulumi.<stack>.yaml before anything is written:
// the vault, the `failover-drill:arm` section resolved as the program resolves it, the retained evidence
// store (`failover-drill:evidence`); and the copy of the file the runner hands Pulumi (with a --scope
// override).
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { patternMatches } from "../../components/expectedRules";
import { ARM_ENDPOINT_ENV, parseEvidenceConfig, resolveArmConfig } from "../../components/config";
import type { ArmConnection, VaultRef } from "../../components/drillTypes";
import { ROOT } from "./checkout";
import { BadInputError } from "./runnerErrors";

export { ARM_ENDPOINT_ENV };

export type ScopeOverride = { recoveryPlan: string } | { recoveryPlans: string[] } | { items: { friendlyName: string }[] };

export interface StackConfig {
  stack: string;
  /** The derived copy handed to Pulumi as --config-file. */
  file: string;
  vault: VaultRef;
  /** Resolved as the program will; `endpoint` is "" when the runner is to provide a local endpoint. */
  arm: ArmConnection;
  /** The drill's own storage container (failover-drill:storage; diagnostics, destroyed with the drill). */
  evidenceContainer: string;
  /** The retained evidence store (failover-drill:evidence); undefined when the stack names none. */
  evidence?: { storageAccountId: string; accountName: string; container: string };
  /** How many ASR test failovers the drill triggers (the AD/DNS copy's, then one per plan or item set). */
  testFailovers: number;
}

export function stackFile(stack: string, programDir = ROOT): string {
  return path.join(programDir, `Pulumi.${stack}.yaml`);
}

/** The stacks this checkout has config for (Pulumi.<name>.yaml beside Pulumi.yaml). */
export function knownStacks(programDir = ROOT): string[] {
  return fs
    .readdirSync(programDir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** The arm section resolved for the runner: a staticToken stack without endpoint gets its endpoint from the runner. */
export function armOfStack(raw: unknown, file: string): ArmConnection {
  const section = raw as { credentialMode?: unknown; endpoint?: unknown } | undefined;
  const local =
    typeof section === "object" && section !== null && section.credentialMode === "staticToken" && section.endpoint === undefined;
  // Checked with a stand-in loopback endpoint so every other rule of the section still applies.
  const { arm, problems } = resolveArmConfig(raw, local ? { [ARM_ENDPOINT_ENV]: "http://127.0.0.1:1" } : {});
  if (!arm) throw new BadInputError(`${path.relative(ROOT, file) || file}: ${problems.join("; ")}`);
  return local ? { ...arm, endpoint: "" } : arm;
}

/** Reads Pulumi.<stack>.yaml; an unknown stack or a bad arm/vault section is refused here. */
export function readStackDocument(stack: string, programDir = ROOT): { file: string; doc: YAML.Document; config: Record<string, unknown> } {
  const file = stackFile(stack, programDir);
  if (!fs.existsSync(file)) {
    throw new BadInputError(
      `unknown stack ${JSON.stringify(stack)}: no ${path.relative(ROOT, file)} (stacks with config here: ${knownStacks(programDir).join(", ") || "none"}); copy examples/Pulumi.azure-example.yaml to start one`,
    );
  }
  const doc = YAML.parseDocument(fs.readFileSync(file, "utf8"));
  if (doc.errors.length > 0) throw new BadInputError(`${path.relative(ROOT, file)}: not valid YAML: ${doc.errors[0].message}`);
  const config = ((doc.toJS() as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<string, unknown>;
  return { file, doc, config };
}

function vaultOf(config: Record<string, unknown>, file: string): VaultRef {
  const vault = config["failover-drill:vault"] as Partial<VaultRef> | undefined;
  if (!vault?.subscriptionId || !vault.resourceGroup || !vault.name) {
    throw new BadInputError(
      `${path.relative(ROOT, file)}: failover-drill:vault: ${JSON.stringify(vault)} needs subscriptionId, resourceGroup and name`,
    );
  }
  return vault as VaultRef;
}

/** The retained evidence store the stack names, checked as the program checks it. */
export function evidenceOfStack(raw: unknown, file: string): StackConfig["evidence"] {
  if (raw === undefined) return undefined;
  const { evidence, problems } = parseEvidenceConfig(raw);
  if (!evidence) throw new BadInputError(`${path.relative(ROOT, file) || file}: ${problems.join("; ")}`);
  const accountName = evidence.storageAccountId.split("/").pop()!;
  return { storageAccountId: evidence.storageAccountId, accountName, container: evidence.container };
}

/** What the runner reads of a stack without handing anything to Pulumi (the janitor). */
export function readStackSettings(stack: string): Omit<StackConfig, "file" | "testFailovers"> {
  const { file, config } = readStackDocument(stack);
  const storage = config["failover-drill:storage"] as { container?: string } | undefined;
  return {
    stack,
    vault: vaultOf(config, file),
    arm: armOfStack(config["failover-drill:arm"], file),
    evidenceContainer: String(storage?.container ?? "drill-evidence"),
    evidence: evidenceOfStack(config["failover-drill:evidence"], file),
  };
}

/** The stack's config with the --scope override, written to <stateDir>/Pulumi.<stack>.yaml for Pulumi. */
export function deriveStackConfig(opts: { stack: string; stateDir: string; scope?: ScopeOverride }): StackConfig {
  const { file: source, doc, config } = readStackDocument(opts.stack);
  const vault = vaultOf(config, source);
  const arm = armOfStack(config["failover-drill:arm"], source);
  const evidence = evidenceOfStack(config["failover-drill:evidence"], source);
  // Edit the document rather than re-serialising a parsed object: that would drop quotes (a quoted
  // "2030-12-31" written bare becomes a YAML timestamp for Pulumi) and the comments.
  if (opts.scope) {
    const recoveryPointType = doc.getIn(["config", "failover-drill:scope", "recoveryPointType"]);
    const scope: Record<string, unknown> = { ...opts.scope };
    if (recoveryPointType) scope.recoveryPointType = recoveryPointType;
    doc.setIn(["config", "failover-drill:scope"], doc.createNode(scope));
    if ("items" in opts.scope) {
      // Expected results of VMs outside the narrowed scope would be refused by the config check
      // ("is not an item of this drill"); the directory copy's DC items stay in the drill.
      const dcItems = ((config["failover-drill:directoryCopy"] as { items?: { friendlyName?: string }[] } | undefined)?.items ?? []).map(
        (i) => (i.friendlyName ?? "").toLowerCase(),
      );
      const keep = new Set([...opts.scope.items.map((i) => i.friendlyName.toLowerCase()), ...dcItems]);
      const expected = (config["failover-drill:expected"] ?? []) as { friendlyName: string }[];
      doc.setIn(["config", "failover-drill:expected"], doc.createNode(expected.filter((e) => keep.has(e.friendlyName.toLowerCase()))));
      // Likewise rules whose pattern matches none of the narrowed items (and no DC).
      const rules = config["failover-drill:expectedRules"] as { match?: string }[] | undefined;
      if (Array.isArray(rules)) {
        const kept = rules.filter((r) => typeof r?.match !== "string" || [...keep].some((name) => patternMatches(r.match!, name)));
        doc.setIn(["config", "failover-drill:expectedRules"], doc.createNode(kept));
      }
    }
  }
  fs.mkdirSync(opts.stateDir, { recursive: true });
  const derived = ((doc.toJS() as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<string, unknown>;
  const target = path.join(opts.stateDir, `Pulumi.${opts.stack}.yaml`);
  fs.writeFileSync(target, doc.toString());
  const storage = config["failover-drill:storage"] as { container?: string } | undefined;
  return {
    stack: opts.stack,
    file: target,
    vault,
    arm,
    evidenceContainer: String(storage?.container ?? "drill-evidence"),
    evidence,
    testFailovers: testFailoversOf(derived),
  };
}

/**
 * The TestFailover resources the program will create for this config (components/drDrill.ts one per
 * recovery plan or one for the item list; components/directoryServicesCopy.ts one for the DC copy).
 * Only a count for sizing the engine's parallelism: the program checks the config itself.
 */
export function testFailoversOf(config: Record<string, unknown>): number {
  const scope = (config["failover-drill:scope"] ?? {}) as { recoveryPlan?: unknown; recoveryPlans?: unknown; items?: unknown };
  const plans =
    scope.recoveryPlan !== undefined
      ? 1
      : Array.isArray(scope.recoveryPlans)
        ? scope.recoveryPlans.length
        : scope.items !== undefined
          ? 1
          : 0;
  return (config["failover-drill:directoryCopy"] !== undefined ? 1 : 0) + plans;
}
