// examples/github-actions/drill-scheduled.yml: quarterly and on-demand drills, one job per stack, never
// two on one vault at once, OIDC, the report as summary and artifact, the janitor always, and a failing
// verdict failing the job. Both example workflows also pass actionlint (built by scripts/setup.js).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { parseDrillArgs } from "../../scripts/drill";

const ROOT = path.join(__dirname, "..", "..");
const DIR = path.join(ROOT, "examples", "github-actions");
const ACTIONLINT = path.join(process.env.FAILOVER_DRILL_TOOLS_DIR ?? path.join(ROOT, ".tools"), "bin", "actionlint");

type Step = {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
};
type Job = {
  needs?: string;
  if?: string;
  strategy?: { matrix: { include: unknown }; "fail-fast"?: boolean };
  concurrency?: { group: string; "cancel-in-progress": boolean };
  env?: Record<string, string>;
  steps: Step[];
  outputs?: Record<string, string>;
};
const wf = YAML.parse(fs.readFileSync(path.join(DIR, "drill-scheduled.yml"), "utf8")) as {
  on: Record<string, any>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};
const drill = wf.jobs.drill;
const step = (name: string) => drill.steps.find((s) => s.name === name);

describe("actionlint on the example workflows", () => {
  it.each(["drill-policy.yml", "drill-scheduled.yml"])("%s has no actionlint finding", (file) => {
    expect(fs.existsSync(ACTIONLINT)).toBe(true);
    const r = spawnSync(ACTIONLINT, ["-no-color", "-oneline", path.join(DIR, file)], { encoding: "utf8" });
    expect(r.error).toBeUndefined();
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("actionlint itself finds the mistake this workflow once had (matrix in a job-level if)", () => {
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-actionlint-")), "bad.yml");
    fs.writeFileSync(
      bad,
      "on: push\njobs:\n  a:\n    if: matrix.stack == 'x'\n    strategy:\n      matrix:\n        stack: [x]\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n",
    );
    const r = spawnSync(ACTIONLINT, ["-no-color", "-oneline", bad], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/context "matrix" is not allowed here/);
    fs.rmSync(path.dirname(bad), { recursive: true, force: true });
  });
});

describe("examples/github-actions/drill-scheduled.yml", () => {
  it("runs quarterly by cron and on workflow_dispatch, with OIDC and read-only contents", () => {
    expect(wf.on.schedule).toEqual([{ cron: "0 6 1 1,4,7,10 *" }]);
    expect(Object.keys(wf.on.workflow_dispatch.inputs)).toEqual(["stack", "reason"]);
    expect(wf.permissions).toEqual({ contents: "read", "id-token": "write" });
    const login = drill.steps.find((s) => s.uses?.startsWith("azure/login@"));
    expect(Object.keys(login?.with ?? {}).sort()).toEqual(["client-id", "subscription-id", "tenant-id"]);
  });

  it("has a matrix over stacks and one concurrency group per vault that queues instead of cancelling", () => {
    expect(drill.needs).toBe("stacks");
    expect(drill.strategy?.matrix.include).toBe("${{ fromJSON(needs.stacks.outputs.matrix) }}");
    expect(drill.strategy?.["fail-fast"]).toBe(false);
    const stacks = JSON.parse(wf.jobs.stacks.env!.DRILL_STACKS) as { stack: string; vault: string }[];
    expect(stacks.map((s) => s.stack)).toEqual(["contoso-tier1", "contoso-tier2"]);
    for (const s of stacks) expect(s.vault).toMatch(/^[0-9a-f-]{36}\/[^/]+\/[^/]+$/);
    expect(drill.concurrency).toEqual({ group: "failover-drill-vault-${{ matrix.vault }}", "cancel-in-progress": false });
  });

  it("runs npm run drill for the matrix stack with trigger scheduled, with flags the runner accepts", () => {
    const run = step("Drill")?.run ?? "";
    expect(run).toContain('npm run drill -- --stack "${{ matrix.stack }}" --trigger "$TRIGGER_KIND" --trigger-ref "$TRIGGER_REF"');
    expect(drill.env?.TRIGGER_KIND).toBe("${{ github.event_name == 'schedule' && 'scheduled' || 'manual' }}");
    // Dispatch input reaches the shell through env only (no expression inside the script: no injection).
    expect(run).not.toContain("inputs.");
    expect(
      parseDrillArgs(["--stack", "contoso-tier1", "--trigger", "scheduled", "--trigger-ref", "schedule 0 6 1 1,4,7,10 *, run 42"]),
    ).toMatchObject({
      stack: "contoso-tier1",
      trigger: { kind: "scheduled", reference: "schedule 0 6 1 1,4,7,10 *, run 42" },
    });
    expect(() => parseDrillArgs(["--trigger", "nightly"])).toThrow(/expected manual, scheduled or change/);
  });

  it("publishes the report as job summary and artifact, always runs the janitor, and fails the job on a failing verdict", () => {
    expect(step("Report as job summary")).toMatchObject({ if: "always()" });
    expect(step("Report as job summary")?.run).toContain('reports/*/report.md; do cat "$md" >> "$GITHUB_STEP_SUMMARY"');
    const artifact = step("Report as artifact");
    expect(artifact).toMatchObject({ if: "always()", with: { path: "reports/" } });
    expect(artifact?.uses).toMatch(/^actions\/upload-artifact@/);
    expect(step("Janitor")).toMatchObject({ if: "always()", run: 'npm run janitor -- --azure --stack "${{ matrix.stack }}"' });
    const last = drill.steps[drill.steps.length - 1];
    expect(last.if).toBe("steps.drill.outputs.exit != '0'");
    expect(last.run).toContain("exit 1");
    expect(step("Drill")?.run).toMatch(/echo "exit=\$code" >> "\$GITHUB_OUTPUT"/);
  });
});
