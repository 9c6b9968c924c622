// How many resource operations the runner lets the Pulumi engine run at once (`--parallel`).
// The CLI's default is 4 × GOMAXPROCS (pkg/cmd/pulumi/operations/up.go `defaultParallel`, since
// pulumi/pulumi#14989): 8 on a 2-core machine. A TestFailover holds its slot for the whole ASR job (tens
// of minutes on the service), so a drill of 10 recovery plans plus the AD/DNS copy on 2 cores ran 8 of them
// and triggered the other plans only when the first ones finished — a drill the portal would run at once.
// The runner adds a slot per TestFailover to the CLI's default, so the long jobs never starve the rest.
import * as os from "os";

export const PARALLEL_ENV = "PULUMI_PARALLEL";

/** The CLI's default parallelism on this machine (4 × the cores Go sees). */
export function defaultEngineParallelism(cores = os.availableParallelism()): number {
  return 4 * Math.max(1, cores);
}

/**
 * The `--parallel` for an operation of a drill with `testFailovers` TestFailover resources; undefined
 * when the user set PULUMI_PARALLEL (the CLI reads it: theirs wins).
 */
export function engineParallelism(testFailovers: number, env: NodeJS.ProcessEnv = process.env, cores?: number): number | undefined {
  if (env[PARALLEL_ENV] !== undefined && env[PARALLEL_ENV] !== "") return undefined;
  return defaultEngineParallelism(cores) + Math.max(0, testFailovers);
}
