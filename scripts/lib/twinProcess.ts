// Starts the Azure twin as its own process (as a user would with `npm run twin`) and waits for its
// "twin listening on http://127.0.0.1:<port>" line. Used by the drill runner; tests may also start the
// twin in-process through twin/index.ts.
import { spawn } from "child_process";
import * as path from "path";
import { ROOT } from "./checkout";

export interface TwinProcessOptions {
  /** 0 = ephemeral. */
  port?: number;
  stateDir: string;
  fixture?: string;
  speed?: number;
  /** The bearer token the twin accepts (default: the twin's own, twin/index.ts). */
  token?: string;
  /** Where the twin's own log lines go (default: discarded). */
  logFile?: NodeJS.WritableStream;
  startTimeoutMs?: number;
}

export interface TwinProcess {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
  /** Kills the twin without letting it shut down (a crash, for reliability tests). */
  kill(): Promise<void>;
}

const LISTENING = /twin listening on (http:\/\/127\.0\.0\.1:(\d+))/;

export function startTwinProcess(opts: TwinProcessOptions): Promise<TwinProcess> {
  const args = [path.join(ROOT, "dist", "twin", "main.js"), "--port", String(opts.port ?? 0), "--state", opts.stateDir];
  if (opts.fixture) args.push("--fixture", opts.fixture);
  if (opts.speed !== undefined) args.push("--speed", String(opts.speed));
  if (opts.token !== undefined) args.push("--token", opts.token);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  return new Promise<TwinProcess>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the twin did not report that it listens within ${opts.startTimeoutMs ?? 30_000} ms:\n${seen}`));
    }, opts.startTimeoutMs ?? 30_000);
    const onData = (d: Buffer) => {
      opts.logFile?.write(d);
      seen += d.toString();
      const m = LISTENING.exec(seen);
      if (m) {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        child.stdout.on("data", (more: Buffer) => opts.logFile?.write(more));
        resolve({
          url: m[1],
          port: Number(m[2]),
          pid: child.pid ?? -1,
          async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
            await exited;
          },
          async kill() {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
            await exited;
          },
        });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (d: Buffer) => {
      opts.logFile?.write(d);
      seen += d.toString();
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the twin exited (${code ?? signal}) before listening:\n${seen}`));
    });
  });
}
