// Runs the real Pulumi CLI (from .tools/bin, prepared by scripts/setup.js) on Pulumi programs under
// tests/e2e/programs/ (or the drill program itself) with a throw-away local file backend per workspace,
// so e2e tests never share state. Built on scripts/lib/pulumiCli.ts, which the drill runner uses too.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiStack, pulumiEnv, ROOT, runCommand, TOOLS_BIN, type CommandResult } from "../../scripts/lib/pulumiCli";

export { ROOT, runCommand, TOOLS_BIN };
export type { CommandResult };

export interface PulumiWorkspaceOptions {
  /** Program folder (absolute, or relative to tests/e2e/programs). */
  program: string;
  stack?: string;
  /** Extra environment (e.g. the twin's endpoint). */
  env?: NodeJS.ProcessEnv;
  /** Directories put on PATH before .tools/bin (e.g. the stand-in plugins in twin mode). */
  extraPath?: string[];
}

export class PulumiWorkspace extends PulumiStack {
  readonly programDir: string;
  readonly stack: string;
  readonly backendDir: string;

  constructor(opts: PulumiWorkspaceOptions) {
    const programDir = path.isAbsolute(opts.program) ? opts.program : path.join(__dirname, "programs", opts.program);
    const stack = opts.stack ?? "e2e";
    const backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-e2e-state-"));
    const env = {
      ...pulumiEnv({ backendDir, extraPath: opts.extraPath, base: { ...process.env, PULUMI_BACKEND_URL: undefined } }),
      ...opts.env,
    };
    super({ programDir, stack, env });
    this.programDir = programDir;
    this.stack = stack;
    this.backendDir = backendDir;
  }

  async init(config: Record<string, string> = {}): Promise<void> {
    const r = await this.pulumi(["stack", "init", this.stack], { stackScoped: false });
    if (r.code !== 0) throw new Error(`pulumi stack init failed:\n${r.output}`);
    for (const [key, value] of Object.entries(config)) {
      const c = await this.pulumi(["config", "set", key, value]);
      if (c.code !== 0) throw new Error(`pulumi config set ${key} failed:\n${c.output}`);
    }
  }

  async dispose(): Promise<void> {
    // --preserve-config: `stack rm` would otherwise delete Pulumi.<stack>.yaml, which is committed for
    // real stacks (Pulumi.test.yaml). A config file the test itself created is removed here instead.
    const configFile = path.join(this.programDir, `Pulumi.${this.stack}.yaml`);
    const tracked = spawnSync("git", ["ls-files", "--error-unmatch", configFile], { cwd: this.programDir }).status === 0;
    await this.pulumi(["stack", "rm", "--yes", "--force", "--preserve-config"]);
    if (!tracked) fs.rmSync(configFile, { force: true });
    fs.rmSync(this.backendDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// Twin mode: the Azure twin in-process plus the stand-in azure-native/random plugins on PATH
// (twin/plugins/README.md). Automatic plugin download is already off (scripts/pulumiEnv.js).

/** Where the stand-in `pulumi-resource-azure-native` and `pulumi-resource-random` live. */
export const STANDIN_PLUGINS_BIN = path.join(ROOT, "twin", "plugins", "bin");

/** The running twin as the e2e tests see it (a subset of twin/index.ts' TwinHandle). */
export interface E2ETwin {
  url: string;
  token: string;
  stop(): Promise<void>;
}

/**
 * Starts the twin in this process (127.0.0.1, a free port) with the Contoso fixture unless told
 * otherwise, fast virtual time, and checks the stand-in plugins are compiled (scripts/setup.js).
 */
export async function startTwinForE2E(opts: { fixture?: string | object; speed?: number } = {}): Promise<E2ETwin> {
  for (const plugin of ["azure-native", "random"]) {
    const main = path.join(ROOT, "dist", "twin", "plugins", plugin, "main.js");
    if (!fs.existsSync(main))
      throw new Error(`${main} is missing: run \`node scripts/setup.js\` (or \`npx tsc -p tsconfig.build.json\`) first`);
  }
  // Loaded lazily so tests that do not use the twin do not compile it.
  const twin = (await import("../../twin/index")) as typeof import("../../twin/index");
  return twin.startTwin({ fixture: opts.fixture ?? twin.CONTOSO_FIXTURE, speed: opts.speed ?? 100, quiet: true });
}

/** PulumiWorkspace options for twin mode: the ARM endpoint/token env and the stand-ins first on PATH. */
export function twinModeEnv(twin: { url: string; token: string }): { env: NodeJS.ProcessEnv; extraPath: string[] } {
  return {
    env: { FAILOVER_DRILL_ARM_ENDPOINT: twin.url, FAILOVER_DRILL_TWIN_TOKEN: twin.token, FAILOVER_DRILL_ARM_TOKEN: twin.token },
    extraPath: [STANDIN_PLUGINS_BIN],
  };
}

/** A plain ARM call to the twin (for assertions and changes behind Pulumi's back). */
export async function twinArm(
  twin: { url: string; token: string },
  method: string,
  pathAndQuery: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(twin.url + pathAndQuery, {
    method,
    headers: { Authorization: `Bearer ${twin.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
