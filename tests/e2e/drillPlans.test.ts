// Several recovery plans in one drill, end to end on the twin (`npm run drill -- --stack <name>`, the real
// CLI): a generated estate of two 6-VM plans, `scope.recoveryPlans` and an `expectedRules` pattern. One
// application TestFailover per plan, both after the policy gate, both verified; small stack outputs; the
// report names both plans and keeps their boot groups apart; everything is cleaned up.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { generateEstate } from "../../twin/fixtures/generate";
import { ROOT, runCommand } from "./harness";

jest.setTimeout(900_000);

const DRILL = path.join(ROOT, "dist", "scripts", "drill.js");
// The runner reads Pulumi.<stack>.yaml beside Pulumi.yaml; this test's own stack exists for the run only.
const STACK = `e2e-plans-${process.pid}`;
const STACK_FILE = path.join(ROOT, `Pulumi.${STACK}.yaml`);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-plans-"));
  fs.mkdirSync(path.join(dir, "backend"));
  fs.writeFileSync(path.join(dir, "estate.json"), JSON.stringify(generateEstate({ items: 12, plans: 2, itemsPerPlan: 6 })));
  const salt = /^encryptionsalt:.*$/m.exec(fs.readFileSync(path.join(ROOT, "Pulumi.test.yaml"), "utf8"))?.[0] ?? "";
  const config = {
    "failover-drill:vault": {
      subscriptionId: "22222222-2222-2222-2222-222222222222",
      resourceGroup: "synthetic-dr",
      name: "synthetic-asr-vault",
    },
    "failover-drill:arm": { credentialMode: "staticToken", tokenVariable: "E2E_PLANS_ARM_TOKEN" },
    "failover-drill:location": "westeurope",
    "failover-drill:drill": { id: "two-plans", owner: "dr@example.com", expiry: "2030-12-31" },
    "failover-drill:scope": { recoveryPlans: ["rp-synthetic-1", "rp-synthetic-2"] },
    "failover-drill:testNetwork": {
      resourceGroup: "synthetic-drill-rg",
      vnetName: "synthetic-drill-vnet",
      addressSpace: "10.20.0.0/16",
      subnets: ["a", "b", "c", "d"].map((s, i) => ({ name: `snet-${s}`, prefix: `10.20.${i * 16}.0/20` })),
    },
    "failover-drill:storage": { accountNamePrefix: "plansdrill" },
    // Every VM expected D2s_v3 but the two the generator sizes D4s_v3 (a later rule wins): a rule applied
    // out of order, or a pattern matched wrongly, fails the drill.
    "failover-drill:expectedRules": [
      { match: "VM*", size: "Standard_D2s_v3", nicCount: 1 },
      { match: "VM000?1", size: "Standard_D4s_v3" },
    ],
    "failover-drill:notes": "two plans in one drill",
  };
  fs.writeFileSync(STACK_FILE, `${salt}\n${YAML.stringify({ config }, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" })}`);
});
afterAll(() => {
  fs.rmSync(STACK_FILE, { force: true });
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it("drills two plans: one TestFailover each, both verified, the report names both, nothing left", async () => {
  const env = { ...process.env, PULUMI_BACKEND_URL: `file://${path.join(dir, "backend")}` };
  const args = [
    DRILL,
    "--stack",
    STACK,
    "--fixture",
    path.join(dir, "estate.json"),
    "--state",
    path.join(dir, "state"),
    "--reports",
    path.join(dir, "reports"),
    "--speed",
    "120",
  ];
  const r = await runCommand(process.execPath, args, { cwd: ROOT, env, timeoutMs: 840_000 });
  if (r.code !== 0) throw new Error(`drill failed (${r.code}):\n${r.output.slice(-6000)}`);
  expect(r.output).toContain("drill PASSED");
  expect(r.output).toContain("cleanup confirmed");
  // Each plan's resource, created in the same up.
  for (const plan of ["rp-synthetic-1", "rp-synthetic-2"])
    expect(r.output).toMatch(new RegExp(`create pulumi-nodejs:dynamic/drill:TestFailover drill-application-${plan} succeeded`));
  expect(r.output).not.toMatch(/Undefined value/);

  const report = JSON.parse(fs.readFileSync(path.join(dir, "reports", "two-plans", "report.json"), "utf8"));
  expect(report.verdict).toBe("passed");
  expect(report.scope.recoveryPlans).toEqual(["rp-synthetic-1", "rp-synthetic-2"]);
  expect(report.testFailovers.map((f: { name: string; vms: unknown[] }) => [f.name, f.vms.length])).toEqual([
    ["drill-application-rp-synthetic-1", 6],
    ["drill-application-rp-synthetic-2", 6],
  ]);
  const sizes = Object.fromEntries(
    report.testFailovers.flatMap((f: { vms: { friendlyName: string; size: string }[] }) => f.vms.map((v) => [v.friendlyName, v.size])),
  );
  expect([sizes.VM00001, sizes.VM00011, sizes.VM00002]).toEqual(["Standard_D4s_v3", "Standard_D4s_v3", "Standard_D2s_v3"]);
  const lanes = report.timeline.bars.filter((b: { kind: string }) => b.kind === "group").map((b: { lane: string }) => b.lane);
  expect(lanes).toEqual(expect.arrayContaining(["plan rp-synthetic-1: Group 1: Start", "plan rp-synthetic-2: Group 1: Start"]));
  expect(new Set(lanes).size).toBe(lanes.length);
});
