// One drill run's evidence, behind three calls the runner makes (scripts/drill.ts, marked "evidence"):
//   begin()        before the policy gate: start record (targets, identity, health before the run),
//                  evidence store preflight (exists, writable, WORM advisory), trend from the store;
//   afterUp()      after `pulumi up`: the report from the recorded TestFailovers + ARM readback
//                  (recovery points, failing tasks, isolation), written and uploaded before destroy;
//   afterCleanup() after the cleanup confirmation: the same report with it, written and uploaded again.
// A failed upload is recorded in the report (and as a finding), it does not change the drill's exit code.
import * as fs from "fs";
import * as path from "path";
import type { CleanupConfirmation } from "./cleanupCheck";
import type { DrillStack, PolicyEvent, PulumiStep } from "./drillStack";
import {
  containerClientOf,
  planEvidence,
  preflightEvidenceStore,
  uploadEvidence,
  type EvidencePreflight,
  type EvidenceRecord,
  type EvidenceTarget,
} from "./evidence";
import { readTrend } from "./evidenceTrend";
import type { ArmReader } from "../report/armReader";
import {
  bastionFromState,
  composeReport,
  recordedTestFailovers,
  writeDrillReport,
  type DrillReport,
  type ReportParts,
  type TrendInput,
} from "../report/drillReport";
import { readDrillStart, START_FILE, writeDrillStart, type DrillStart } from "../report/drillStart";
import type { Trigger } from "../report/drillIdentity";
import { ranByOf } from "../report/drillIdentity";
import { readIsolation, readItemHealth, readJobs, type VaultPath } from "../report/evidenceReadback";

/** What the evidence needs of the stack: its recorded resources and its update history. */
export type EvidenceStack = Pick<DrillStack, "resources" | "history">;

