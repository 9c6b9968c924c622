// The retained evidence store: an existing storage account and container (failover-drill:evidence) that
// the drill never creates or deletes. Each drill run's files go under <stack>/<drill-id>/<UTC time>/:
// report.json, report.md, report.html, start.json, then manifest.sha256 (last, SHA-256 of the others).
// - Real Azure: https://<account>.blob.<storage suffix> with the drill's Azure credential.
// - Twin mode: Azurite (Microsoft's storage emulator) serves the same account name, started by the drill
//   runner beside the twin with its data in a folder outside the drill's state, so it keeps the history
//   across drills (scripts/lib/evidenceAzurite.ts).
// The blob calls are the same in both: one ContainerClient.
import * as fs from "fs";
import * as path from "path";
import type { TokenCredential } from "@azure/identity";
import { ContainerClient, RestError, StorageSharedKeyCredential } from "@azure/storage-blob";
import { blobEndpoint, cloudNamed, type CloudName } from "../../components/clouds";

export const EVIDENCE_FILES: { file: string; contentType: string }[] = [
  { file: "report.json", contentType: "application/json; charset=utf-8" },
  { file: "report.md", contentType: "text/markdown; charset=utf-8" },
  { file: "report.html", contentType: "text/html; charset=utf-8" },
  { file: "start.json", contentType: "application/json; charset=utf-8" },
  // Last: a reader who finds the manifest finds every file it lists.
  { file: "manifest.sha256", contentType: "text/plain; charset=utf-8" },
];

export interface StorageAccountRef {
  subscriptionId: string;
  resourceGroup: string;
  accountName: string;
}

const ACCOUNT_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Storage\/storageAccounts\/([^/]+)$/i;

export function parseStorageAccountId(id: string): StorageAccountRef {
  const m = ACCOUNT_ID.exec(id);
  if (!m) throw new Error(`failover-drill:evidence.storageAccountId: ${JSON.stringify(id)} is not a storage account id`);
  return { subscriptionId: m[1], resourceGroup: m[2], accountName: m[3] };
}

/** Where the evidence goes. `blobEndpoint` is the account's blob endpoint (Azurite: http://127.0.0.1:<port>/<account>). */
export interface EvidenceTarget {
  store: "azurite" | "azure";
  accountId: string;
  accountName: string;
  container: string;
  blobEndpoint: string;
  credential: StorageSharedKeyCredential | TokenCredential;
}

/**
 * The retained store's account in Azure: the blob endpoint of the stack's cloud (components/clouds.ts)
 * and, unless given, DefaultAzureCredential for that cloud's Entra authority.
 */
export function azureEvidenceTarget(
  store: { storageAccountId: string; accountName: string; container: string },
  cloud?: CloudName,
  credential?: TokenCredential,
): EvidenceTarget {
  // Loaded lazily: only the real-Azure path needs an identity.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy (see above)
  const identity = () => require("@azure/identity") as typeof import("@azure/identity");
  return {
    store: "azure",
    accountId: store.storageAccountId,
    accountName: store.accountName,
    container: store.container,
    blobEndpoint: blobEndpoint(cloud, store.accountName),
    credential: credential ?? new (identity().DefaultAzureCredential)({ authorityHost: cloudNamed(cloud).authorityHost }),
  };
}

export function containerClientOf(target: EvidenceTarget): ContainerClient {
  return new ContainerClient(`${target.blobEndpoint.replace(/\/$/, "")}/${target.container}`, target.credential);
}

/** `2026-11-26T08:00:00.123Z` → `20261126T080000Z`: sortable, no characters that need escaping. */
export function evidenceTimestamp(iso: string): string {
  return iso.replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "");
}

export interface EvidenceRecord {
  store: "azurite" | "azure";
  accountName?: string;
  container: string;
  /** <stack>/<drill-id>/<UTC time>/ */
  prefix: string;
  blobs: { name: string; url: string }[];
  uploadedAt?: string;
  error?: string;
  preflight?: EvidencePreflight;
}

/** The blob names and URLs of one drill run (known before the upload, so report.json can list them). */
export function planEvidence(
  target: Pick<EvidenceTarget, "store" | "accountName" | "container" | "blobEndpoint">,
  stack: string,
  drillId: string,
  startedAt: string,
): EvidenceRecord {
  const prefix = `${stack}/${drillId}/${evidenceTimestamp(startedAt)}/`;
  const base = `${target.blobEndpoint.replace(/\/$/, "")}/${target.container}`;
  return {
    store: target.store,
    accountName: target.accountName,
    container: target.container,
    prefix,
    blobs: EVIDENCE_FILES.map(({ file }) => ({ name: `${prefix}${file}`, url: `${base}/${prefix}${file}` })),
  };
}

