import { AllowlistViolationError, assertAllowed, checkAllowed } from "../../../components/asr/allowlist";

const HOST = "management.azure.com";
const BASE = `https://${HOST}`;
const VAULT = "/Subscriptions/111/resourceGroups/contoso-dr/providers/Microsoft.RecoveryServices/vaults/contoso-asr-vault";
const RPI = `${VAULT}/replicationFabrics/vmm/replicationProtectionContainers/cloud_1/replicationProtectedItems/abc`;
const RP = `${VAULT}/replicationRecoveryPlans/rp-contoso-tier1`;
const VM = "/subscriptions/111/resourceGroups/contoso-recovery/providers/Microsoft.Compute/virtualMachines";

describe("the drill's one allowlist", () => {
  it.each([
    ["GET", `${RPI}?api-version=2025-08-01`, "arm:read"],
    ["GET", `${VAULT}/replicationJobs/123`, "arm:read"],
    ["GET", `${VM}?$expand=instanceView`, "arm:read"],
    ["GET", `${RPI}/recoveryPoints?api-version=2025-08-01`, "arm:read"],
    ["GET", `${VAULT}/replicationJobs?api-version=2025-08-01`, "arm:read"],
    ["GET", "/subscriptions/111/providers/Microsoft.Compute/virtualMachines?statusOnly=true", "arm:read"],
    ["POST", `${RPI}/testFailover?api-version=2025-08-01`, "asr:protectedItem:testFailover"],
    ["POST", `${RPI}/TESTFAILOVERCLEANUP`, "asr:protectedItem:testFailoverCleanup"],
    ["POST", `${RP}/testFailover`, "asr:recoveryPlan:testFailover"],
    ["POST", `${RP}/testFailoverCleanup`, "asr:recoveryPlan:testFailoverCleanup"],
    ["POST", `${VM}/DC01-test/runCommand`, "compute:testVm:runCommand"],
  ])("allows %s %s", (method, path, rule) => {
    expect(checkAllowed(method, BASE + path, HOST)).toEqual({ allowed: true, rule });
  });

  it.each([
    ["POST", `${RPI}/plannedFailover`],
    ["POST", `${RPI}/unplannedFailover`],
    ["POST", `${RPI}/failoverCommit`],
    ["POST", `${RPI}/reProtect`],
    ["POST", `${RPI}/remove`],
    ["POST", `${RPI}/repairReplication`],
    ["POST", `${RP}/plannedFailover`],
    ["POST", `${RP}/unplannedFailover`],
    ["POST", `${RP}/failoverCommit`],
    ["POST", `${RP}/reProtect`],
    ["POST", `${VAULT}/replicationJobs/123/cancel`],
    ["POST", `${VM}/DC01/runCommand`], // a production VM, not a test VM
    ["POST", `${VM}/DC01-test/powerOff`],
    ["POST", `${RPI}/testFailover/../plannedFailover`],
    ["PUT", RPI],
    ["PATCH", RPI],
    ["DELETE", RPI],
    ["DELETE", `${VM}/DC01-test`],
    ["PUT", `/subscriptions/111/resourceGroups/x`],
    ["GET", "/providers/Microsoft.Compute/operations"],
  ])("refuses %s %s", (method, path) => {
    expect(checkAllowed(method, BASE + path, HOST).allowed).toBe(false);
    expect(() => assertAllowed(method, BASE + path, HOST)).toThrow(AllowlistViolationError);
  });

  it("never sends to another host, even a GET named by a Location header", () => {
    expect(checkAllowed("GET", `https://evil.example.com${RPI}`, HOST).allowed).toBe(false);
    expect(checkAllowed("GET", `https://westeurope.management.azure.com${RPI}`, HOST).allowed).toBe(false);
  });

  it("matches the twin's host with its port", () => {
    expect(checkAllowed("GET", `http://127.0.0.1:4321${RPI}`, "127.0.0.1:4321").allowed).toBe(true);
    expect(checkAllowed("GET", `http://127.0.0.1:9999${RPI}`, "127.0.0.1:4321").allowed).toBe(false);
  });
});
