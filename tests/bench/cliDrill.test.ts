// Phase boundaries of a CLI drill, read from the runner's output as it arrives.
import { MAX_ENV_STRING_BYTES, phaseStarts, prepareCliDrill } from "../../bench/cliDrill";

const at = (s: number, text: string) => ({ atMs: s * 1000, text });

test("each phase starts at its banner; the stack resource's step line (or Pulumi's Duration) ends up and destroy", () => {
  const lines = [
    at(1, "=== stack bench-cli-4 on the Azure twin at http://127.0.0.1:5000 (fixture x, speed x60) ==="),
    at(2, "no retained evidence store configured (failover-drill:evidence): the report stays local"),
    at(3, "=== policy gate: pulumi preview --policy-pack policy ==="),
    at(10, "=== drill: pulumi up --policy-pack policy ==="),
    at(20, "create pulumi-nodejs:dynamic/drill:TestFailover drill-application succeeded (2.0 s)"),
    at(50, "create pulumi:pulumi:Stack failover-drill-bench-cli-4 succeeded (40.0 s)"),
    at(55, "report: reports/x"),
    at(56, "=== cleanup: pulumi destroy ==="),
    at(90, "Duration: 34s"),
    at(91, "cleanup confirmed: no test VM, NIC or disk left"),
    at(92, "=== drill PASSED ==="),
  ];
  expect(phaseStarts(lines, 0).map((p) => [p.phase, p.atMs / 1000])).toEqual([
    ["setup", 0],
    ["preflight", 1],
    ["policy gate", 3],
    ["up", 10],
    ["report + evidence", 50],
    ["destroy", 56],
    ["confirmation", 90],
    ["shutdown", 91],
  ]);
});

test("a phase that never came does not hide later ones, and a Duration line out of place starts nothing", () => {
  const lines = [
    at(1, "=== stack test on the Azure twin at http://127.0.0.1:1 ==="),
    at(3, "=== policy gate: pulumi preview --policy-pack policy ==="),
    at(4, "Duration: 1s"),
    at(10, "=== drill: pulumi up --policy-pack policy ==="),
    // up failed before Pulumi's summary: no Duration line, straight to the cleanup.
    at(20, "=== cleanup: pulumi destroy ==="),
    at(30, "Duration: 10s"),
  ];
  expect(phaseStarts(lines, 0).map((p) => p.phase)).toEqual(["setup", "preflight", "policy gate", "up", "destroy", "confirmation"]);
  expect(phaseStarts(lines, 0).find((p) => p.phase === "up")?.atMs).toBe(10_000);
});

test("the config size the program would get in PULUMI_CONFIG: 1,000 VMs with a check each is over Linux's limit, without is not", () => {
  const c = { name: "x", plans: 10, scope: "items" as const };
  expect(prepareCliDrill({ ...c, vms: 1000, expectations: "every VM" }).pulumiConfigBytes).toBeGreaterThan(MAX_ENV_STRING_BYTES);
  expect(prepareCliDrill({ ...c, vms: 1000, expectations: "DC only" }).pulumiConfigBytes).toBeLessThan(MAX_ENV_STRING_BYTES);
  expect(prepareCliDrill({ name: "y", vms: 100, plans: 1, scope: "plan", expectations: "every VM" }).pulumiConfigBytes).toBeLessThan(
    MAX_ENV_STRING_BYTES,
  );
});
