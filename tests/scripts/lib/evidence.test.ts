// Evidence upload to a real Azurite (npm azurite, started as the drill runner starts it).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { downloadEvidence, evidenceTimestamp, planEvidence, startAzurite, uploadEvidence, type AzuriteProcess, type EvidenceTarget } from "../../../scripts/lib/evidence";

describe("drill evidence", () => {
  it("names blobs <drill-id>/<timestamp>/report.* and knows their URLs before uploading", () => {
    expect(evidenceTimestamp("2026-11-26T08:01:02.345Z")).toBe("20261126T080102Z");
    const plan = planEvidence({ kind: "azure", accountName: "contosodrillab12cd34", container: "drill-evidence" }, "contoso-tier1", "2026-11-26T08:01:02.345Z");
    expect(plan.prefix).toBe("contoso-tier1/20261126T080102Z/");
    expect(plan.blobs.map((b) => b.url)).toEqual(
      ["json", "md", "html"].map((e) => `https://contosodrillab12cd34.blob.core.windows.net/drill-evidence/contoso-tier1/20261126T080102Z/report.${e}`),
    );
  });

  describe("with Azurite", () => {
    let azurite: AzuriteProcess;
    let dir: string;
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-evidence-"));
      azurite = await startAzurite({ location: path.join(dir, "azurite") });
    }, 60_000);
    afterAll(async () => {
      await azurite?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("uploads report.{json,md,html} to the container (created on first use) and reads them back; a re-upload overwrites", async () => {
      const reportDir = path.join(dir, "report");
      fs.mkdirSync(reportDir);
      fs.writeFileSync(path.join(reportDir, "report.json"), '{"verdict":"passed"}\n');
      fs.writeFileSync(path.join(reportDir, "report.md"), "# DR drill\n");
      fs.writeFileSync(path.join(reportDir, "report.html"), "<!doctype html><title>x</title>\n");
      const target: EvidenceTarget = { kind: "azurite", blobEndpoint: azurite.blobEndpoint, container: "drill-evidence" };
      const plan = planEvidence(target, "contoso-tier1", "2026-11-26T08:00:00.000Z");
      const done = await uploadEvidence(target, plan, reportDir);
      expect(done.uploadedAt).toBeTruthy();
      expect(done.blobs[0].url).toBe(`${azurite.blobEndpoint}/drill-evidence/contoso-tier1/20261126T080000Z/report.json`);
      expect(await downloadEvidence(target, "contoso-tier1/20261126T080000Z/report.md")).toBe("# DR drill\n");

      fs.writeFileSync(path.join(reportDir, "report.json"), '{"verdict":"passed","cleanup":{"clean":true}}\n');
      await uploadEvidence(target, plan, reportDir);
      expect(JSON.parse(await downloadEvidence(target, "contoso-tier1/20261126T080000Z/report.json"))).toEqual({ verdict: "passed", cleanup: { clean: true } });
      // Azurite keeps its data in the drill's state folder.
      expect(fs.readdirSync(path.join(dir, "azurite")).length).toBeGreaterThan(0);
    });
  });
});
