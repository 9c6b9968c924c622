// One stack of the drill program driven through Pulumi's Automation API (`@pulumi/pulumi/automation`):
// a LocalWorkspace on the checkout with the project's own CLI (.tools/bin, prepared by scripts/setup.js),
// preview/up/destroy with the pack, the engine's structured events for progress, policy results and the
// report's timeline of Pulumi steps, and stale-lock release through `stack.cancel()`.
// The same code drives a twin stack and a real subscription: only the environment differs.
import * as path from "path";
import { CommandError, LocalWorkspace, PulumiCommand, Stack, type EngineEvent } from "@pulumi/pulumi/automation";
import { ROOT, TOOLS_BIN } from "./checkout";
import { firstLine, StartupError } from "./runnerErrors";
import { staleLocks } from "./staleLocks";
import { ProgressFolder } from "./progressFolder";

/** One policy result from the engine's event stream. */
export interface PolicyEvent {
  policyName: string;
  policyPackName: string;
  enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled" | string;
  message: string;
  resourceUrn?: string;
}

/** One resource step of a Pulumi operation, timed from the engine's events (wall clock). */
export interface PulumiStep {
  urn: string;
  type: string;
  /** create, update, delete, same, read, replace, ... as the engine names it. */
  op: string;
  startedAt: string;
  endedAt?: string;
  status: "succeeded" | "failed" | "running";
}

export interface OperationResult {
  ok: boolean;
  /** The CLI's own stdout + stderr, in arrival order (kept for messages the events do not carry). */
  output: string;
  /** Error diagnostics of the engine, each whole (multi-line messages stay one entry). */
  errors: string[];
  policies: PolicyEvent[];
  steps: PulumiStep[];
}

export interface OperationOptions {
  policyPacks?: string[];
  policyPackConfigs?: string[];
  /** Print progress (steps and the provider's messages) as the events arrive. */
  progress?: boolean;
}

export interface DrillStackOptions {
  stack: string;
  /** The whole environment of every CLI call (scripts/pulumiEnv.js plus the world's additions). */
  env: NodeJS.ProcessEnv;
  /** Passed as --config-file to preview/up/destroy (a derived copy of Pulumi.<stack>.yaml). */
  configFile?: string;
  programDir?: string;
  /** --parallel of every operation (scripts/lib/engineParallelism.ts); undefined leaves the CLI's default. */
  parallel?: number;
}

const IGNORED_OPS = new Set(["same"]);

