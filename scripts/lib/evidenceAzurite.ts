// Twin mode's evidence store: Azurite (`azurite-blob` from npm, Microsoft's storage emulator) serving the
// configured evidence account name (AZURITE_ACCOUNTS) with Azurite's well-known development key, on a free
// 127.0.0.1 port, its data in a folder outside the drill's state so the evidence of every drill stays.
// The container is made here, as the fixture of an "existing" account: on Azure the drill never creates it.
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { ContainerClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import type { EvidenceTarget } from "./evidence";

/** Azurite's documented development account key (public, well known; not a secret). */
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteProcess {
  /** http://127.0.0.1:<port> (the account name follows in URLs). */
  endpoint: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function azuriteBlobMain(): string {
  const pkgFile = require.resolve("azurite/package.json");
  const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { bin: Record<string, string> };
  return path.join(path.dirname(pkgFile), pkg.bin["azurite-blob"]);
}

/**
 * Starts `azurite-blob` with `accounts` (names; each gets the well-known key) and its data in `location`,
 * and waits until it answers. Telemetry is disabled (the drill runs offline).
 */
export async function startAzurite(opts: {
  location: string;
  accounts: string[];
  logFile?: NodeJS.WritableStream;
  startTimeoutMs?: number;
}): Promise<AzuriteProcess> {
  fs.mkdirSync(opts.location, { recursive: true });
  const port = await freePort();
  const args = [
    azuriteBlobMain(),
    "--blobHost",
    "127.0.0.1",
    "--blobPort",
    String(port),
    "--location",
    opts.location,
    "--skipApiVersionCheck",
    "--silent",
    "--disableTelemetry",
  ];
  const env = { ...process.env, AZURITE_ACCOUNTS: opts.accounts.map((a) => `${a}:${AZURITE_KEY}`).join(";") };
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env });
  child.stdout?.on("data", (d: Buffer) => opts.logFile?.write(d));
  child.stderr?.on("data", (d: Buffer) => opts.logFile?.write(d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const timeout = opts.startTimeoutMs ?? 20_000;
  const deadline = Date.now() + timeout;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`azurite-blob exited (${child.exitCode ?? child.signalCode}) before answering on port ${port}`);
    try {
      // Any HTTP answer (even 403 for an unsigned request) means it listens.
      await fetch(`${endpoint}/${opts.accounts[0] ?? "devstoreaccount1"}?comp=list`, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`azurite-blob did not answer on port ${port} within ${timeout} ms`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    endpoint,
    port,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** The evidence target of `accountId`/`container` served by this Azurite (shared-key auth). */
export function azuriteTarget(
  azurite: Pick<AzuriteProcess, "endpoint">,
  accountId: string,
  accountName: string,
  container: string,
): EvidenceTarget {
  return {
    store: "azurite",
    accountId,
    accountName,
    container,
    blobEndpoint: `${azurite.endpoint}/${accountName}`,
    credential: new StorageSharedKeyCredential(accountName, AZURITE_KEY),
  };
}

/** The emulated account's container, made once (it stands for the existing container on Azure). */
export async function ensureAzuriteContainer(target: EvidenceTarget): Promise<void> {
  await new ContainerClient(`${target.blobEndpoint}/${target.container}`, target.credential).createIfNotExists();
}
