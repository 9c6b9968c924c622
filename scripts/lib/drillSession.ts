// One stack, ready for the drill's phases, the same way for every stack: its config read and checked,
// its world prepared (drillWorld.ts decides what that means for this stack), the bad-input checks run
// before anything is written, then the stack selected or created through the Automation API.
// Shared by `npm run drill`, `npm run policy:check` and the janitor.
import * as path from "path";
import { ROOT, pulumiEnv } from "./checkout";
import { DrillStack } from "./drillStack";
import { prepareWorld, type DrillWorld } from "./drillWorld";
import { DEFAULT_CHECKS, runPreflight, type PreflightCheck } from "./preflight";
import { engineParallelism } from "./engineParallelism";
import { deriveStackConfig, type ScopeOverride, type StackConfig } from "./stackConfig";

export interface SessionOptions {
  stack: string;
  stateDir: string;
  scope?: ScopeOverride;
  fixture: string;
  speed: number;
  port?: number;
  /** Keep the local world's state even when the stack's state is empty (--cleanup). */
  keepLocalState?: boolean;
  /** Always start from the fixture, whatever the stack's state holds (policy:check's own state). */
  fresh?: boolean;
  /** Extra bad-input checks (the evidence store's, for one). */
  checks?: PreflightCheck[];
  /** Azurite's data folder for a local stack's evidence store (drillWorld.ts). */
  evidenceDir?: string;
}

export interface DrillSession {
  stack: DrillStack;
  config: StackConfig;
  world: DrillWorld;
  close(): Promise<void>;
}

function banner(text: string): void {
  process.stdout.write(`\n=== ${text} ===\n`);
}

export async function openDrillSession(opts: SessionOptions): Promise<DrillSession> {
  const config = deriveStackConfig(opts);
  const parallel = engineParallelism(config.testFailovers);
  const baseEnv = pulumiEnv({ backendDir: path.join(ROOT, ".pulumi-state") });
  // Look without creating: a stack that does not exist yet is created only after every check passed.
  const existing = await DrillStack.open(
    { stack: config.stack, env: { ...baseEnv }, configFile: config.file, parallel },
    { create: false },
  );
  if (existing) {
    for (const lock of await existing.releaseStaleLocks())
      process.stdout.write(`released a stale lock of a pulumi process that no longer runs: ${lock}\n`);
  }
  const resume = !opts.fresh && (opts.keepLocalState === true || (existing !== undefined && (await existing.resources()).length > 0));
  const world = await prepareWorld(config, {
    stateDir: opts.stateDir,
    fixture: opts.fixture,
    speed: opts.speed,
    port: opts.port,
    resume,
    evidenceDir: opts.evidenceDir,
  });
  try {
    banner(`stack ${config.stack} on ${world.description}`);
    const env = { ...pulumiEnv({ backendDir: path.join(ROOT, ".pulumi-state"), extraPath: world.extraPath }), ...world.env };
    // The runner's own reads (confirmation, janitor) use the same credential as the program.
    Object.assign(process.env, world.env);
    await runPreflight({ stack: config.stack, arm: world.arm, env, plugins: world.plugins, world, config }, [
      ...DEFAULT_CHECKS,
      ...(opts.checks ?? []),
    ]);
    let stack = existing;
    if (stack) stack.addEnv(definedEnv(env));
    else stack = (await DrillStack.open({ stack: config.stack, env, configFile: config.file, parallel }, { create: true }))!;
    return { stack, config, world, close: () => world.close() };
  } catch (err) {
    await world.close();
    throw err;
  }
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