function shortName(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

/** Collects what the runner needs from the engine's events and prints progress from them. */
export class EventCollector {
  readonly policies: PolicyEvent[] = [];
  readonly errors: string[] = [];
  readonly steps: PulumiStep[] = [];
  private readonly open = new Map<string, PulumiStep>();

  constructor(private readonly print?: (line: string) => void) {}

  readonly onEvent = (e: EngineEvent): void => {
    const at = new Date(e.timestamp * 1000).toISOString();
    if (e.policyEvent) {
      const p = e.policyEvent;
      this.policies.push({
        policyName: p.policyName,
        policyPackName: p.policyPackName,
        enforcementLevel: p.enforcementLevel,
        message: p.message.trim(),
        resourceUrn: p.resourceUrn,
      });
    }
    if (e.diagnosticEvent) {
      const d = e.diagnosticEvent;
      const message = d.message.replace(/\s+$/, "");
      if (d.severity === "error") this.errors.push(message.trim());
      // The engine also streams its own debug lines; progress shows what a person reads in `pulumi up`.
      if (message.trim() && !d.ephemeral && (d.severity as string) !== "debug")
        this.print?.(
          `${d.severity === "error" ? "error: " : d.severity === "warning" ? "warning: " : ""}${d.urn ? `${shortName(d.urn)}: ` : ""}${message.trim()}`,
        );
    }
    const pre = e.resourcePreEvent?.metadata;
    if (pre && !e.resourcePreEvent?.planning && !IGNORED_OPS.has(pre.op)) {
      const step: PulumiStep = { urn: pre.urn, type: pre.type, op: pre.op, startedAt: at, status: "running" };
      this.open.set(`${pre.op} ${pre.urn}`, step);
      this.steps.push(step);
      this.print?.(`${pre.op} ${pre.type} ${shortName(pre.urn)} ...`);
    }
    const done = e.resOutputsEvent?.metadata;
    if (done && !e.resOutputsEvent?.planning) this.close(`${done.op} ${done.urn}`, at, "succeeded");
    const failed = e.resOpFailedEvent?.metadata;
    if (failed) this.close(`${failed.op} ${failed.urn}`, at, "failed");
  };

  private close(key: string, at: string, status: PulumiStep["status"]): void {
    const step = this.open.get(key);
    if (!step) return;
    this.open.delete(key);
    step.endedAt = at;
    step.status = status;
    const seconds = (Date.parse(at) - Date.parse(step.startedAt)) / 1000;
    this.print?.(`${step.op} ${step.type} ${shortName(step.urn)} ${status} (${seconds.toFixed(1)} s)`);
  }
}

export class DrillStack {
  private constructor(
    readonly name: string,
    private readonly stack: Stack,
    private readonly opts: DrillStackOptions,
  ) {}

  /**
   * Selects the stack; creates it on the backend only with `create` (otherwise a stack that does not
   * exist yet gives undefined, and nothing is written).
   */
  static async open(opts: DrillStackOptions, mode: { create: boolean }): Promise<DrillStack | undefined> {
    // The project's CLI, not one the Automation API would download: the machines this runs on reach no
    // download site (scripts/setup.js builds or links it into .tools/bin).
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(TOOLS_BIN) }).catch((err: Error) => {
      throw new StartupError(
        `cannot run the Pulumi CLI ${path.join(TOOLS_BIN, "pulumi")}: ${firstLine(err.message)} (npm run setup prepares it)`,
      );
    });
    const workspace = await LocalWorkspace.create({ workDir: opts.programDir ?? ROOT, pulumiCommand, envVars: definedEnv(opts.env) });
    if (!mode.create) {
      const names = (await workspace.listStacks()).map((s) => s.name.split("/").pop());
      if (!names.includes(opts.stack)) return undefined;
      return new DrillStack(opts.stack, await Stack.select(opts.stack, workspace), opts);
    }
    return new DrillStack(opts.stack, await Stack.createOrSelect(opts.stack, workspace), opts);
  }

  /** Adds variables to the environment of every later CLI call of this stack. */
  addEnv(vars: Record<string, string>): void {
    Object.assign(this.stack.workspace.envVars, vars);
    Object.assign(this.opts.env, vars);
  }

  /**
   * Releases this stack's update locks when every one of them was left by a `pulumi` process that died
   * on this host (killed, or the machine restarted): a stale lock blocks every later up/destroy. The
   * release itself is the Automation API's `stack.cancel()`, which on a file backend removes *all* the
   * stack's locks — so it runs only when no lock belongs to a live process or another host.
   * Returns the stale lock files found (empty when nothing was released).
   */
  async releaseStaleLocks(): Promise<string[]> {
    const { stale, live } = staleLocks(this.opts.env.PULUMI_BACKEND_URL ?? "", this.opts.programDir ?? ROOT, this.name);
    if (stale.length === 0 || live.length > 0) return [];
    await this.stack.cancel();
    return stale;
  }

  preview(options: OperationOptions = {}): Promise<OperationResult> {
    return this.operate("preview", options);
  }

  up(options: OperationOptions = {}): Promise<OperationResult> {
    return this.operate("up", options);
  }

  destroy(options: OperationOptions = {}): Promise<OperationResult> {
    return this.operate("destroy", options);
  }

  /** The stack's outputs as plain values (secrets shown: they stay in this process). */
  async outputs(): Promise<Record<string, unknown>> {
    const outs = await this.stack.outputs();
    return Object.fromEntries(Object.entries(outs).map(([k, v]) => [k, v.value]));
  }

  /** The resources in the stack's state, with their outputs. */
  async resources(): Promise<{ urn: string; type: string; id?: string; outputs?: Record<string, unknown> }[]> {
    const exported = await this.stack.exportStack();
    return ((exported.deployment as { resources?: { urn: string; type: string }[] } | undefined)?.resources ?? []) as never;
  }

  /** The stack's last updates, newest first (`pulumi stack history`); updateID only on Pulumi Cloud. */
  async history(pageSize = 5): Promise<{ kind: string; version?: number; startTime?: string; updateID?: string }[]> {
    const updates = await this.stack.history(pageSize);
    return updates.map((u) => ({
      kind: u.kind,
      version: u.version,
      startTime: u.startTime ? new Date(u.startTime).toISOString() : undefined,
      updateID: (u as { updateID?: string }).updateID,
    }));
  }

  private async operate(kind: "preview" | "up" | "destroy", options: OperationOptions): Promise<OperationResult> {
    // Per-VM progress lines are folded by kind (scripts/lib/progressFolder.ts): 1,000 VMs stay readable.
    const folder = options.progress ? new ProgressFolder((line) => process.stdout.write(`${line}\n`)) : undefined;
    const events = new EventCollector(folder ? (line) => folder.line(line) : undefined);
    let output = "";
    const common = {
      configFile: this.opts.configFile,
      onEvent: events.onEvent,
      onOutput: (s: string) => (output += s),
      onError: (s: string) => (output += s),
      color: "never" as const,
      suppressProgress: true,
      parallel: this.opts.parallel,
    };
    const packs = { policyPacks: options.policyPacks, policyPackConfigs: options.policyPackConfigs };
    let ok = true;
    try {
      if (kind === "preview") await this.stack.preview({ ...common, ...packs });
      else if (kind === "up") await this.stack.up({ ...common, ...packs });
      else await this.stack.destroy(common);
    } catch (err) {
      // A failed operation is a result, not an exception: the caller classifies it.
      if (!(err instanceof CommandError)) throw err;
      ok = false;
      if (!output) output = err.message;
    } finally {
      folder?.flush();
    }
    return { ok, output, errors: events.errors, policies: events.policies, steps: events.steps };
  }
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
