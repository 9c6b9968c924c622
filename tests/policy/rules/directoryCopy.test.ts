import { directoryCopyFirst } from "../../../policy/rules/directoryCopyFirst";
import { directoryCopyRecommended } from "../../../policy/rules/directoryCopyRecommended";
import { dnsPointsToDirectoryCopy } from "../../../policy/rules/dnsPointsToDirectoryCopy";
import { getHappyPathStack, getHappyPathStackKnown, withProps } from "../fixtures";
import { assertHasViolation, assertNoViolations, createStackValidationArgs, runPolicy, UNKNOWN_STRING } from "../harness";

const preview = () => getHappyPathStack(UNKNOWN_STRING);
const withoutDc = (stack: any[]) =>
  stack.filter((s) => s.name !== "dc-copy").map((s) => ({ ...s, dependsOn: (s.dependsOn ?? []).filter((d: string) => d !== "dc-copy") }));

describe("dns-points-to-directory-copy", () => {
  const policy = dnsPointsToDirectoryCopy;
  const args = (stack: any) => createStackValidationArgs(policy, stack);

  it("is a mandatory stack policy", () => expect(policy.enforcementLevel).toBe("mandatory"));

  it("passes when the test VNet's DNS servers are the DC copy IP", async () => {
    await assertNoViolations(policy, args(preview()));
    await assertNoViolations(policy, args(getHappyPathStackKnown()));
  });

  it("fails Azure-provided DNS, naming the VNet, the DC IP and the config key", async () => {
    await assertHasViolation(
      policy,
      args(withProps(preview(), "drill-vnet", (p) => delete p.dhcpOptions)),
      /virtual network "drill-vnet".*Azure-provided DNS.*missing the DC copy IP\(s\) "10\.50\.0\.4".*failover-drill:directoryCopy\.items\[\]\.testIp/,
    );
  });

  it("fails DNS servers that are not the DC copy (e.g. production DNS)", async () => {
    await assertHasViolation(
      policy,
      args(withProps(preview(), "drill-vnet", (p) => (p.dhcpOptions.dnsServers = ["10.50.0.4", "10.0.0.4"]))),
      /server\(s\) "10\.0\.0\.4" that are not the DC copy/,
    );
    await assertHasViolation(
      policy,
      args(withProps(preview(), "drill-vnet", (p) => (p.dhcpOptions.dnsServers = ["10.50.0.5"]))),
      /missing the DC copy IP\(s\) "10\.50\.0\.4"/,
    );
  });

  it("fails a directory copy that pins no test IP", async () => {
    const stack = withProps(preview(), "dc-copy", (p) => {
      p.expected = [];
      p.items[0].nics[0].tfoStaticIp = undefined;
    });
    await assertHasViolation(policy, args(stack), /"dc-copy".*pins no test IP/);
  });

  it("does not apply without a directory copy (directory-copy-recommended does)", async () => {
    await assertNoViolations(policy, args(withProps(withoutDc(preview()), "drill-vnet", (p) => delete p.dhcpOptions)));
  });

  it("waits for unknown DC IPs instead of guessing", async () => {
    const run = await runPolicy(policy, args(withProps(preview(), "dc-copy", (p) => (p.expected[0].ip = UNKNOWN_STRING))));
    expect(run.violations).toHaveLength(0);
  });
});

describe("directory-copy-recommended", () => {
  const policy = directoryCopyRecommended;
  const args = (stack: any) => createStackValidationArgs(policy, stack);

  it("is advisory", () => expect(policy.enforcementLevel).toBe("advisory"));

  it("passes a drill with a directory copy", async () => {
    await assertNoViolations(policy, args(preview()));
  });

  it("warns that a full test needs a copy of Active Directory and DNS", async () => {
    await assertHasViolation(
      policy,
      args(withoutDc(preview())),
      /"apps".*a full test needs a copy of Active Directory and DNS.*failover-drill:directoryCopy/,
    );
  });
});

describe("directory-copy-first", () => {
  const policy = directoryCopyFirst;
  const args = (stack: any) => createStackValidationArgs(policy, stack);

  it("is a mandatory stack policy", () => {
    expect(policy.enforcementLevel).toBe("mandatory");
    expect(typeof policy.validateStack).toBe("function");
  });

  it("passes when the application TestFailover depends on the directory copy", async () => {
    await assertNoViolations(policy, args(preview()));
  });

  it("passes a transitive dependency (through another resource)", async () => {
    const stack = preview().map((s) =>
      s.name === "apps" ? { ...s, dependsOn: ["drill-evidence"] } : s.name === "drill-evidence" ? { ...s, dependsOn: ["dc-copy"] } : s,
    );
    // drill-evidence must come after dc-copy for the lookup, order does not matter to the harness
    await assertNoViolations(policy, args(stack));
  });

  it("fails an application TestFailover that does not depend on the directory copy", async () => {
    const stack = preview().map((s) => (s.name === "apps" ? { ...s, dependsOn: [] } : s));
    const run = await assertHasViolation(policy, args(stack), /"apps".*does not depend on the directory copy "dc-copy".*dependsOn/);
    expect(run.violations[0].urn).toMatch(/::apps$/);
  });
  it("several application test failovers (one per recovery plan): each must depend on the copy, and only the one that does not is named", async () => {
    const apps = preview().find((s) => s.name === "apps")!;
    const second = { ...apps, name: "apps-rp-web", props: { ...apps.props, scope: { kind: "recoveryPlan", recoveryPlanName: "rp-web" } } };
    await assertNoViolations(policy, args([...preview(), second]));
    const run = await assertHasViolation(
      policy,
      args([...preview(), { ...second, dependsOn: [] }]),
      /"apps-rp-web".*does not depend on the directory copy "dc-copy"/,
    );
    expect(run.violations.map((v) => v.urn)).toEqual([expect.stringMatching(/::apps-rp-web$/)]);
  });
});
