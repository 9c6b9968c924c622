// The drill's start record, written before the first pulumi command: the targets (RTO, RPO) and the
// scope as config states them, who runs the drill and why, from which commit, and each protected item's
// health as the vault reports it then. The report takes its targets from this record, never from what
// the run recorded later, so a target cannot be moved to fit the result; start.json is uploaded with the
// evidence and covered by the manifest.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parseEvidenceConfig, type EvidenceConfig } from "../../components/config";
import type { ItemHealth } from "./evidenceReadback";
import { gitState, toolVersion, type RanBy, type Trigger } from "./drillIdentity";

export const START_FILE = "start.json";

export interface DrillStart {
  drillId: string;
  stack: string;
  owner: string;
  startedAt: string;
  targets: { rtoMinutes?: number; rpoMinutes?: number; recordedAt: string };
  /** The scope as configured (the resolved one comes from the TestFailover resources). */
  configuredScope: { recoveryPlan?: string; recoveryPlans?: string[]; items?: string[]; directoryCopy: string[] };
  evidence?: EvidenceConfig;
  trigger: Trigger;
  ranBy: RanBy;
  gitCommit: string;
  gitDirty: boolean;
  toolVersion: string;
  /** Health of the vault's protected items before the run; `healthError` when it could not be read. */
  health?: ItemHealth[];
  healthError?: string;
}

const num = (v: unknown): number | undefined => {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};

type Item = { friendlyName?: string; name?: string };
const itemName = (i: Item) => i.friendlyName ?? i.name ?? "?";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the stack file is untyped YAML; each section has its own parser (parseEvidenceConfig) that checks its shape
type StackConfig = Record<string, any>;

/**
 * The start record from the stack config file the run uses. Throws an Error listing every problem of the
 * `failover-drill:evidence` section (the runner turns it into its bad-config exit before anything runs).
 */
export function readDrillStart(input: {
  configFile: string;
  stack: string;
  root: string;
  trigger: Trigger;
  ranBy: RanBy;
  now?: Date;
}): DrillStart {
  const config = ((YAML.parse(fs.readFileSync(input.configFile, "utf8")) as { config?: StackConfig })?.config ?? {}) as StackConfig;
  const at = (input.now ?? new Date()).toISOString();
  const evidence = parseEvidenceConfig(config["failover-drill:evidence"]);
  if (evidence.problems.length)
    throw new Error(
      `The drill configuration has ${evidence.problems.length} problem(s) (fix them in Pulumi.${input.stack}.yaml):\n  - ${evidence.problems.join("\n  - ")}`,
    );
  const scope = (config["failover-drill:scope"] ?? {}) as { recoveryPlan?: string; recoveryPlans?: string[]; items?: Item[] };
  const drill = (config["failover-drill:drill"] ?? {}) as { id?: string; owner?: string };
  return {
    drillId: String(drill.id ?? "unknown-drill"),
    stack: input.stack,
    owner: String(drill.owner ?? "unassigned"),
    startedAt: at,
    targets: {
      rtoMinutes: num(config["failover-drill:rtoTargetMinutes"]),
      rpoMinutes: evidence.evidence?.rpoTargetMinutes,
      recordedAt: at,
    },
    configuredScope: {
      recoveryPlan: scope.recoveryPlan,
      ...(scope.recoveryPlans ? { recoveryPlans: scope.recoveryPlans } : {}),
      items: scope.items?.map(itemName),
      directoryCopy: ((config["failover-drill:directoryCopy"]?.items ?? []) as Item[]).map(itemName),
    },
    evidence: evidence.evidence,
    trigger: input.trigger,
    ranBy: input.ranBy,
    ...gitState(input.root),
    toolVersion: toolVersion(input.root),
  };
}

export function writeDrillStart(start: DrillStart, reportDir: string): string {
  fs.mkdirSync(reportDir, { recursive: true });
  const file = path.join(reportDir, START_FILE);
  fs.writeFileSync(file, JSON.stringify(start, null, 2) + "\n");
  return file;
}
