// The retained evidence store (scripts/lib/evidence*.ts) against a real Azurite, started as the drill
// runner starts it: blob layout <stack>/<drill-id>/<UTC>/, the preflight (exists, writable, WORM
// advisory) and its errors, upload with the manifest last, and the trend read back from the store.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  ContainerClient,
  generateAccountSASQueryParameters,
  StorageSharedKeyCredential,
} from "@azure/storage-blob";
import {
  containerClientOf,
  downloadEvidence,
  EvidenceStoreError,
  evidenceTimestamp,
  planEvidence,
  preflightEvidenceStore,
  uploadEvidence,
  type EvidenceTarget,
} from "../../../scripts/lib/evidence";
import { azuriteTarget, ensureAzuriteContainer, startAzurite, type AzuriteProcess } from "../../../scripts/lib/evidenceAzurite";
import { readTrend } from "../../../scripts/lib/evidenceTrend";
import { composeReport, writeDrillReport } from "../../../scripts/report/drillReport";
import { failover, startRecord, vm } from "../report/reportFixtures";

const SUB =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/contoso-evidence/providers/Microsoft.Storage/storageAccounts";

describe("evidence blob layout", () => {
  it("names blobs <stack>/<drill-id>/<UTC time>/… and knows their URLs before uploading", () => {
    expect(evidenceTimestamp("2026-11-26T08:01:02.345Z")).toBe("20261126T080102Z");
    const plan = planEvidence(
      {
        store: "azure",
        accountName: "contosoevidence",
        container: "drill-evidence",
        blobEndpoint: "https://contosoevidence.blob.core.windows.net",
      },
      "prod-tier1",
      "contoso-tier1",
      "2026-11-26T08:01:02.345Z",
    );
    expect(plan.prefix).toBe("prod-tier1/contoso-tier1/20261126T080102Z/");
    expect(plan.blobs.map((b) => b.url)).toEqual(
      ["report.json", "report.md", "report.html", "start.json", "manifest.sha256"].map(
        (f) => `https://contosoevidence.blob.core.windows.net/drill-evidence/prod-tier1/contoso-tier1/20261126T080102Z/${f}`,
      ),
    );
  });
});

