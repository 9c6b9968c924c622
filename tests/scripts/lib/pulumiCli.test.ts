// PulumiStack.clearStaleLocks: a lock left by a dead pulumi process on this host is removed; locks of
// live processes and of other hosts are not.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiStack, ROOT } from "../../../scripts/lib/pulumiCli";

describe("PulumiStack.clearStaleLocks", () => {
  it("removes only locks of dead processes on this host", () => {
    const backend = fs.mkdtempSync(path.join(os.tmpdir(), "locks-"));
    try {
      const dir = path.join(backend, ".pulumi", "locks", "organization", "failover-drill", "test");
      fs.mkdirSync(dir, { recursive: true });
      // A pid that certainly ended: a child we ran to completion.
      const deadPid = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
      const write = (name: string, lock: object) => fs.writeFileSync(path.join(dir, name), JSON.stringify(lock));
      write("dead.json", { pid: Number(deadPid), hostname: os.hostname(), username: "root", timestamp: "t" });
      write("alive.json", { pid: process.pid, hostname: os.hostname(), username: "root", timestamp: "t" });
      write("elsewhere.json", { pid: Number(deadPid), hostname: `not-${os.hostname()}`, username: "root", timestamp: "t" });
      const stack = new PulumiStack({ programDir: ROOT, stack: "test", env: { PULUMI_BACKEND_URL: `file://${backend}` } });
      expect(stack.clearStaleLocks().map((f) => path.basename(f))).toEqual(["dead.json"]);
      expect(fs.readdirSync(dir).sort()).toEqual(["alive.json", "elsewhere.json"]);
    } finally {
      fs.rmSync(backend, { recursive: true, force: true });
    }
  });

  it("does nothing for a backend that is not a local folder", () => {
    const stack = new PulumiStack({ programDir: ROOT, stack: "test", env: { PULUMI_BACKEND_URL: "azblob://state" } });
    expect(stack.clearStaleLocks()).toEqual([]);
  });
});
