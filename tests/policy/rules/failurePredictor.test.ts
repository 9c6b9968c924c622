// The failure predictor's rules: compute quota (per family and total; exactly full passes), a VM already
// named like a test VM-to-be, a test IP already taken in the test network. Each reads the facts the program
// publishes as the RecoveryRegionFacts component's outputs.
import { computeQuotaFitsDrill } from "../../../policy/rules/computeQuotaFitsDrill";
import { testIpFreeInTestNetwork } from "../../../policy/rules/testIpFreeInTestNetwork";
import { testVmNameFree } from "../../../policy/rules/testVmNameFree";
import { RECOVERY_REGION_FACTS_TYPE, type RecoveryRegionFactsData } from "../../../components/recoveryRegionFacts";
import { getHappyPathStackKnown, withProps } from "../fixtures";
import { assertHasViolation, assertNoViolations, createStackValidationArgs, runPolicy } from "../harness";
import type { StackResourceSpec } from "../harness";

const RECOVERY_RG = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/contoso-recovery-rg";

function facts(edit: (f: RecoveryRegionFactsData) => void = () => undefined): StackResourceSpec {
  const f: RecoveryRegionFactsData = {
    subscriptionId: "00000000-0000-0000-0000-000000000001",
    location: "westeurope",
    usages: [
      { name: "cores", localizedName: "Total Regional vCPUs", currentValue: 10, limit: 100 },
      { name: "standardDSv3Family", localizedName: "Standard DSv3 Family vCPUs", currentValue: 4, limit: 100 },
    ],
    sizes: [{ name: "Standard_D2s_v3", family: "standardDSv3Family", vCpus: 2 }],
    existingVms: [],
    ipsInUse: [],
  };
  edit(f);
  return { type: RECOVERY_REGION_FACTS_TYPE, name: "recovery-region", props: f as unknown as Record<string, unknown> };
}

// DC01 (dc-copy) + SQL01 and APP01 (apps): three Standard_D2s_v3 = 6 vCPUs of standardDSv3Family.
const stack = (f: StackResourceSpec, edit?: (s: StackResourceSpec[]) => StackResourceSpec[]) => {
  const base = [...getHappyPathStackKnown(), f];
  return edit ? edit(base) : base;
};
const withRecoveryRg = (s: StackResourceSpec[]) =>
  ["apps", "dc-copy"].reduce(
    (acc, n) => withProps(acc, n, (p) => p.items.forEach((i: any) => (i.recoveryResourceGroupId = RECOVERY_RG))),
    s,
  );

describe("compute-quota-fits-drill", () => {
  const policy = computeQuotaFitsDrill;
  const args = (s: StackResourceSpec[]) => createStackValidationArgs(policy, s);

  it("is mandatory and passes when the drill fits", async () => {
    expect(policy.enforcementLevel).toBe("mandatory");
    await assertNoViolations(policy, args(stack(facts())));
  });

  it("passes at exactly full (boundary) and fails one vCPU over, naming family, items and the fix", async () => {
    const exactly = facts((f) => (f.usages[1].currentValue = 94));
    await assertNoViolations(policy, args(stack(exactly)));
    const over = facts((f) => (f.usages[1].currentValue = 95));
    const run = await assertHasViolation(
      policy,
      args(stack(over)),
      /VM family standardDSv3Family in westeurope, items DC01 \(Standard_D2s_v3, 2 vCPUs\), SQL01 .*APP01 .*need 6 vCPUs of "Standard DSv3 Family vCPUs" but only 5 of 100 are free .*quota increase of at least 1/,
    );
    expect(run.violations).toHaveLength(1);
  });

  it("fails on the regional total even when the family fits (exactly full total passes)", async () => {
    await assertNoViolations(policy, args(stack(facts((f) => (f.usages[0] = { ...f.usages[0], currentValue: 0, limit: 6 })))));
    await assertHasViolation(
      policy,
      args(stack(facts((f) => (f.usages[0] = { ...f.usages[0], currentValue: 1, limit: 6 })))),
      /total regional vCPUs .*need 6 vCPUs of "Total Regional vCPUs" but only 5 of 6/,
    );
  });

  it("leaves out a test failover that already ran (its test VMs are in the usage)", async () => {
    const ran = stack(
      facts((f) => (f.usages[1].currentValue = 99)),
      (s) => ["apps", "dc-copy"].reduce((a, n) => withProps(a, n, (p) => (p.jobIds = ["job-1"])), s),
    );
    await assertNoViolations(policy, args(ran));
  });

  it("does nothing without facts", async () => {
    await assertNoViolations(policy, args(getHappyPathStackKnown()));
  });
});