describe("evidence store on Azurite", () => {
  let azurite: AzuriteProcess;
  let dir: string;
  let target: EvidenceTarget;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-evidence-"));
    azurite = await startAzurite({ location: path.join(dir, "azurite"), accounts: ["contosoevidence"] });
    target = azuriteTarget(azurite, `${SUB}/contosoevidence`, "contosoevidence", "drill-evidence");
    await ensureAzuriteContainer(target);
  }, 60_000);
  afterAll(async () => {
    await azurite?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("preflight: the container exists and is writable; version-level immutability is reported (not set on Azurite)", async () => {
    const p = await preflightEvidenceStore(containerClientOf(target), target, {
      stack: "test",
      drillId: "contoso-tier1",
      now: new Date("2026-11-26T08:00:00Z"),
    });
    expect(p).toEqual({
      checkedAt: "2026-11-26T08:00:00.000Z",
      writable: true,
      versionLevelImmutability: false,
      hasImmutabilityPolicy: false,
      hasLegalHold: false,
    });
    expect(await downloadEvidence(containerClientOf(target), "test/_preflight/contoso-tier1-20261126T080000Z.txt")).toContain(
      "preflight of drill contoso-tier1",
    );
  });

  it("preflight refuses a storage account that does not exist, naming the config path and value", async () => {
    const missing = azuriteTarget(azurite, `${SUB}/nosuchaccount`, "nosuchaccount", "drill-evidence");
    const err = await preflightEvidenceStore(containerClientOf(missing), missing, { stack: "test", drillId: "d" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvidenceStoreError);
    expect((err as Error).message).toMatch(
      /^failover-drill:evidence\.storageAccountId: ".*\/storageAccounts\/nosuchaccount": storage account nosuchaccount was not found/,
    );
  });

  it("preflight refuses a missing container (the drill never creates the retained store)", async () => {
    const noContainer = { ...target, container: "no-such-container" };
    await expect(preflightEvidenceStore(containerClientOf(noContainer), noContainer, { stack: "test", drillId: "d" })).rejects.toThrow(
      /^failover-drill:evidence\.container: "no-such-container" does not exist in storage account contosoevidence; create it/,
    );
  });

  it("preflight refuses a container the drill's identity can read but not write", async () => {
    // An account SAS with read and list only: the container is visible, blobs cannot be written.
    const sas = generateAccountSASQueryParameters(
      {
        permissions: AccountSASPermissions.parse("rl"),
        resourceTypes: AccountSASResourceTypes.parse("sco").toString(),
        services: AccountSASServices.parse("b").toString(),
        expiresOn: new Date(Date.now() + 3600_000),
      },
      target.credential as StorageSharedKeyCredential,
    ).toString();
    const readOnly = new ContainerClient(`${target.blobEndpoint}/${target.container}?${sas}`);
    expect((await readOnly.getProperties()).etag).toBeTruthy();
    await expect(preflightEvidenceStore(readOnly, target, { stack: "test", drillId: "d" })).rejects.toThrow(
      /^failover-drill:evidence\.container: "drill-evidence" in storage account contosoevidence is not writable for the drill's identity \(AuthorizationPermissionMismatch.*grant it blob write on the container/,
    );
  });

  it("uploads a drill run (manifest last, re-upload overwrites) and reads the stack's trend back, oldest first, checking each manifest", async () => {
    const container = containerClientOf(target);
    const reportsDir = path.join(dir, "reports");
    const run = async (startedAt: string, rtoEnd: number) => {
      const start = { ...startRecord(), startedAt, stack: "trend-stack" };
      const r = composeReport({
        start,
        failovers: [{ name: "application", outputs: failover("application", [vm("APP01", 0, 10, rtoEnd, { verified: rtoEnd })]) }],
        policies: [],
        upSucceeded: true,
        upOutput: "",
      });
      const plan = planEvidence(target, "trend-stack", r.drillId, startedAt);
      const out = writeDrillReport(r, path.join(reportsDir, startedAt.replace(/\W/g, "")));
      const done = await uploadEvidence(container, plan, out);
      return { plan, done };
    };
    const first = await run("2026-08-01T06:00:00.000Z", 120);
    expect(first.done.blobs.map((b) => b.name.split("/").pop())).toEqual(["report.json", "report.md", "report.html", "manifest.sha256"]);
    await run("2026-11-01T06:00:00.000Z", 300);
    const current = planEvidence(target, "trend-stack", "contoso-tier1", "2026-12-01T06:00:00.000Z");

    const trend = await readTrend(container, "trend-stack", 8, current.prefix);
    expect(trend.error).toBeUndefined();
    expect(trend.previous.map((p) => [p.generatedAt, p.rtoSeconds, p.prefix])).toEqual([
      ["2026-08-01T06:00:00.000Z", 120, "trend-stack/contoso-tier1/20260801T060000Z/"],
      ["2026-11-01T06:00:00.000Z", 300, "trend-stack/contoso-tier1/20261101T060000Z/"],
    ]);
    expect(trend.previousDrill?.generatedAt).toBe("2026-11-01T06:00:00.000Z");
    expect((await readTrend(container, "trend-stack", 1)).previous).toHaveLength(1);
    expect((await readTrend(container, "other-stack", 8)).previous).toEqual([]);

    // An edited report no longer matches its manifest: the trend says so.
    await container
      .getBlockBlobClient(`${first.plan.prefix}report.json`)
      .uploadData(Buffer.from(`${await downloadEvidence(container, `${first.plan.prefix}report.json`)} `));
    expect((await readTrend(container, "trend-stack", 8)).error).toMatch(
      /20260801T060000Z\/report\.json: its SHA-256 differs from manifest\.sha256/,
    );
    // Azurite keeps its data in the folder it was given (the runner's evidence folder, outside the drill state).
    expect(fs.readdirSync(path.join(dir, "azurite")).length).toBeGreaterThan(0);
  });
});
