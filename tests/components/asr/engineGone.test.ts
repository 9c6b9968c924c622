// A `pulumi` killed mid-update orphans the dynamic-provider host running TestFailover. @pulumi/pulumi's
// host console.error-s every uncaught error; on the now-broken stdout/stderr pipes that raises EPIPE as a
// new uncaught error, forever: the orphan spins at full CPU and grows by GBs (seen in the chaos suite's
// SIGKILL scenario). Loading the provider module must make the host exit instead.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..", "..");
// The entry the dynamic-provider host loads; provider.js itself (imported by scripts) has no side effect.
const PROVIDER = path.join(ROOT, "dist", "components", "asr", "providerEntry.js");
const PROVIDER_MODULE = path.join(ROOT, "dist", "components", "asr", "provider.js");

/** A stand-in host at <tmp>/cmd/dynamic-provider/index.js with the real host's uncaught-error handling. */
function hostScript(loadProvider: boolean, module = PROVIDER): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "engine-gone-")), "cmd", "dynamic-provider");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "index.js");
  fs.writeFileSync(
    file,
    `"use strict";
// As node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js (3.248).
const uncaughtErrors = new Set();
const uncaughtHandler = (err) => {
  if (!uncaughtErrors.has(err)) {
    uncaughtErrors.add(err);
    console.error(err.stack || err.message || "" + err);
  }
};
process.on("uncaughtException", uncaughtHandler);
process.on("unhandledRejection", uncaughtHandler);
${loadProvider ? `require(${JSON.stringify(module)});` : ""}
// A create in progress: a log line per poll.
console.log("ready");
setInterval(() => console.log("[drill x application] polling job"), 20);
`,
  );
  return file;
}

/** Starts the host, breaks its pipes once it is up, and says whether it exited within `ms`. */
function exitsAfterPipesBreak(script: string, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    child.once("exit", () => {
      if (timer) clearTimeout(timer);
      if (!done) resolve((done = true));
    });
    child.stdout.once("data", () => {
      // The engine dies: nobody reads the pipes any more.
      child.stdout.destroy();
      child.stderr.destroy();
      timer = setTimeout(() => {
        if (done) return;
        done = true;
        child.once("exit", () => resolve(false));
        child.kill("SIGKILL");
      }, ms);
    });
  });
}

// A missing build fails here (npm test always builds first) instead of skipping the case silently.
beforeAll(() => {
  if (!fs.existsSync(PROVIDER)) throw new Error(`${PROVIDER} is missing: run npm run build (npm test builds first)`);
});

describe("the TestFailover provider when the engine is gone", () => {
  it("without the provider loaded, the host spins on EPIPE (the bug this guards against)", async () => {
    expect(await exitsAfterPipesBreak(hostScript(false), 3000)).toBe(false);
  });

  it("with the provider entry loaded, the orphaned host exits", async () => {
    expect(await exitsAfterPipesBreak(hostScript(true), 5000)).toBe(true);
  });

  it("provider.js, which scripts import, installs nothing at load (the side effect lives only in the entry)", async () => {
    expect(await exitsAfterPipesBreak(hostScript(true, PROVIDER_MODULE), 3000)).toBe(false);
  });
});
