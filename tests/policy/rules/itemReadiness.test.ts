// The preview-time refusals fed by the readiness facts the program attaches to each item's snapshot.
import type { ItemReadiness } from "../../../components/contract";
import { itemAllowsTestFailover } from "../../../policy/rules/itemAllowsTestFailover";
import { itemHealthy } from "../../../policy/rules/itemHealthy";
import { itemNotInTestFailover } from "../../../policy/rules/itemNotInTestFailover";
import { getHappyPathItem, getHappyPathTestFailoverArgs, TEST_FAILOVER_TYPE } from "../fixtures";
import { assertHasViolation, assertNoViolations, createResourceValidationArgs } from "../harness";

const ready = (over: Partial<ItemReadiness>): ItemReadiness => ({
  phase: "idle",
  allowedOperations: [],
  criticalHealthErrors: [],
  allowUnhealthy: false,
  ...over,
});
const withReadiness = (policy: any, readiness: ItemReadiness | undefined) =>
  createResourceValidationArgs(policy, {
    type: TEST_FAILOVER_TYPE,
    name: "application",
    props: getHappyPathTestFailoverArgs({ items: [getHappyPathItem({ friendlyName: "APP01", ...(readiness ? { readiness } : {}) })] }),
  });

describe("item-allows-test-failover", () => {
  const policy = itemAllowsTestFailover;
  it("is mandatory", () => expect(policy.enforcementLevel).toBe("mandatory"));
  it("passes an item without readiness facts, or busy/unhealthy but not blocked", async () => {
    await assertNoViolations(policy, withReadiness(policy, undefined));
    await assertNoViolations(policy, withReadiness(policy, ready({ phase: "waitingForCleanup" })));
  });
  it("refuses an item whose allowedOperations lack TestFailover, naming them", async () => {
    await assertHasViolation(
      policy,
      withReadiness(policy, ready({ phase: "blocked", allowedOperations: ["DisableProtection"] })),
      /"application", item "APP01": allowedOperations \["DisableProtection"\] does not hold TestFailover \(protectionState "Protected"\)/,
    );
  });
});

describe("item-not-in-test-failover", () => {
  const policy = itemNotInTestFailover;
  it("is mandatory", () => expect(policy.enforcementLevel).toBe("mandatory"));
  it("passes idle and blocked items (blocked is the other rule's)", async () => {
    await assertNoViolations(
      policy,
      withReadiness(policy, ready({ phase: "idle", criticalHealthErrors: [{ errorCode: "1", errorLevel: "Error", errorMessage: "x" }] })),
    );
    await assertNoViolations(policy, withReadiness(policy, ready({ phase: "blocked" })));
  });
  it("refuses someone's test failover waiting for cleanup, naming the job, when and where", async () => {
    const job = {
      name: "job-42",
      scenarioName: "TestFailover",
      state: "Succeeded",
      startTime: "2030-01-02T03:04:05Z",
      network: "their-vnet",
    };
    await assertHasViolation(
      policy,
      withReadiness(policy, ready({ phase: "waitingForCleanup", job })),
      /item "APP01": is in a test failover that waits for its cleanup: job job-42 \(TestFailover, Succeeded, started 2030-01-02T03:04:05Z, into their-vnet\); this drill leaves it alone\. Fix: whoever started it runs "Cleanup test failover" on APP01/,
    );
  });
  it("refuses a running cleanup, quoting its comments (who, when they said)", async () => {
    const job = { name: "job-9", scenarioName: "TestFailoverCleanup", state: "InProgress", comments: "janitor: pipeline died" };
    await assertHasViolation(
      policy,
      withReadiness(policy, ready({ phase: "cleanupRunning", job })),
      /test failover cleanup that is still running: job job-9 \(TestFailoverCleanup, InProgress, comments "janitor: pipeline died"\)/,
    );
  });
  it("says so when the vault lists no job for the busy item", async () => {
    await assertHasViolation(
      policy,
      withReadiness(policy, ready({ phase: "testFailoverRunning" })),
      /still running: no job of it is listed in the vault/,
    );
  });
});

describe("item-healthy", () => {
  const policy = itemHealthy;
  const sick = [
    {
      errorCode: "161003",
      errorLevel: "Error",
      errorMessage: "Target network settings are not configured for virtual machine 'APP01'.",
      recommendedAction: "Configure the target network settings in Compute and Network.",
    },
  ];
  it("is mandatory", () => expect(policy.enforcementLevel).toBe("mandatory"));
  it("passes a healthy item and an unhealthy one that scope.allowUnhealthy lists", async () => {
    await assertNoViolations(policy, withReadiness(policy, ready({ phase: "waitingForCleanup" })));
    await assertNoViolations(policy, withReadiness(policy, ready({ criticalHealthErrors: sick, allowUnhealthy: true })));
  });
  it("refuses critical health errors with code, message and recommended action", async () => {
    await assertHasViolation(
      policy,
      withReadiness(policy, ready({ criticalHealthErrors: sick })),
      /item "APP01": has 1 critical health error: 161003 \(Error\): Target network settings are not configured for virtual machine 'APP01'\. Recommended action: Configure the target network settings in Compute and Network\. Fix: .*failover-drill:scope\.allowUnhealthy/,
    );
  });
});
