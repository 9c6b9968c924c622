// scripts/setup.js: idempotent when everything is present, and a fast actionable failure when no CLI
// can be had (none installed, Go module proxy unreachable or no Go at all).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const SETUP = path.join(ROOT, "scripts", "setup.js");

function runSetup(env: NodeJS.ProcessEnv, args: string[] = []) {
  return spawnSync(process.execPath, [SETUP, ...args], { cwd: ROOT, env, encoding: "utf8", timeout: 120_000 });
}

/** A PATH with node and (optionally) go, but no pulumi anywhere. */
function pathWithout(opts: { go: boolean }): string {
  const dirs = [path.dirname(process.execPath), "/usr/bin", "/bin"];
  if (opts.go) {
    const go = spawnSync("sh", ["-c", "command -v go"], { encoding: "utf8" }).stdout.trim();
    if (go) dirs.push(path.dirname(fs.realpathSync(go)));
  }
  return dirs.filter((d) => !fs.existsSync(path.join(d, "pulumi"))).join(path.delimiter);
}

describe("scripts/setup.js", () => {
  it("does no work on a second run when everything is present", () => {
    const first = runSetup(process.env);
    expect(first.status).toBe(0);
    const second = runSetup(process.env);
    expect(second.status).toBe(0);
    // Nothing installed, compiled or built: only the closing line.
    expect(second.stderr).not.toMatch(/installing|compiling|building/);
    expect(second.stderr).toMatch(/\[setup\] ready in/);
  });

  describe("without any Pulumi CLI", () => {
    let emptyTools: string;
    beforeEach(() => {
      emptyTools = fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-tools-"));
    });
    afterEach(() => fs.rmSync(emptyTools, { recursive: true, force: true }));

    it("fails fast, naming the unreachable Go module proxy and how to install the CLI", () => {
      const started = Date.now();
      const r = runSetup(
        {
          ...process.env,
          PATH: pathWithout({ go: true }),
          FAILOVER_DRILL_TOOLS_DIR: emptyTools,
          GOPROXY: "http://127.0.0.1:9", // nothing listens on the discard port
          GOFLAGS: "-mod=mod",
        },
        ["--cli-only"],
      );
      expect(r.status).toBe(3);
      expect(r.stderr).toMatch(/Pulumi CLI v3\.248\.0 is not available/);
      expect(r.stderr).toMatch(/Go module proxy is unreachable .*127\.0\.0\.1:9/);
      expect(r.stderr).toMatch(/install the CLI/);
      expect(fs.readdirSync(emptyTools)).toEqual([]);
      // The acceptance bound is 30 s; the failure is decided by one refused connection.
      expect(Date.now() - started).toBeLessThan(30_000);
    });

    it("fails fast without a Go toolchain, saying so", () => {
      const r = runSetup({ ...process.env, PATH: pathWithout({ go: false }), FAILOVER_DRILL_TOOLS_DIR: emptyTools }, ["--cli-only"]);
      expect(r.status).toBe(3);
      expect(r.stderr).toMatch(/no Go toolchain/);
      expect(r.stderr).toMatch(/no `pulumi` on PATH/);
    });
  });
});
