// examples/github-actions/drill-policy.yml: the PR policy check runs the same gate as `npm run
// policy:check` (twin by default, a subscription through OIDC when configured) and posts the summary.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parsePolicyCheckArgs } from "../../scripts/policyCheck";

const FILE = path.join(__dirname, "..", "..", "examples", "github-actions", "drill-policy.yml");
const wf = YAML.parse(fs.readFileSync(FILE, "utf8")) as {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { steps: { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, string> }[] }>;
};
const steps = Object.values(wf.jobs)[0].steps;
const runs = steps.map((s) => s.run ?? "").join("\n");

describe("examples/github-actions/drill-policy.yml", () => {
  it("runs on pull requests with OIDC and comment permissions only", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.permissions).toEqual({ contents: "read", "pull-requests": "write", "id-token": "write" });
  });

  it("previews with the policy pack through npm run policy:check: twin by default, --subscription with azure/login", () => {
    expect(runs).toMatch(/npm run policy:check\n/);
    expect(runs).toContain("npm run policy:check -- --subscription");
    const login = steps.find((s) => s.uses?.startsWith("azure/login@"));
    expect(login?.if).toContain("SUBSCRIPTION_MODE");
    expect(Object.keys(login?.with ?? {}).sort()).toEqual(["client-id", "subscription-id", "tenant-id"]);
    // Real plugins in subscription mode (the twin's stand-ins are only put on PATH for twin runs).
    expect(runs).toContain("pulumi plugin install resource azure-native 3.28.0");
    expect(runs).toContain("pulumi plugin install resource random 4.21.2");
  });

  it("posts reports/policy-check.md as one PR comment and fails on exit 10", () => {
    const post = steps.find((s) => s.uses?.startsWith("actions/github-script@"));
    expect(post?.with?.script).toContain("reports/policy-check.md");
    expect(post?.with?.script).toContain("<!-- failover-drill:policy-check -->");
    expect(steps[steps.length - 1].if).toContain("steps.check.outputs.exit != '0'");
  });

  it("uses flags policy:check accepts", () => {
    const o = parsePolicyCheckArgs(["--subscription", "--stack", "azure-example"]);
    if (o === "help") throw new Error("unexpected help");
    expect(o).toMatchObject({ subscription: true, stack: "azure-example", port: 0 });
    expect(o.out).toMatch(/reports[/\\]policy-check\.md$/);
    expect(() => parsePolicyCheckArgs(["--keep"])).toThrow(/never runs up or destroy/);
  });
});