describe("test-vm-name-free", () => {
  const policy = testVmNameFree;
  const args = (s: StackResourceSpec[]) => createStackValidationArgs(policy, s);

  it("passes when no VM of that name is in the recovery resource group (another group does not count)", async () => {
    const f = facts((x) =>
      x.existingVms.push({
        id: "/subscriptions/s/resourceGroups/elsewhere/providers/Microsoft.Compute/virtualMachines/SQL01-test",
        name: "SQL01-test",
        resourceGroup: "elsewhere",
      }),
    );
    await assertNoViolations(policy, args(stack(f, withRecoveryRg)));
  });

  it("fails when <recovery VM name>-test already exists there (case-insensitive), naming item and fix", async () => {
    const f = facts((x) =>
      x.existingVms.push({
        id: `${RECOVERY_RG}/providers/Microsoft.Compute/virtualMachines/sql01-TEST`,
        name: "sql01-TEST",
        resourceGroup: "contoso-recovery-rg",
      }),
    );
    const run = await assertHasViolation(
      policy,
      args(stack(f, withRecoveryRg)),
      /"apps", item "SQL01": VM .*sql01-TEST already exists; the test failover would create its test VM "SQL01-test" in resource group contoso-recovery-rg.*Fix: clean up the earlier test failover/,
    );
    expect(run.violations).toHaveLength(1);
  });

  it("is mandatory and skips a test failover that already ran", async () => {
    expect(policy.enforcementLevel).toBe("mandatory");
    const f = facts((x) => x.existingVms.push({ id: "x", name: "SQL01-test", resourceGroup: "contoso-recovery-rg" }));
    await assertNoViolations(
      policy,
      args(stack(f, (s) => withProps(withRecoveryRg(s), "apps", (p) => (p.testVms = [{ testVmName: "SQL01-test" }])))),
    );
  });
});

describe("test-ip-free-in-test-network", () => {
  const policy = testIpFreeInTestNetwork;
  const args = (s: StackResourceSpec[]) => createStackValidationArgs(policy, s);

  it("passes when the pinned IPs are free, or taken only in another subnet", async () => {
    await assertNoViolations(policy, args(stack(facts((x) => x.ipsInUse.push({ ip: "10.50.1.10", subnet: "identity", nicId: "nic-x" })))));
  });

  it("fails when a pinned test IP is already assigned in its test subnet, naming the NIC and the fix", async () => {
    expect(policy.enforcementLevel).toBe("mandatory");
    const f = facts((x) =>
      x.ipsInUse.push({
        ip: "10.50.1.11",
        subnet: "app",
        nicId: "/subscriptions/s/resourceGroups/drill-rg/providers/Microsoft.Network/networkInterfaces/stray",
        vmId: "/subscriptions/s/.../stray-vm",
      }),
    );
    const run = await runPolicy(policy, args(stack(f)));
    expect(run.violations.map((v) => v.message)).toEqual([
      expect.stringMatching(
        /"apps", item "APP01", NIC "Ethernet" \(test failover IP\): test IP 10.50.1.11 is already assigned in test subnet "app" to NIC .*stray \(VM .*stray-vm\).*Fix: remove the stray NIC\/VM/,
      ),
      expect.stringMatching(/"apps", item "APP01", NIC "Ethernet" \(expected IP\): test IP 10.50.1.11/),
    ]);
  });
});
