// Debian's chromium for the HTML report test: installed on first use (apt-get), found instantly after.
// Idempotent and safe when several jest workers ask at once (one apt-get under a lock file).
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const CHROMIUM = "/usr/bin/chromium";

/** Flags for a headless, offline, throw-away browser (no first-run, sync, update or background traffic). */
export function chromiumArgs(userDataDir: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--user-data-dir=${userDataDir}`,
  ];
}

export function freshUserDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-chromium-"));
}

/** Returns the chromium path, installing Debian's `chromium` package when it is missing. */
export function ensureChromium(): string {
  if (fs.existsSync(CHROMIUM)) return CHROMIUM;
  // flock serialises concurrent installs (jest workers, or another checkout on this machine).
  const script = `test -x ${CHROMIUM} || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)`;
  const hasFlock = spawnSync("sh", ["-c", "command -v flock"]).status === 0;
  const cmd = hasFlock ? ["flock", "/tmp/failover-drill-apt.lock", "sh", "-c", script] : ["sh", "-c", script];
  try {
    execFileSync(cmd[0], cmd.slice(1), { stdio: ["ignore", "ignore", "pipe"], timeout: 600_000 });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(
      `could not install Debian's chromium (apt-get install -y chromium; needs root and the Debian mirrors): ${(err as Error).message}\n${stderr}`,
      { cause: err },
    );
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`apt-get install chromium finished but ${CHROMIUM} does not exist`);
  return CHROMIUM;
}
