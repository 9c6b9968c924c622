// A stack config too large to reach the program, refused before anything is written. The Pulumi CLI hands
// a Node.js program its whole stack config in one environment variable, PULUMI_CONFIG (@pulumi/pulumi
// 3.248.0 runtime/config.js, parseConfig), and Linux refuses an exec whose single environment string is
// longer than MAX_ARG_STRLEN (32 pages = 128 KiB): `fork/exec /usr/bin/node: argument list too long`,
// after the CLI has already started the update. bench/README.md (branch scale) met it with 1,000 per-VM
// expectations (~316 KB).
import * as fs from "fs";
import * as YAML from "yaml";
import type { PreflightCheck } from "./preflightCheck";

/** MAX_ARG_STRLEN on Linux: the longest one `NAME=value` environment string may be. */
export const ENV_STRING_LIMIT_BYTES = 128 * 1024;

/** The config map as the CLI serializes it: `project:key` → text (structured values as JSON). */
export function pulumiConfigText(config: Record<string, unknown>): string {
  const map = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  return JSON.stringify(map);
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** The problem when `config` would not fit PULUMI_CONFIG, naming the size, the largest keys and the fix. */
export function configSizeProblem(stack: string, config: Record<string, unknown>): string | undefined {
  const bytes = Buffer.byteLength(`PULUMI_CONFIG=${pulumiConfigText(config)}`);
  if (bytes <= ENV_STRING_LIMIT_BYTES) return undefined;
  const largest = Object.entries(config)
    .map(([k, v]) => [k, Buffer.byteLength(typeof v === "string" ? v : JSON.stringify(v))] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, n]) => `${k} ${kib(n)}`)
    .join(", ");
  return (
    `stack ${stack}: its config is ${kib(bytes)} as PULUMI_CONFIG, over the ${kib(ENV_STRING_LIMIT_BYTES)} one environment variable may hold (Linux MAX_ARG_STRLEN); ` +
    `the Pulumi program receives its whole stack config in that variable and could not start. Largest keys: ${largest}. ` +
    `Give per-VM expectations as failover-drill:expectedRules (one entry per name pattern, e.g. match: "APP*") or move the list to a file named by failover-drill:expectedFile`
  );
}

/** Preflight: the stack config handed to Pulumi (its derived copy) fits PULUMI_CONFIG. */
export const stackConfigFitsTheEnvironment: PreflightCheck = async (ctx) => {
  if (!ctx.config) return [];
  // Anchors and aliases count as what they expand to (the CLI expands them too).
  const doc = YAML.parse(fs.readFileSync(ctx.config.file, "utf8"), { maxAliasCount: -1 }) as { config?: Record<string, unknown> } | null;
  const problem = configSizeProblem(ctx.stack, doc?.config ?? {});
  return problem ? [problem] : [];
};
