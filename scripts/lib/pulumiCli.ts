// Runs the project's Pulumi CLI (prepared by scripts/setup.js) for one stack of one program, with the
// offline environment of scripts/pulumiEnv.js. Shared by the drill runner and the e2e tests.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The checkout root, found from this file whether it runs from scripts/lib (jest) or dist/scripts/lib. */
function findRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "scripts", "pulumiEnv.js")) && fs.existsSync(path.join(d, "Pulumi.yaml"))) return d;
    if (path.dirname(d) === d) throw new Error(`cannot find the failover-drill checkout above ${dir}`);
  }
}
// pulumiEnv.js is plain JS (setup.js needs it before anything is compiled), so it is not in dist/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pulumiEnvModule = require(path.join(findRoot(__dirname), "scripts", "pulumiEnv.js")) as typeof import("../pulumiEnv");

export const { ROOT, TOOLS_BIN, pulumiEnv } = pulumiEnvModule;

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout + stderr in arrival order, for assertions on messages wherever the CLI printed them. */
  output: string;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Copy the child's output to this process's stdout/stderr as it arrives (Pulumi's own progress). */
  stream?: boolean;
}

export function runCommand(cmd: string, args: string[], opts: RunOptions): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      output += d.toString();
      if (opts.stream) process.stdout.write(d);
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      output += d.toString();
      if (opts.stream) process.stderr.write(d);
    });
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          child.kill("SIGKILL");
          reject(new Error(`${cmd} ${args.join(" ")} timed out after ${opts.timeoutMs} ms\n${output}`));
        }, opts.timeoutMs)
      : undefined;
    child.on("error", reject);
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, output });
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readProjectName(programDir: string): string {
  const m = /^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(programDir, "Pulumi.yaml"), "utf8"));
  if (!m) throw new Error(`no project name in ${path.join(programDir, "Pulumi.yaml")}`);
  return m[1];
}

/** One policy result from the engine's event stream. */
export interface PolicyEvent {
  policyName: string;
  policyPackName: string;
  enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled" | string;
  message: string;
  resourceUrn?: string;
}

export interface StackOptions {
  programDir: string;
  stack: string;
  env: NodeJS.ProcessEnv;
  /** Passed as --config-file to every stack-scoped command (a derived copy of Pulumi.<stack>.yaml). */
  configFile?: string;
}

export class PulumiStack {
  constructor(readonly opts: StackOptions) {}

  /** Runs `pulumi <args> --non-interactive [--stack s] [--config-file f]` in the program folder. */
  pulumi(args: string[], opts: { stackScoped?: boolean; stream?: boolean; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}) {
    const full = [...args, "--non-interactive"];
    if (opts.stackScoped !== false) {
      full.push("--stack", this.opts.stack);
      if (this.opts.configFile && ["up", "preview", "destroy", "refresh"].includes(args[0])) {
        full.push("--config-file", this.opts.configFile);
      }
    }
    return runCommand("pulumi", full, {
      cwd: this.opts.programDir,
      env: { ...this.opts.env, ...opts.env },
      stream: opts.stream,
      timeoutMs: opts.timeoutMs,
    });
  }

  /**
   * Removes this stack's update locks left by a `pulumi` process that died on this host (killed, or the
   * machine restarted): the file backend has no `pulumi cancel`, and a stale lock blocks every later
   * up/destroy. Locks of live processes or of other hosts are left alone. Returns the removed lock files.
   */
  clearStaleLocks(): string[] {
    const url = this.opts.env.PULUMI_BACKEND_URL ?? "";
    if (!url.startsWith("file://")) return [];
    const backend = url.slice("file://".length).split("?")[0];
    const project = readProjectName(this.opts.programDir);
    const dir = path.join(backend, ".pulumi", "locks", "organization", project, this.opts.stack);
    if (!fs.existsSync(dir)) return [];
    const removed: string[] = [];
    for (const f of fs.readdirSync(dir)) {
      const file = path.join(dir, f);
      let lock: { pid?: number; hostname?: string };
      try {
        lock = JSON.parse(fs.readFileSync(file, "utf8"));
      } catch {
        continue;
      }
      if (lock.hostname !== os.hostname() || typeof lock.pid !== "number" || processAlive(lock.pid)) continue;
      fs.rmSync(file, { force: true });
      removed.push(file);
    }
    return removed;
  }

  async selectOrCreate(): Promise<void> {
    const r = await this.pulumi(["stack", "select", this.opts.stack, "--create"], { stackScoped: false });
    if (r.code !== 0) throw new Error(`pulumi stack select ${this.opts.stack} --create failed:\n${r.output}`);
  }

  async outputs(): Promise<Record<string, unknown>> {
    const r = await this.pulumi(["stack", "output", "--json", "--show-secrets"]);
    if (r.code !== 0) throw new Error(`pulumi stack output failed:\n${r.output}`);
    return JSON.parse(r.stdout || "{}") as Record<string, unknown>;
  }

  async resources(): Promise<{ urn: string; type: string; id?: string; outputs?: Record<string, unknown> }[]> {
    const r = await this.pulumi(["stack", "export", "--show-secrets"]);
    if (r.code !== 0) throw new Error(`pulumi stack export failed:\n${r.output}`);
    const deployment = JSON.parse(r.stdout) as { deployment: { resources?: { urn: string; type: string }[] } };
    return deployment.deployment.resources ?? [];
  }

  /**
   * `pulumi preview` with streaming JSON events: returns every policy result (advisory ones included,
   * for the report) and whether the preview succeeded.
   */
  async previewWithPolicies(
    policyPack: string,
    extraArgs: string[] = [],
  ): Promise<{ ok: boolean; policies: PolicyEvent[]; diagnostics: string[]; result: CommandResult }> {
    const result = await this.pulumi(["preview", "--json", "--policy-pack", policyPack, ...extraArgs], {
      env: { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true" },
    });
    const policies: PolicyEvent[] = [];
    const diagnostics: string[] = [];
    for (const line of result.stdout.split("\n")) {
      if (!line.startsWith("{")) continue;
      let event: { policyEvent?: PolicyEvent; diagnosticEvent?: { severity: string; message: string } };
      try {
        event = JSON.parse(line);
      } catch {
        continue;
      }
      if (event.policyEvent) policies.push({ ...event.policyEvent, message: event.policyEvent.message.trim() });
      if (event.diagnosticEvent && event.diagnosticEvent.severity === "error") {
        diagnostics.push(event.diagnosticEvent.message.trim());
      }
    }
    return { ok: result.code === 0, policies, diagnostics, result };
  }
}
