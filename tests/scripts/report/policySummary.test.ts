// The PR-comment summary of the policy gate.
import type { PolicyEvent } from "../../../scripts/lib/pulumiCli";
import { POLICY_SUMMARY_MARKER, policyVerdict, renderPolicySummary } from "../../../scripts/report/policySummary";

const mandatory: PolicyEvent = {
  policyName: "managed-disks-blocked-by-sse-replication-storage",
  policyPackName: "failover-drill",
  enforcementLevel: "mandatory",
  message: 'item "FILE01" | uses <SSE> storage\nsecond line',
  resourceUrn: "urn:pulumi:test::failover-drill::pulumi-nodejs:dynamic/drill:TestFailover::application",
};
const advisory: PolicyEvent = {
  ...mandatory,
  policyName: "managed-disks-prevent-failback",
  enforcementLevel: "advisory",
  message: "migration-only",
};

describe("policy summary", () => {
  it("blocks on a mandatory finding and lists it first, as one-line escaped table cells", () => {
    const md = renderPolicySummary({
      stack: "test",
      target: "the twin",
      policies: [advisory, mandatory],
      previewOk: false,
      generatedAt: new Date("2026-11-26T08:00:00Z"),
    });
    expect(md.startsWith(POLICY_SUMMARY_MARKER)).toBe(true);
    expect(md).toContain("blocked by 1 mandatory finding");
    expect(md.indexOf("### Mandatory")).toBeLessThan(md.indexOf("### Advisory"));
    expect(md).toContain(
      '| mandatory | `managed-disks-blocked-by-sse-replication-storage` | application | item "FILE01" \\| uses &lt;SSE&gt; storage second line |',
    );
    expect(policyVerdict({ policies: [mandatory], previewOk: false })).toBe("blocked");
  });

  it("passes with advisory findings only, and reports a preview that failed for another reason", () => {
    expect(renderPolicySummary({ stack: "test", target: "the twin", policies: [advisory], previewOk: true })).toContain(
      "Drill policy check passed",
    );
    const err = renderPolicySummary({ stack: "test", target: "the twin", policies: [], previewOk: false, failure: "error: boom" });
    expect(err).toContain("the preview failed");
    expect(err).toContain("error: boom");
    expect(policyVerdict({ policies: [], previewOk: false })).toBe("error");
  });
});
