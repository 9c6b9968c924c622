import { nicCountFitsTargetSize } from "../../../policy/rules/nicCountFitsTargetSize";
import { vmNameProblem, vmNameValid } from "../../../policy/rules/vmNameValid";
import { getHappyPathItem, getHappyPathTestFailoverArgs, getNic, TEST_FAILOVER_TYPE } from "../fixtures";
import { assertHasViolation, assertNoViolations, createResourceValidationArgs } from "../harness";

describe("vm-name-valid", () => {
  const policy = vmNameValid;
  const named = (recoveryVmName: any) =>
    createResourceValidationArgs(policy, {
      type: TEST_FAILOVER_TYPE,
      name: "apps",
      props: getHappyPathTestFailoverArgs({ items: [getHappyPathItem({ friendlyName: "SQL01", recoveryVmName })] }),
    });

  it("is mandatory", () => expect(policy.enforcementLevel).toBe("mandatory"));

  it("passes ordinary names", async () => {
    await assertNoViolations(policy, named("SQL01"));
    await assertNoViolations(policy, named("contoso-sql-01"));
    await assertNoViolations(policy, named("a"));
  });

  it("boundary: a 58-character name passes (its -test name is 63), 59 fails (64)", async () => {
    await assertNoViolations(policy, named("a".repeat(58)));
    await assertHasViolation(policy, named("a".repeat(59)), /test failover VM name "a{59}-test" is 64 characters long \(at most 63\)/);
  });

  it("boundary: vmNameProblem accepts 63 characters and rejects 64", () => {
    expect(vmNameProblem("b".repeat(63))).toBeUndefined();
    expect(vmNameProblem("b".repeat(64))).toMatch(/64 characters/);
  });

  it("fails the recovery name itself when it is 64 characters", async () => {
    await assertHasViolation(policy, named("c".repeat(64)), /recovery VM name "c{64}" is 64 characters long/);
  });

  it("fails empty names, bad characters and bad ends, with the portal fix", async () => {
    await assertHasViolation(policy, named(""), /item "SQL01".*recovery VM name "" is empty.*Compute properties > Name/);
    await assertHasViolation(policy, named("sql_01"), /contains "_"/);
    await assertHasViolation(policy, named("sql 01.contoso"), /contains " ", "\."/);
    await assertHasViolation(policy, named("-sql01"), /does not start with a letter or digit/);
    await assertHasViolation(policy, named("sql01-"), /does not end with a letter or digit/);
  });
});

describe("nic-count-fits-target-size", () => {
  const policy = nicCountFitsTargetSize;
  const nics = [
    getNic({ name: "Data", nicId: "n1", isPrimary: false }),
    getNic({ name: "Frontend", nicId: "n2", isPrimary: true }),
    getNic({ name: "Backup", nicId: "n3", isPrimary: false }),
  ];
  const withMax = (targetSizeMaxNics: number | undefined) =>
    createResourceValidationArgs(policy, {
      type: TEST_FAILOVER_TYPE,
      name: "apps",
      props: getHappyPathTestFailoverArgs({ items: [getHappyPathItem({ nics, targetSizeMaxNics, recoveryVmSize: "Standard_B2s" })] }),
    });

  it("is advisory", () => expect(policy.enforcementLevel).toBe("advisory"));

  it("boundary: 3 NICs fit a size that allows 3", async () => {
    await assertNoViolations(policy, withMax(3));
  });

  it("names the NICs dropped when the size allows fewer (the primary is kept first)", async () => {
    const run = await assertHasViolation(
      policy,
      withMax(2),
      /item "SQL01".*3 source NICs but recovery size "Standard_B2s" allows 2; the test VM will not get NIC\(s\) "Backup"/,
    );
    expect(run.violations[0].message).not.toMatch(/"Frontend"/);
    await assertHasViolation(policy, withMax(1), /will not get NIC\(s\) "Data", "Backup"/);
  });

  it("skips items whose size limits are unknown", async () => {
    await assertNoViolations(policy, withMax(undefined));
  });
});
