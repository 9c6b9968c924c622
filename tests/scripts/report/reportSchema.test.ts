// The published JSON Schema (scripts/report/drill-report.schema.json) is the one the zod schema generates,
// and reports the builder composes validate against the zod schema.
import * as fs from "fs";
import * as path from "path";
import { composeReport } from "../../../scripts/report/drillReport";
import { REPORT_SCHEMA_VERSION, validateReport } from "../../../scripts/report/reportSchema";
import { reportSchemaText, SCHEMA_FILE } from "../../../scripts/report/writeReportSchema";
import { failover, startRecord, vm } from "./reportFixtures";

describe("drill report schema v2", () => {
  it("the committed JSON Schema equals the one generated from the zod schema (regenerate: npm run report:schema)", () => {
    const committed = fs.readFileSync(path.join(__dirname, "..", "..", "..", "scripts", "report", SCHEMA_FILE), "utf8");
    expect(committed).toBe(reportSchemaText());
    const schema = JSON.parse(committed) as { $schema: string; required: string[]; properties: Record<string, { const?: number }> };
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.properties.schemaVersion.const).toBe(REPORT_SCHEMA_VERSION);
    for (const field of [
      "identity",
      "scope",
      "targets",
      "preconditions",
      "timeline",
      "rto",
      "rpo",
      "causes",
      "findings",
      "trend",
      "signOff",
    ])
      expect(schema.required).toContain(field);
  });

  it("a composed report is valid; an unknown field or a wrong type is refused", () => {
    const r = composeReport({
      start: startRecord(),
      failovers: [{ name: "application", outputs: failover("application", [vm("APP01", 0, 10, 20)]) }],
      policies: [],
      upSucceeded: true,
      upOutput: "",
    });
    expect(validateReport(JSON.parse(JSON.stringify(r)))).toEqual(r);
    expect(() => validateReport({ ...r, surprise: 1 })).toThrow(/does not match schema v2/);
    expect(() => validateReport({ ...r, schemaVersion: 1 })).toThrow(/schemaVersion/);
  });
});
