// Which of a stack's update locks on a local file backend were left by a `pulumi` process that no
// longer runs on this host. The file backend records pid and hostname in each lock
// (<backend>/.pulumi/locks/organization/<project>/<stack>/*.json); a lock of another host is never
// called stale, since its process cannot be checked from here.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readProjectName(programDir: string): string {
  const m = /^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(programDir, "Pulumi.yaml"), "utf8"));
  if (!m) throw new Error(`no project name in ${path.join(programDir, "Pulumi.yaml")}`);
  return m[1];
}

/** The stack's lock files, split into stale (dead process on this host) and live (anything else). */
export function staleLocks(backendUrl: string, programDir: string, stack: string): { stale: string[]; live: string[] } {
  if (!backendUrl.startsWith("file://")) return { stale: [], live: [] };
  const backend = backendUrl.slice("file://".length).split("?")[0];
  const dir = path.join(backend, ".pulumi", "locks", "organization", readProjectName(programDir), stack);
  if (!fs.existsSync(dir)) return { stale: [], live: [] };
  const stale: string[] = [];
  const live: string[] = [];
  for (const f of fs.readdirSync(dir)) {
    const file = path.join(dir, f);
    let lock: { pid?: number; hostname?: string };
    try {
      lock = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
      continue;
    }
    if (lock.hostname === os.hostname() && typeof lock.pid === "number" && !processAlive(lock.pid)) stale.push(file);
    else live.push(file);
  }
  return { stale, live };
}
