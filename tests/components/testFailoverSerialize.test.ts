// Runs the serialization smoke test in a plain node child process: jest's module system hides
// closure-serialization failures (reference/pulumi-offline.md §4).
import { spawnSync } from "child_process";
import * as path from "path";

it("the TestFailover provider serializes and requires only <cwd>/dist/components/asr/providerEntry.js, through one loader (plain node)", () => {
  const script = path.join(__dirname, "testFailoverSerialize.smoke.js");
  const r = spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 50_000 });
  if (r.status !== 0) throw new Error(`smoke test failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  expect(r.stdout).toContain("serialization smoke ok");
});
