// DrillStack.releaseStaleLocks through the Automation API on a file backend: the locks of a pulumi that
// died on this host are released with stack.cancel(); while any lock belongs to a live process (or
// another host), nothing is released — cancel would remove that one too.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pulumiEnv } from "../../scripts/lib/checkout";
import { DrillStack } from "../../scripts/lib/drillStack";

jest.setTimeout(120_000);

describe("DrillStack.releaseStaleLocks", () => {
  it("releases only when every lock is stale", async () => {
    const backend = fs.mkdtempSync(path.join(os.tmpdir(), "drillstack-locks-"));
    try {
      const env = pulumiEnv({ base: { ...process.env, PULUMI_BACKEND_URL: `file://${backend}` } });
      const stack = (await DrillStack.open({ stack: "locks", env }, { create: true }))!;
      const dir = path.join(backend, ".pulumi", "locks", "organization", "failover-drill", "locks");
      fs.mkdirSync(dir, { recursive: true });
      const deadPid = Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
      const write = (name: string, lock: object) => fs.writeFileSync(path.join(dir, name), JSON.stringify(lock));
      write("dead.json", { pid: deadPid, hostname: os.hostname(), username: "root", timestamp: "t" });
      write("alive.json", { pid: process.pid, hostname: os.hostname(), username: "root", timestamp: "t" });
      expect(await stack.releaseStaleLocks()).toEqual([]);
      expect(fs.readdirSync(dir).sort()).toEqual(["alive.json", "dead.json"]);

      fs.rmSync(path.join(dir, "alive.json"));
      expect((await stack.releaseStaleLocks()).map((f) => path.basename(f))).toEqual(["dead.json"]);
      expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
      // A stack that does not exist is not created by looking.
      expect(await DrillStack.open({ stack: "never-made", env }, { create: false })).toBeUndefined();
      expect(fs.readdirSync(path.join(backend, ".pulumi", "stacks", "failover-drill")).filter((f) => /never-made/.test(f))).toEqual([]);
    } finally {
      fs.rmSync(backend, { recursive: true, force: true });
    }
  });
});