/**
 * Uploads the files of `reportDir` under the planned names, the manifest last (overwriting: the upload
 * after the cleanup confirmation replaces the one before destroy). Files absent from reportDir are skipped.
 * Throws on failure.
 */
export async function uploadEvidence(container: ContainerClient, plan: EvidenceRecord, reportDir: string): Promise<EvidenceRecord> {
  const uploaded: { name: string; url: string }[] = [];
  for (const { file, contentType } of EVIDENCE_FILES) {
    const local = path.join(reportDir, file);
    if (!fs.existsSync(local)) continue;
    const name = `${plan.prefix}${file}`;
    const blob = container.getBlockBlobClient(name);
    await blob.uploadData(fs.readFileSync(local), { blobHTTPHeaders: { blobContentType: contentType } });
    uploaded.push(plan.blobs.find((b) => b.name === name) ?? { name, url: blob.url });
  }
  return { ...plan, blobs: uploaded, uploadedAt: new Date().toISOString(), error: undefined };
}

export async function downloadEvidence(container: ContainerClient, name: string): Promise<string> {
  return (await container.getBlobClient(name).downloadToBuffer()).toString("utf8");
}

// ---- preflight ----------------------------------------------------------------------------------------

export interface EvidencePreflight {
  checkedAt: string;
  writable: boolean;
  /** Version-level immutability (WORM) on the container (x-ms-immutable-storage-with-versioning-enabled). */
  versionLevelImmutability?: boolean;
  hasImmutabilityPolicy?: boolean;
  hasLegalHold?: boolean;
}

/** The evidence store cannot take this drill's evidence: the drill must not start. */
export class EvidenceStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EvidenceStoreError";
  }
}

const restCode = (err: unknown) =>
  err instanceof RestError ? (err.code ?? String(err.statusCode ?? "")) : ((err as { code?: string }).code ?? "");
const restStatus = (err: unknown) => (err instanceof RestError ? err.statusCode : undefined);
const shortMessage = (err: unknown) =>
  String((err as Error).message ?? err)
    .split("\n")[0]
    .slice(0, 300);

/**
 * Before anything runs: the account and container exist, the drill's identity can write there (a small
 * probe blob under <stack>/_preflight/), and whether version-level immutability (WORM) is set (advisory).
 * Throws an EvidenceStoreError naming the config path, the value and what to do.
 */
export async function preflightEvidenceStore(
  container: ContainerClient,
  target: Pick<EvidenceTarget, "accountId" | "accountName" | "container">,
  probe: { stack: string; drillId: string; now?: Date },
): Promise<EvidencePreflight> {
  const account = `failover-drill:evidence.storageAccountId: ${JSON.stringify(target.accountId)}`;
  const where = `failover-drill:evidence.container: ${JSON.stringify(target.container)}`;
  let props;
  try {
    props = await container.getProperties();
  } catch (err) {
    const code = restCode(err);
    const status = restStatus(err);
    if (code === "ContainerNotFound")
      throw new EvidenceStoreError(
        `${where} does not exist in storage account ${target.accountName}; create it (the drill never creates or deletes its retained evidence store)`,
      );
    if (
      code === "ENOTFOUND" ||
      code === "ResourceNotFound" ||
      code === "AccountNotFound" ||
      code === "InvalidResourceName" ||
      status === 404 ||
      code === "ECONNREFUSED"
    ) {
      throw new EvidenceStoreError(
        `${account}: storage account ${target.accountName} was not found (${code || status}: ${shortMessage(err)}); it must be an existing account the drill does not own`,
      );
    }
    if (status === 403)
      throw new EvidenceStoreError(
        `${account}: the drill's identity cannot read container ${target.container} (${code}); it needs Microsoft.Storage/storageAccounts/blobServices/containers/read and the blob read/write data actions there, and no delete`,
      );
    throw new EvidenceStoreError(`${account}: the evidence store did not answer (${code || status || "error"}: ${shortMessage(err)})`);
  }
  const at = (probe.now ?? new Date()).toISOString();
  try {
    const body = `failover-drill preflight of drill ${probe.drillId} at ${at}\n`;
    await container
      .getBlockBlobClient(`${probe.stack}/_preflight/${probe.drillId}-${evidenceTimestamp(at)}.txt`)
      .uploadData(Buffer.from(body), { blobHTTPHeaders: { blobContentType: "text/plain; charset=utf-8" } });
  } catch (err) {
    throw new EvidenceStoreError(
      `${where} in storage account ${target.accountName} is not writable for the drill's identity (${restCode(err) || restStatus(err)}: ${shortMessage(err)}); grant it blob write on the container (data action Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write), without delete`,
    );
  }
  return {
    checkedAt: at,
    writable: true,
    versionLevelImmutability: props.isImmutableStorageWithVersioningEnabled === true,
    hasImmutabilityPolicy: props.hasImmutabilityPolicy === true,
    hasLegalHold: props.hasLegalHold === true,
  };
}
