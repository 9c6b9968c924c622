import { managedDisksBlockedBySseReplicationStorage } from "../../../policy/rules/managedDisksBlockedBySseReplicationStorage";
import { managedDisksPreventFailback } from "../../../policy/rules/managedDisksPreventFailback";
import { managedDisksRequireAlignedAvailabilitySet } from "../../../policy/rules/managedDisksRequireAlignedAvailabilitySet";
import { getHappyPathItem, getHappyPathTestFailoverArgs, TEST_FAILOVER_TYPE } from "../fixtures";
import { assertHasViolation, assertNoViolations, createResourceValidationArgs, runPolicy, UNKNOWN_STRING } from "../harness";

const tfo = (policy: any, items: any[], config?: Record<string, unknown>) =>
  createResourceValidationArgs(policy, {
    type: TEST_FAILOVER_TYPE,
    name: "apps",
    props: getHappyPathTestFailoverArgs({ items }),
    config,
  });

describe("managed-disks-require-aligned-availability-set", () => {
  const policy = managedDisksRequireAlignedAvailabilitySet;

  it("is mandatory", () => expect(policy.enforcementLevel).toBe("mandatory"));

  it("passes managed disks in an Aligned set and unmanaged disks in a Classic set", async () => {
    await assertNoViolations(
      policy,
      createResourceValidationArgs(policy, { type: TEST_FAILOVER_TYPE, props: getHappyPathTestFailoverArgs() }),
    );
  });

  it("fails managed disks in a Classic set, naming the item, the set and the portal fix", async () => {
    const run = await assertHasViolation(
      policy,
      tfo(policy, [getHappyPathItem({ friendlyName: "SQL01", availabilitySetSku: "Classic" })]),
      /"apps", item "SQL01".*useManagedDisks is "true".*sql-as.*"Classic".*Compute and Network/,
    );
    expect(run.violations).toHaveLength(1);
  });

  it("fails unmanaged disks in an Aligned set", async () => {
    await assertHasViolation(
      policy,
      tfo(policy, [getHappyPathItem({ useManagedDisks: "false", availabilitySetSku: "Aligned" })]),
      /without managed disks can only join a Classic set/,
    );
  });

  it("reads useManagedDisks as the string ASR returns, case-insensitively", async () => {
    await assertHasViolation(
      policy,
      tfo(policy, [getHappyPathItem({ useManagedDisks: "True", availabilitySetSku: "Classic" })]),
      /Aligned/,
    );
    await assertNoViolations(policy, tfo(policy, [getHappyPathItem({ useManagedDisks: "False", availabilitySetSku: "Classic" })]));
  });

  it("passes a VM with no availability set", async () => {
    await assertNoViolations(
      policy,
      tfo(policy, [getHappyPathItem({ recoveryAvailabilitySetId: undefined, availabilitySetSku: undefined })]),
    );
  });

  it("ignores resources that are not TestFailovers", async () => {
    await assertNoViolations(
      policy,
      createResourceValidationArgs(policy, {
        type: "azure-native:network:VirtualNetwork",
        props: { items: [getHappyPathItem({ availabilitySetSku: "Classic" })] },
      }),
    );
  });

  it("checks known items when another item is unknown in preview, then reports the unknown", async () => {
    const run = await runPolicy(
      policy,
      tfo(policy, [
        getHappyPathItem({ friendlyName: "SQL01", availabilitySetSku: "Classic" }),
        getHappyPathItem({ friendlyName: "WEB01", useManagedDisks: UNKNOWN_STRING }),
      ]),
    );
    expect(run.violations.map((v) => v.message).join()).toMatch(/SQL01/);
    expect(run.violations.map((v) => v.message).join()).not.toMatch(/WEB01/);
    expect(run.unknownError?.message).toMatch(/can't be known during preview/);
  });
});

describe("managed-disks-blocked-by-sse-replication-storage", () => {
  const policy = managedDisksBlockedBySseReplicationStorage;
  const sse = getHappyPathItem({ friendlyName: "FILE01", recoveryVmName: "FILE01", replicationStorageSseEnabled: true });

  it("is advisory by default (SSE is always on today and supported for Hyper-V to Azure)", () =>
    expect(policy.enforcementLevel).toBe("advisory"));

  it("policy/config/legacy-sse.json makes it mandatory, with the check on", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- reads the shipped JSON pack config as the CLI would, at test time
    const config = require("../../../policy/config/legacy-sse.json");
    expect(config[policy.name]).toEqual({ enforcementLevel: "mandatory", sseBlocksManagedDisks: true });
    expect(Object.keys(config)).toEqual([policy.name]);
  });

  it("passes managed disks on unencrypted replication storage, and unmanaged disks on SSE storage", async () => {
    await assertNoViolations(
      policy,
      tfo(policy, [getHappyPathItem(), { ...sse, useManagedDisks: "false", availabilitySetSku: "Classic" }]),
    );
  });

  it("fails managed disks on SSE-encrypted replication storage, naming the account and the fix", async () => {
    await assertHasViolation(
      policy,
      tfo(policy, [getHappyPathItem(), sse]),
      /item "FILE01".*contosoasrcache.*Storage Service Encryption.*Older Site Recovery releases.*before SSE was always on.*"Creating test virtual machine" task.*"Use managed disks" to No/,
    );
  });

  it("can be turned off by config sseBlocksManagedDisks: false", async () => {
    await assertNoViolations(policy, tfo(policy, [sse], { sseBlocksManagedDisks: false }));
    await assertHasViolation(policy, tfo(policy, [sse], { sseBlocksManagedDisks: true }), /FILE01/);
  });

  it("declares its config key with a default", () => {
    expect(policy.configSchema?.properties.sseBlocksManagedDisks).toMatchObject({ type: "boolean", default: true });
  });
});