export interface EvidenceRunOptions {
  root: string;
  stack: string;
  configFile: string;
  reportsDir: string;
  trigger: Trigger;
  vault: VaultPath;
  arm: ArmReader;
  /** The ARM token (for the identity's claims); undefined when it is not a JWT or not at hand. */
  armToken?: string;
  /** The retained store; undefined when failover-drill:evidence is not configured. */
  target?: EvidenceTarget;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export class DrillEvidence {
  private parts: ReportParts;
  private record?: EvidenceRecord;
  report?: DrillReport;

  private constructor(
    private readonly opts: EvidenceRunOptions,
    readonly start: DrillStart,
    private readonly preflight: EvidencePreflight | undefined,
    private readonly trend: TrendInput,
  ) {
    this.parts = { start, failovers: [], policies: [], upSucceeded: false, upOutput: "", trend };
    if (opts.target) this.record = { ...planEvidence(opts.target, start.stack, start.drillId, start.startedAt), preflight };
  }

  get reportDir(): string {
    return path.join(this.opts.reportsDir, this.start.drillId);
  }

  /** Throws EvidenceStoreError (from the preflight) or a config Error before anything is written to Azure. */
  static async begin(opts: EvidenceRunOptions): Promise<DrillEvidence> {
    const start = readDrillStart({
      configFile: opts.configFile,
      stack: opts.stack,
      root: opts.root,
      trigger: opts.trigger,
      ranBy: ranByOf(opts.armToken, opts.env ?? process.env),
    });
    const run = await DrillEvidence.open(opts, start);
    try {
      start.health = [...(await readItemHealth(opts.arm, opts.vault)).values()];
    } catch (err) {
      start.healthError = (err as Error).message.split("\n")[0];
    }
    writeDrillStart(start, run.reportDir);
    return run;
  }

  /**
   * `--cleanup` of a drill kept up with `--keep`: the kept run's start record and report from this
   * reports folder, so the cleanup confirmation lands in the same evidence (same prefix). Undefined when
   * no kept report of this drill is here (the drill was kept from another checkout).
   */
  static async resume(opts: EvidenceRunOptions, input: { stack: EvidenceStack }): Promise<DrillEvidence | undefined> {
    const probe = readDrillStart({
      configFile: opts.configFile,
      stack: opts.stack,
      root: opts.root,
      trigger: opts.trigger,
      ranBy: ranByOf(opts.armToken, opts.env ?? process.env),
    });
    const dir = path.join(opts.reportsDir, probe.drillId);
    if (!fs.existsSync(path.join(dir, START_FILE)) || !fs.existsSync(path.join(dir, "report.json"))) return undefined;
    const start = JSON.parse(fs.readFileSync(path.join(dir, START_FILE), "utf8")) as DrillStart;
    const kept = JSON.parse(fs.readFileSync(path.join(dir, "report.json"), "utf8")) as DrillReport;
    if (kept.startedAt !== start.startedAt || kept.cleanup) return undefined;
    const run = await DrillEvidence.open(opts, start);
    await run.collect({
      stack: input.stack,
      policies: kept.policies as PolicyEvent[],
      upSucceeded: kept.upSucceeded,
      upOutput: "",
      pulumiSteps: kept.pulumiSteps,
    });
    run.parts = {
      ...run.parts,
      earlierCauses: kept.causes.filter((c) => c.source === "engine"),
      deviations: [`kept up with --keep; cleaned up by a later run started ${probe.startedAt}`],
    };
    return run;
  }

  private static async open(opts: EvidenceRunOptions, start: DrillStart): Promise<DrillEvidence> {
    const log = opts.log ?? (() => {});
    let preflight: EvidencePreflight | undefined;
    let trend: TrendInput = { previous: [] };
    if (opts.target) {
      const container = containerClientOf(opts.target);
      preflight = await preflightEvidenceStore(container, opts.target, { stack: start.stack, drillId: start.drillId });
      log(
        `evidence store ${opts.target.accountName}/${opts.target.container}: writable; version-level immutability (WORM) ${preflight.versionLevelImmutability ? "enabled" : "NOT enabled (advisory)"}`,
      );
      try {
        const current = planEvidence(opts.target, start.stack, start.drillId, start.startedAt).prefix;
        trend = await readTrend(container, start.stack, start.evidence?.trend.drills ?? 8, current);
        log(`trend: ${trend.previous.length} earlier drill(s) of stack ${start.stack} in the evidence store`);
      } catch (err) {
        trend = { previous: [], error: `could not read the earlier drills: ${(err as Error).message.split("\n")[0]}` };
      }
    } else {
      log("no retained evidence store configured (failover-drill:evidence): the report stays local");
    }
    return new DrillEvidence(opts, start, preflight, trend);
  }

  /** After `pulumi up` (also when it failed): compose, write, upload. Returns the report folder. */
  async afterUp(input: {
    stack: EvidenceStack;
    policies: PolicyEvent[];
    upSucceeded: boolean;
    upOutput: string;
    pulumiSteps?: PulumiStep[];
  }): Promise<string> {
    await this.collect(input);
    return this.publish();
  }

  /** The recorded TestFailovers and what ARM says while the drill is up. */
  private async collect(input: {
    stack: EvidenceStack;
    policies: PolicyEvent[];
    upSucceeded: boolean;
    upOutput: string;
    pulumiSteps?: PulumiStep[];
  }): Promise<void> {
    const failovers = await recordedTestFailovers(input.stack);
    const requested = new Map<string, string>();
    const itemIds = new Map<string, string>();
    for (const f of failovers)
      for (const i of f.outputs.items ?? []) {
        requested.set(i.friendlyName.toLowerCase(), `${f.outputs.recoveryPointType} (requested)`);
        itemIds.set(i.friendlyName.toLowerCase(), i.protectedItemId);
      }
    const jobs = await readJobs(
      this.opts.arm,
      this.opts.vault,
      failovers.flatMap((f) => f.outputs.jobIds ?? []),
      requested,
      itemIds,
    );
    const network = failovers.find((f) => f.outputs.testNetworkId)?.outputs.testNetworkId;
    const nicIds = failovers.flatMap((f) => (f.outputs.testVms ?? []).flatMap((v) => (v as { nicIds?: string[] }).nicIds ?? []));
    const isolation = network && failovers.length ? await readIsolation(this.opts.arm, network, nicIds) : undefined;
    const bastion = bastionFromState(await input.stack.resources());
    this.parts = {
      ...this.parts,
      failovers,
      policies: input.policies,
      upSucceeded: input.upSucceeded,
      upOutput: input.upOutput,
      pulumiSteps: input.pulumiSteps,
      jobs,
      isolation,
      bastion,
      pulumiUpdateId: await pulumiUpdateId(input.stack),
    };
  }

  async afterCleanup(cleanup: CleanupConfirmation): Promise<string> {
    this.parts = { ...this.parts, cleanup };
    return this.publish();
  }

  /** Writes report.{json,md,html} + manifest and uploads them; an upload failure lands in the report. */
  private async publish(): Promise<string> {
    const log = this.opts.log ?? (() => {});
    // The uploaded report names its own blobs and the time of this upload.
    if (this.record) this.record = { ...this.record, uploadedAt: new Date().toISOString(), error: undefined };
    this.report = composeReport({ ...this.parts, evidence: this.record });
    const dir = writeDrillReport(this.report, this.opts.reportsDir);
    if (!this.opts.target || !this.record) return dir;
    try {
      await uploadEvidence(containerClientOf(this.opts.target), this.record, dir);
      log(`evidence uploaded to ${this.record.store} ${this.opts.target.accountName}/${this.opts.target.container}/${this.record.prefix}`);
    } catch (err) {
      this.record = { ...this.record, uploadedAt: undefined, error: `upload failed: ${(err as Error).message.split("\n")[0]}` };
      this.report = composeReport({ ...this.parts, evidence: this.record });
      writeDrillReport(this.report, this.opts.reportsDir);
      log(`evidence upload FAILED: ${this.record.error} (the report is in ${dir})`);
    }
    return dir;
  }
}

/** The last update of the stack: Pulumi Cloud's update id, or the file backend's version number. */
async function pulumiUpdateId(stack: EvidenceStack): Promise<string | undefined> {
  try {
    const history = await stack.history(5);
    const last = history.find((h) => h.kind === "update");
    if (!last) return undefined;
    // Pulumi Cloud numbers its updates; the file backend records version 0, so its start time names it.
    return last.updateID ?? (last.version ? `version ${last.version}` : `update started ${last.startTime ?? "?"} (file backend)`);
  } catch {
    return undefined;
  }
}
