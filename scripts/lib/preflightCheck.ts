// The shape of one preflight check (preflight.ts runs them): its own module, so a check in another file
// (configSize.ts, the evidence store's) depends on the shape, not on the runner of the checks.
import type { ArmConnection } from "../../components/drillTypes";
import type { DrillWorld } from "./drillWorld";
import type { StackConfig } from "./stackConfig";

export interface PreflightContext {
  stack: string;
  arm: ArmConnection;
  /** The environment Pulumi will run in (PATH included). */
  env: NodeJS.ProcessEnv;
  /** Which resource plugins the stack needs: the stand-ins its local endpoint speaks to, or the real ones. */
  plugins: "stand-in" | "real";
  /** The world the stack runs in (its evidence store, for one); absent in the checks' unit tests. */
  world?: DrillWorld;
  /** The stack's config as the runner read it (its evidence store, for one); absent in unit tests. */
  config?: StackConfig;
}

export type PreflightCheck = ((ctx: PreflightContext) => Promise<string[]>) & {
  /** The exit code of this check's problems when they are the only ones (default: bad input). */
  exitCode?: number;
};
