// Drill evidence: the report files uploaded to the drill's evidence container.
// - Twin mode: Azurite (Microsoft's storage emulator) started by the drill runner on a free port, with its
//   data under <state>/azurite, account devstoreaccount1 and its well-known key. Azurite is independent of
//   the twin, so the evidence survives `pulumi destroy` and the twin's restarts.
// - Real Azure (credential mode `default`): the drill's storage account (stack output `storageAccountName`)
//   through DefaultAzureCredential. That account is destroyed with the drill: copy the evidence elsewhere
//   (README, "Drill report and evidence") or keep the account.
// Blobs are named <drill-id>/<timestamp>/report.{json,md,html}.
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { blobEndpoint, cloudNamed, type CloudName } from "../../components/clouds";

/** Azurite's documented development account (public, well known; not a secret). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export const REPORT_FILES: { file: string; contentType: string }[] = [
  { file: "report.json", contentType: "application/json; charset=utf-8" },
  { file: "report.md", contentType: "text/markdown; charset=utf-8" },
  { file: "report.html", contentType: "text/html; charset=utf-8" },
];

export type EvidenceTarget =
  | { kind: "azurite"; blobEndpoint: string; container: string }
  | { kind: "azure"; accountName: string; container: string; blobEndpoint?: string; cloud?: CloudName };

export interface EvidenceRecord {
  /** Where the evidence went: Azurite (twin mode) or the drill's storage account (real Azure). */
  store: "azurite" | "azure";
  container: string;
  /** <drill-id>/<timestamp>/ */
  prefix: string;
  blobs: { name: string; url: string }[];
  uploadedAt?: string;
  error?: string;
}

/** `2026-11-26T08:00:00.123Z` → `20261126T080000Z`: sortable, no characters that need escaping. */
export function evidenceTimestamp(iso: string): string {
  return iso.replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "");
}

export function blobEndpointOf(target: EvidenceTarget): string {
  // The blob endpoint suffix is the cloud's (components/clouds.ts).
  return target.kind === "azurite" ? target.blobEndpoint.replace(/\/$/, "") : (target.blobEndpoint ?? blobEndpoint(target.cloud, target.accountName));
}

/** The blob names and URLs the report will have (known before the upload, so report.json can list them). */
export function planEvidence(target: EvidenceTarget, drillId: string, generatedAt: string): EvidenceRecord {
  const prefix = `${drillId}/${evidenceTimestamp(generatedAt)}/`;
  const base = `${blobEndpointOf(target)}/${target.container}`;
  return {
    store: target.kind,
    container: target.container,
    prefix,
    blobs: REPORT_FILES.map(({ file }) => ({ name: `${prefix}${file}`, url: `${base}/${prefix}${file}` })),
  };
}

function serviceClient(target: EvidenceTarget): BlobServiceClient {
  if (target.kind === "azurite") {
    return new BlobServiceClient(blobEndpointOf(target), new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY));
  }
  // Loaded lazily: only the real-Azure path needs an identity.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
  return new BlobServiceClient(blobEndpointOf(target), new DefaultAzureCredential({ authorityHost: cloudNamed(target.cloud).authorityHost }));
}

/**
 * Uploads report.{json,md,html} from `reportDir` under the planned names (overwriting: a second upload
 * of the same drill run, after the cleanup confirmation, replaces the first). Throws on failure.
 */
export async function uploadEvidence(target: EvidenceTarget, plan: EvidenceRecord, reportDir: string): Promise<EvidenceRecord> {
  const container = serviceClient(target).getContainerClient(target.container);
  // Twin mode creates the container; in Azure the drill's DrillStorage component declares it.
  if (target.kind === "azurite") await container.createIfNotExists();
  for (const { file, contentType } of REPORT_FILES) {
    const body = fs.readFileSync(path.join(reportDir, file));
    const name = `${plan.prefix}${file}`;
    await container.getBlockBlobClient(name).uploadData(body, { blobHTTPHeaders: { blobContentType: contentType } });
  }
  return { ...plan, uploadedAt: new Date().toISOString(), error: undefined };
}

/** Reads one evidence blob back (tests, and the README's "how to fetch the evidence"). */
export async function downloadEvidence(target: EvidenceTarget, name: string): Promise<string> {
  const blob = serviceClient(target).getContainerClient(target.container).getBlobClient(name);
  const buf = await blob.downloadToBuffer();
  return buf.toString("utf8");
}

// ---- Azurite ----------------------------------------------------------------------------------------

export interface AzuriteProcess {
  blobEndpoint: string;
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
 * Starts `azurite-blob` on a free 127.0.0.1 port with its data in `location` and waits until it answers.
 * Telemetry is disabled (the drill runs offline).
 */
export async function startAzurite(opts: { location: string; logFile?: NodeJS.WritableStream; startTimeoutMs?: number }): Promise<AzuriteProcess> {
  fs.mkdirSync(opts.location, { recursive: true });
  const port = await freePort();
  const args = [azuriteBlobMain(), "--blobHost", "127.0.0.1", "--blobPort", String(port), "--location", opts.location, "--skipApiVersionCheck", "--silent", "--disableTelemetry"];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d: Buffer) => opts.logFile?.write(d));
  child.stderr?.on("data", (d: Buffer) => opts.logFile?.write(d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`azurite-blob exited (${child.exitCode ?? child.signalCode}) before answering on port ${port}`);
    try {
      // Any HTTP answer (even 403 for an unsigned request) means it listens.
      await fetch(`${blobEndpoint}?comp=list`, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`azurite-blob did not answer on port ${port} within ${opts.startTimeoutMs ?? 20_000} ms`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    blobEndpoint,
    port,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
