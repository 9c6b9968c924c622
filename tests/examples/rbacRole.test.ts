// examples/rbac/failover-drill-role.json: exactly what a drill needs, and nothing that can run a real
// failover. Action names as Microsoft's built-in role documentation spells them (Site Recovery Operator).
import * as fs from "fs";
import * as path from "path";

const ROLE_FILE = path.join(__dirname, "..", "..", "examples", "rbac", "failover-drill-role.json");

interface RoleDefinition {
  Name: string;
  IsCustom: boolean;
  Description: string;
  Actions: string[];
  NotActions: string[];
  DataActions: string[];
  NotDataActions: string[];
  AssignableScopes: string[];
}

const role = JSON.parse(fs.readFileSync(ROLE_FILE, "utf8")) as RoleDefinition;
const actions = role.Actions.map((a) => a.toLowerCase());

const RPI = "Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/replicationProtectedItems";
const RP = "Microsoft.RecoveryServices/vaults/replicationRecoveryPlans";

const NEEDED = [
  "Microsoft.RecoveryServices/vaults/read",
  "Microsoft.RecoveryServices/vaults/replicationFabrics/read",
  "Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/read",
  `${RPI}/read`,
  `${RPI}/testFailover/action`,
  `${RPI}/testFailoverCleanup/action`,
  `${RP}/read`,
  `${RP}/testFailover/action`,
  `${RP}/testFailoverCleanup/action`,
  "Microsoft.RecoveryServices/vaults/replicationJobs/read",
  "Microsoft.Network/virtualNetworks/write",
  "Microsoft.Network/virtualNetworks/delete",
  "Microsoft.Network/networkSecurityGroups/write",
  "Microsoft.Network/networkSecurityGroups/delete",
  "Microsoft.Storage/storageAccounts/write",
  "Microsoft.Storage/storageAccounts/delete",
  "Microsoft.Storage/storageAccounts/blobServices/containers/write",
  "Microsoft.Resources/subscriptions/resourceGroups/write",
  "Microsoft.Compute/virtualMachines/read",
  "Microsoft.Compute/virtualMachines/runCommand/action",
  // Issue 18: Azure Bastion (testNetwork.access.bastion) and its public IP, and the failure predictor's reads.
  "Microsoft.Network/bastionHosts/read",
  "Microsoft.Network/bastionHosts/write",
  "Microsoft.Network/bastionHosts/delete",
  "Microsoft.Network/publicIPAddresses/read",
  "Microsoft.Network/publicIPAddresses/write",
  "Microsoft.Network/publicIPAddresses/delete",
  "Microsoft.Network/publicIPAddresses/join/action",
  "Microsoft.Compute/locations/usages/read",
  "Microsoft.Compute/skus/read",
];

/** Anything that fails over for real, commits, reprotects or changes replication. */
const FORBIDDEN_VERBS = [
  "plannedFailover",
  "unplannedFailover",
  "failoverCommit",
  "failoverCancel",
  "commit",
  "reProtect",
  "applyRecoveryPoint",
  "repairReplication",
  "switchProvider",
  "updateMobilityService",
];

describe("examples/rbac/failover-drill-role.json", () => {
  it("is a custom role definition in the shape `az role definition create` accepts", () => {
    expect(role.IsCustom).toBe(true);
    expect(role.Name).toBeTruthy();
    for (const key of ["Actions", "NotActions", "DataActions", "NotDataActions", "AssignableScopes"] as const)
      expect(Array.isArray(role[key])).toBe(true);
    expect(new Set(actions).size).toBe(actions.length);
  });

  it.each(NEEDED)("grants %s", (action) => {
    expect(actions).toContain(action.toLowerCase());
  });

  it("never lets the drill give a NIC a public IP or change ASR's network settings (Bastion is the only way in)", () => {
    for (const a of ["Microsoft.Network/networkInterfaces/write", "Microsoft.Network/publicIPPrefixes/write", `${RPI}/write`])
      expect(actions).not.toContain(a.toLowerCase());
    expect(actions.filter((a) => a.startsWith("microsoft.network/bastionhosts/"))).toEqual([
      "microsoft.network/bastionhosts/read",
      "microsoft.network/bastionhosts/write",
      "microsoft.network/bastionhosts/delete",
    ]);
  });

  it("grants nothing that can run a real failover, commit or reprotect", () => {
    for (const verb of FORBIDDEN_VERBS) {
      const hits = [...role.Actions, ...role.DataActions].filter((a) =>
        a.split("/").some((seg) => seg.toLowerCase() === verb.toLowerCase()),
      );
      expect({ verb, hits }).toEqual({ verb, hits: [] });
    }
  });

  it("has no wildcard (a `*` would include the real failover actions) and no write on the vault or its replication objects", () => {
    expect([...role.Actions, ...role.DataActions].filter((a) => a.includes("*"))).toEqual([]);
    const asrNonRead = role.Actions.filter((a) => /^Microsoft\.RecoveryServices\//i.test(a) && !/\/read$/i.test(a));
    expect(asrNonRead.sort()).toEqual(
      [
        `${RPI}/testFailover/action`,
        `${RPI}/testFailoverCleanup/action`,
        `${RP}/testFailover/action`,
        `${RP}/testFailoverCleanup/action`,
      ].sort(),
    );
    // The compute side: reads and Run Command only (no VM write, delete, start or deallocate).
    const computeNonRead = role.Actions.filter((a) => /^Microsoft\.Compute\//i.test(a) && !/\/read$/i.test(a));
    expect(computeNonRead).toEqual(["Microsoft.Compute/virtualMachines/runCommand/action"]);
  });

  it("is assignable at resource groups only (vault, drill, recovery), never a subscription or the root", () => {
    expect(role.AssignableScopes.length).toBeGreaterThan(0);
    for (const scope of role.AssignableScopes) expect(scope).toMatch(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/);
  });

  it("lets the drill write its evidence and nothing else on the data plane", () => {
    expect(role.DataActions.sort()).toEqual([
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
    ]);
  });
});
