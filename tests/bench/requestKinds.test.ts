// Request kinds of the CLI drill benchmark: names without ids, lists vs single reads vs actions, and the
// Run Command traffic the issue-19 goal leaves out.
import { isRunCommandRequest, requestKind } from "../../bench/requestKinds";

const VAULT = "/subscriptions/s/resourceGroups/dr/providers/Microsoft.RecoveryServices/vaults/v";
const ITEMS = `${VAULT}/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems`;
const RG = "/subscriptions/s/resourceGroups/rec";

test.each([
  ["GET", `${ITEMS}/abc`, "GET RecoveryServices: replicationProtectedItems"],
  ["GET", `${VAULT}/replicationProtectedItems`, "GET RecoveryServices: replicationProtectedItems (list)"],
  ["POST", `${ITEMS}/abc/testFailover`, "POST RecoveryServices: replicationProtectedItems/testFailover"],
  [
    "POST",
    `${VAULT}/replicationRecoveryPlans/rp/testFailoverCleanup`,
    "POST RecoveryServices: replicationRecoveryPlans/testFailoverCleanup",
  ],
  ["GET", `${VAULT}/replicationJobs/j1`, "GET RecoveryServices: replicationJobs"],
  ["GET", `${ITEMS}/abc/recoveryPoints`, "GET RecoveryServices: recoveryPoints (list)"],
  ["GET", `${RG}/providers/Microsoft.Compute/virtualMachines/VM00001-test/instanceView`, "GET Compute: virtualMachines/instanceView"],
  ["GET", `${RG}/providers/Microsoft.Compute/virtualMachines`, "GET Compute: virtualMachines (list)"],
  ["GET", "/subscriptions/s/providers/Microsoft.Network/locations/westeurope/operations/op1", "GET Network: operations"],
  ["PUT", "/subscriptions/s/resourceGroups/drill-rg", "PUT resourceGroups"],
])("%s %s → %s", (method, path, kind) => {
  expect(requestKind({ method, path })).toBe(kind);
});

test("Run Command traffic is the POSTs and the Compute async-operation polls, nothing else", () => {
  const vm = `${RG}/providers/Microsoft.Compute/virtualMachines/VM00001-test`;
  expect(isRunCommandRequest({ method: "POST", path: `${vm}/runCommand` })).toBe(true);
  expect(
    isRunCommandRequest({ method: "GET", path: "/subscriptions/s/providers/Microsoft.Compute/locations/westeurope/operations/op1" }),
  ).toBe(true);
  expect(
    isRunCommandRequest({ method: "GET", path: "/subscriptions/s/providers/Microsoft.Compute/locations/westeurope/operationResults/op1" }),
  ).toBe(true);
  expect(
    isRunCommandRequest({ method: "GET", path: "/subscriptions/s/providers/Microsoft.Network/locations/westeurope/operations/op1" }),
  ).toBe(false);
  expect(isRunCommandRequest({ method: "GET", path: vm })).toBe(false);
  expect(isRunCommandRequest({ method: "POST", path: `${ITEMS}/abc/testFailover` })).toBe(false);
});
