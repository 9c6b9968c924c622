// What a drill's memory costs before it does any work: the RSS of a Node.js process that has only loaded
// @pulumi/pulumi, against bare Node.js and against the two packages that make most of the difference.
// @pulumi/pulumi 3.248.0 loads both at import: runtime/index.js imports closure/serializeClosure
// (createClosure → parseFunction → typescript-shim → the TypeScript compiler) and closure/codePaths
// (@npmcli/arborist and its sigstore/pacote tree), though pulumi/pulumi#10214 meant `require("@pulumi/pulumi")`
// not to pull TypeScript in. The program, the runner (Automation API), the policy pack and the dynamic
// provider each load it, so the 1,000-VM drill's RSS peak carries this floor once per such process.
import { execFileSync } from "child_process";
import { ROOT } from "../scripts/lib/pulumiCli";
import type { KindAtPeak } from "./processTree";

export interface ImportFloor {
  /** RSS (MB) after a GC, in a fresh `node` that required nothing / only the named module. */
  bareMB: number;
  pulumiMB: number;
  typescriptMB: number;
  arboristMB: number;
}

/** The kinds of drill process that load @pulumi/pulumi (bench/processTree.ts labels). */
export const SDK_LOADING_KINDS = ["program (index.ts)", "drill runner", "policy pack", "dynamic provider"];

function rssAfterRequire(module: string | undefined): number {
  const code = `${module ? `require(${JSON.stringify(module)});` : ""}globalThis.gc();setTimeout(()=>process.stdout.write(String(process.memoryUsage().rss)),100)`;
  const out = execFileSync(process.execPath, ["--expose-gc", "-e", code], { cwd: ROOT, encoding: "utf8" });
  return Math.round(Number(out) / 2 ** 20);
}

/** Measures the floor in fresh processes (a few seconds). */
export function measureImportFloor(): ImportFloor {
  return {
    bareMB: rssAfterRequire(undefined),
    pulumiMB: rssAfterRequire("@pulumi/pulumi"),
    typescriptMB: rssAfterRequire("typescript"),
    arboristMB: rssAfterRequire("@npmcli/arborist"),
  };
}

/** How many processes alive at the RSS peak loaded @pulumi/pulumi, and the MB its import accounts for there. */
export function floorAtPeak(floor: ImportFloor, atPeak: KindAtPeak[]): { processes: number; importMB: number } {
  const processes = atPeak.filter((k) => SDK_LOADING_KINDS.includes(k.label)).reduce((n, k) => n + k.processes, 0);
  return { processes, importMB: processes * (floor.pulumiMB - floor.bareMB) };
}
