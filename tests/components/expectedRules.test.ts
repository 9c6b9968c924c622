// Expectations by pattern (expectedRules) and from a file (expectedFile): how a 1,000-VM drill expects a
// check of every VM without a 1,000-entry list in stack config (which travels in one 128 KiB variable).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseDrillConfig, drillConfigProblems } from "../../components/config";
import { effectiveExpectations, patternMatches, unmatchedRuleProblems } from "../../components/expectedRules";
import { validRawConfig } from "./fixtures";

const resolve = {
  name: "resolve-domain",
  commandId: "RunPowerShellScript" as const,
  script: ["Resolve-DnsName contoso.local"],
  expectOutputContains: "contoso.local",
};
const sqlUp = {
  name: "sql",
  commandId: "RunPowerShellScript" as const,
  script: ["Get-Service MSSQLSERVER"],
  expectOutputContains: "Running",
};

describe("patternMatches", () => {
  it.each([
    ["VM*", "VM00001", true],
    ["vm*", "VM00001", true],
    ["VM0000?", "VM00001", true],
    ["VM0000?", "VM000012", false],
    ["SQL*", "MSSQL01", false],
    ["APP.01", "APPX01", false],
    ["*", "anything", true],
  ])("%s vs %s → %s", (pattern, name, hit) => expect(patternMatches(pattern, name)).toBe(hit));
});

describe("effectiveExpectations", () => {
  it("rules in order, then the VM's own entry; checks add up; VMs no rule or entry names get none", () => {
    const out = effectiveExpectations(
      ["SQL01", "APP01", "WEB01", "DC01"],
      [
        { match: "*01", inGuestChecks: [resolve], nicCount: 1 },
        { match: "SQL*", inGuestChecks: [sqlUp], nicCount: 2 },
        { match: "XYZ*", size: "Standard_B2s" },
      ].filter((r) => r.match !== "XYZ*"),
      [{ friendlyName: "app01", ip: "10.10.2.10", size: "Standard_D2s_v3" }],
    );
    expect(out).toEqual([
      { friendlyName: "SQL01", nicCount: 2, inGuestChecks: [resolve, sqlUp] },
      { friendlyName: "APP01", nicCount: 1, inGuestChecks: [resolve], ip: "10.10.2.10", size: "Standard_D2s_v3" },
      { friendlyName: "WEB01", nicCount: 1, inGuestChecks: [resolve] },
      { friendlyName: "DC01", nicCount: 1, inGuestChecks: [resolve] },
    ]);
    expect(effectiveExpectations(["WEB01"], [], [])).toEqual([]);
  });

  it("a rule matching no VM of the drill is a problem at its config path", () => {
    expect(unmatchedRuleProblems([{ match: "VM*" }, { match: "APP*" }], ["APP01", "SQL01"])).toEqual([
      'failover-drill:expectedRules[0].match: "VM*" matches no VM of this drill (APP01, SQL01)',
    ]);
  });
});

describe("expectedRules and expectedFile in the config schema", () => {
  it("1,000 VMs with a check each: a few hundred bytes of rules instead of a list", () => {
    const raw = validRawConfig();
    raw.expected = [];
    raw.expectedRules = [{ match: "VM*", inGuestChecks: [resolve] }];
    expect(parseDrillConfig(raw).expectedRules).toEqual([{ match: "VM*", inGuestChecks: [resolve] }]);
    expect(JSON.stringify(raw.expectedRules).length).toBeLessThan(300);
  });

  it("a rule with an ip, or a bad check, is refused by the schema", () => {
    const raw = validRawConfig();
    raw.expectedRules = [
      { match: "VM*", ip: "10.10.2.4" },
      { match: "", inGuestChecks: [{ ...resolve, commandId: "Run" }] },
    ];
    const problems = drillConfigProblems(raw);
    expect(problems).toContain('failover-drill:expectedRules[0].ip: "10.10.2.4" is not a known key (check its spelling)');
    expect(problems.some((p) => p.startsWith("failover-drill:expectedRules[1].match:"))).toBe(true);
    expect(problems.some((p) => p.startsWith("failover-drill:expectedRules[1].inGuestChecks[0].commandId:"))).toBe(true);
  });

  describe("expectedFile", () => {
    let dir: string;
    beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "expected-file-"))));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");

    it("a YAML file's entries join expected, judged by the same schema and cross-field checks", () => {
      fs.writeFileSync(path.join(dir, "expected.yaml"), "- friendlyName: WEB01\n  size: Standard_D2s_v3\n  ip: 10.10.2.30\n");
      const raw = validRawConfig();
      raw.expectedFile = "expected.yaml";
      const cfg = parseDrillConfig(raw, { readFile: read });
      expect(cfg.expected.map((e) => e.friendlyName)).toEqual([
        ...validRawConfig().expected.map((e: { friendlyName: string }) => e.friendlyName),
        "WEB01",
      ]);
      fs.writeFileSync(path.join(dir, "bad-ip.yaml"), "- friendlyName: WEB01\n  ip: 192.168.9.9\n");
      raw.expectedFile = "bad-ip.yaml";
      expect(
        drillConfigProblems(raw, { readFile: read }).some((p) =>
          /expected\[\d+\]\.ip: "192\.168\.9\.9" is not a usable address in any test subnet/.test(p),
        ),
      ).toBe(true);
    });

    it("a JSON file with a schema error names the file and the entry", () => {
      fs.writeFileSync(
        path.join(dir, "expected.json"),
        JSON.stringify({ expected: [{ friendlyName: "WEB01" }, { friendlyName: "APP01", nicCount: 9 }] }),
      );
      const raw = validRawConfig();
      raw.expectedFile = "expected.json";
      expect(drillConfigProblems(raw, { readFile: read })).toContain(
        "failover-drill:expectedFile(expected.json)[1].nicCount: 9 must be between 1 and 8",
      );
    });

    it("a missing file, a file of the wrong shape, and no reader are each one clear problem", () => {
      const raw = validRawConfig();
      raw.expectedFile = "nope.yaml";
      expect(drillConfigProblems(raw, { readFile: read })[0]).toMatch(/^failover-drill:expectedFile: "nope\.yaml" cannot be read: ENOENT/);
      fs.writeFileSync(path.join(dir, "scalar.yaml"), "just text\n");
      raw.expectedFile = "scalar.yaml";
      expect(drillConfigProblems(raw, { readFile: read })).toEqual([
        'failover-drill:expectedFile: "scalar.yaml" must hold a list of expected results (or an object with an "expected" list)',
      ]);
      expect(drillConfigProblems(raw)).toEqual([
        'failover-drill:expectedFile: "scalar.yaml" cannot be read here (no file reader was given to the config parser)',
      ]);
    });
  });
});
