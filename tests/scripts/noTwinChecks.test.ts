// The runner, report, evidence and cleanup confirmation run the same code for every stack: only
// scripts/lib/drillWorld.ts (where a stack's local endpoint and its plugins are prepared) may know the
// twin exists. This fails when any other of those files checks for it.
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const THE_ONE_PLACE = "scripts/lib/drillWorld.ts";
const RUNNER_FILES = [
  "scripts/drill.ts",
  "scripts/janitor.ts",
  "scripts/policyCheck.ts",
  ...fs
    .readdirSync(path.join(ROOT, "scripts", "lib"))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => `scripts/lib/${f}`),
  ...fs
    .readdirSync(path.join(ROOT, "scripts", "report"))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => `scripts/report/${f}`),
  // Not the runner: the tests' raw CLI, and the helper the one place starts the twin process with.
].filter((f) => ![THE_ONE_PLACE, "scripts/lib/pulumiCli.ts", "scripts/lib/twinProcess.ts"].includes(f));

/** Code only: comments and string literals (help texts, messages) may say where the twin fits. */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:])\/\/.*$/gm, "$1")
    .replace(/`(?:\\.|[^`\\])*`/g, "``")
    .replace(/"(?:\\.|[^"\\\n])*"/g, '""')
    .replace(/'(?:\\.|[^'\\\n])*'/g, "''");
}

// A check for the twin: the word in code (a variable, a property, a branch), or a call of the world's
// own decision. The hidden test flag --twin-faults (opts.twinFaults) only forwards a file to the
// endpoint's admin surface when the world offers one.
const TWIN_CHECK = /twin(?!Faults)|wantsLocalEndpoint\(/i;

describe("no twin checks outside the one place", () => {
  it.each(RUNNER_FILES)("%s", (file) => {
    const lines = code(fs.readFileSync(path.join(ROOT, file), "utf8"))
      .split("\n")
      .map((l, i) => ({ line: i + 1, text: l.trim() }))
      .filter((l) => TWIN_CHECK.test(l.text));
    expect(lines).toEqual([]);
  });

  it("the one place decides from the stack's config", () => {
    const text = fs.readFileSync(path.join(ROOT, THE_ONE_PLACE), "utf8");
    expect(text).toMatch(/export function wantsLocalEndpoint\(config/);
  });
});