describe("managed-disks-prevent-failback", () => {
  const policy = managedDisksPreventFailback;

  it("is advisory by default and has the failbackRequired config key", () => {
    expect(policy.enforcementLevel).toBe("advisory");
    expect(policy.configSchema?.properties.failbackRequired).toMatchObject({ type: "boolean", default: false });
  });

  it("passes VMs without managed disks", async () => {
    await assertNoViolations(policy, tfo(policy, [getHappyPathItem({ useManagedDisks: "false", availabilitySetSku: "Classic" })]));
  });

  it("warns that managed disks are migration-only", async () => {
    await assertHasViolation(
      policy,
      tfo(policy, [getHappyPathItem()]),
      /item "SQL01".*failback to Hyper-V is not supported.*migration-only/,
    );
  });

  it("reports one finding per test failover, naming every one of its migration-only VMs", async () => {
    const items = Array.from({ length: 25 }, (_, i) => getHappyPathItem({ friendlyName: `VM${String(i + 1).padStart(2, "0")}` }));
    items.push(getHappyPathItem({ friendlyName: "CLASSIC01", useManagedDisks: "false", availabilitySetSku: "Classic" }));
    const run = await runPolicy(policy, tfo(policy, items));
    expect(run.violations).toHaveLength(1);
    const [{ message }] = run.violations;
    expect(message).toMatch(/^"apps", items "VM01", "VM02", .*"VM20", "VM21", .*"VM25": .*these 25 VMs are migration-only/);
    expect(message).not.toMatch(/CLASSIC01|more/);
  });

  it("explains the block when failbackRequired is true", async () => {
    await assertHasViolation(
      policy,
      tfo(policy, [getHappyPathItem()], { failbackRequired: true }),
      /failback to Hyper-V is required \(policy config failbackRequired: true\)/,
    );
  });

  it("ships a pack config that makes it mandatory", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- reads the shipped JSON pack config as the CLI would, at test time
    const config = require("../../../policy/config/failback-required.json");
    expect(config["managed-disks-prevent-failback"]).toEqual({ enforcementLevel: "mandatory", failbackRequired: true });
  });
});
