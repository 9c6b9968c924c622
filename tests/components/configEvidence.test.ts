// The `failover-drill:evidence` section of components/config.ts: the retained evidence store, the
// service the drill proves, the RPO target and the trend settings.
import { parseDrillConfig, parseEvidenceConfig, drillConfigProblems } from "../../components/config";
import { validRawConfig } from "./fixtures";

const ACCOUNT =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/contoso-evidence/providers/Microsoft.Storage/storageAccounts/contosoevidence";

describe("failover-drill:evidence", () => {
  it("is optional and, when given, parses with defaults for container, exclusions and trend", () => {
    expect(parseDrillConfig(validRawConfig()).evidence).toBeUndefined();
    const raw = {
      ...validRawConfig(),
      evidence: { storageAccountId: ACCOUNT, rpoTargetMinutes: 30, businessService: "Contoso ERP", tier: "tier-1" },
    };
    expect(parseDrillConfig(raw).evidence).toEqual({
      storageAccountId: ACCOUNT,
      container: "drill-evidence",
      businessService: "Contoso ERP",
      tier: "tier-1",
      rpoTargetMinutes: 30,
      exclusions: [],
      trend: { drills: 8, regressionMarginPercent: 25 },
    });
  });

  it("names the path, the value and the expectation of every bad field", () => {
    const problems = drillConfigProblems({
      ...validRawConfig(),
      evidence: {
        storageAccountId: "contosoevidence",
        container: "Drill_Evidence",
        rpoTargetMinutes: 0,
        exclusions: [{ item: "FILE01" }],
        trend: { drills: 0 },
        worm: true,
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^failover-drill:evidence\.storageAccountId: "contosoevidence" is not a storage account id \(\/subscriptions\//,
        ),
        'failover-drill:evidence.container: "Drill_Evidence" is not a blob container name (3-63 lowercase letters, digits and single hyphens)',
        "failover-drill:evidence.rpoTargetMinutes: 0 must be at least 1 minute",
        "failover-drill:evidence.exclusions[0].reason: missing, expected a string",
        "failover-drill:evidence.trend.drills: 0 must be between 1 and 50",
        "failover-drill:evidence.worm: true is not a known key (check its spelling)",
      ]),
    );
  });

  it("parses the section alone for the runner's preflight, with the same paths", () => {
    expect(parseEvidenceConfig(undefined)).toEqual({ problems: [] });
    expect(parseEvidenceConfig({ storageAccountId: ACCOUNT }).evidence?.container).toBe("drill-evidence");
    expect(parseEvidenceConfig({ container: "drill-evidence" }).problems).toEqual([
      "failover-drill:evidence.storageAccountId: missing, expected a string",
    ]);
  });
});
