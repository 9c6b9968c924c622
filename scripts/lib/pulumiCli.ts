// The Pulumi CLI run by hand, command by command, for the tests and benchmarks that need exactly that
// (the chaos suite kills a `pulumi up` mid-run, the bad-input suite reads the raw CLI output, the e2e
// harness runs small programs). The drill runner itself drives stacks through the Automation API
// (scripts/lib/drillStack.ts).
import { spawn } from "child_process";
import * as fs from "fs";
import { ROOT, TOOLS_BIN, pulumiEnv } from "./checkout";
import { staleLocks } from "./staleLocks";
import type { PolicyEvent } from "./drillStack";

export { ROOT, TOOLS_BIN, pulumiEnv };
export type { PolicyEvent };

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
    const { stale } = staleLocks(this.opts.env.PULUMI_BACKEND_URL ?? "", this.opts.programDir, this.opts.stack);
    for (const file of stale) fs.rmSync(file, { force: true });
    return stale;
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
