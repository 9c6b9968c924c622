// bin/failover-drill.js: the runner's commands as one executable for `npx failover-drill …` in a user's
// project. Dispatch is checked through the compiled scripts (dist/, `npm run build`): the flags reach the
// chosen script and its exit code is the command's.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "failover-drill.js");
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });

it("is the package's bin and an executable node script", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  expect(pkg.bin).toEqual({ "failover-drill": "bin/failover-drill.js" });
  expect(fs.readFileSync(BIN, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  expect(fs.statSync(BIN).mode & 0o111).not.toBe(0);
  expect(pkg.files).toEqual(expect.arrayContaining(["bin/", "dist/scripts/"]));
});

it("--help lists drill, janitor and policy-check; no command is a usage error", () => {
  const help = run("--help");
  expect(help.status).toBe(0);
  expect(help.stdout.match(/^ {2}(\S+)/gm)?.map((s) => s.trim())).toEqual(["drill", "janitor", "policy-check"]);
  expect(run().status).toBe(2);
});

it("an unknown command exits 2 naming the commands there are", () => {
  const r = run("failover");
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('unknown command "failover"; expected one of drill, janitor, policy-check');
});

it.each([
  ["drill", "drill.js", /^drill:/],
  ["janitor", "janitor.js", /^janitor:/],
  ["policy-check", "policyCheck.js", /^policy.?check:/i],
])("%s runs dist/scripts/%s with the flags as given and exits with its code", (command, script, prefix) => {
  if (!fs.existsSync(path.join(ROOT, "dist", "scripts", script)))
    throw new Error(`dist/scripts/${script} is missing: run \`npm run build\` first`);
  // A flag no runner command has: each script refuses it as bad flags (exit 2) before doing anything.
  const r = run(command, "--no-such-flag");
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/--no-such-flag/);
  // Each script names itself first: the right one ran.
  expect(r.stderr).toMatch(prefix);
});
