// Scope resolution against the vault, with the readers injected: duplicates after resolution (by
// protected-item id) naming both config paths, an unknown plan listing the vault's plans, unknown
// allowUnhealthy names, and the readiness facts attached to the snapshots.
import { parseDrillConfig } from "../../components/config";
import { drillTestNetworkId, resolveDrillScope, VaultReaders } from "../../components/drillScope";
import { CONTAINER, FABRIC, SUB, itemId, protectedItem, recoveryPlan, validRawConfig } from "./fixtures";

const items: Record<string, ReturnType<typeof protectedItem>> = {};
let plans: ReturnType<typeof recoveryPlan>[] = [];
let jobReads = 0;

function readers(): VaultReaders {
  return {
    getProtectedItem: async (a) => {
      const it = items[a.replicatedProtectedItemName];
      if (!it) throw new Error(`ResourceNotFound ${a.replicatedProtectedItemName}`);
      return it;
    },
    getRecoveryPlan: async (a) => {
      const p = plans.find((x) => x.name === a.recoveryPlanName);
      if (!p) throw new Error("grpc: invoke azure-native:recoveryservices:getReplicationRecoveryPlan: status 404 ResourceNotFound <SDK internals>");
      return p;
    },
    getAvailabilitySet: async () => ({ sku: { name: "Aligned" } }),
    getStorageAccount: async () => ({}),
    listProtectedItems: async () => Object.values(items),
    listJobs: async () => {
      jobReads++;
      return [];
    },
    listRecoveryPlans: async () => plans.map((p) => ({ name: p.name })),
  };
}

function config(mutate: (raw: Record<string, any>) => void = () => undefined) {
  const raw = validRawConfig();
  raw.expected = [];
  mutate(raw);
  return parseDrillConfig(raw);
}

const byItems = (refs: Record<string, string>[]) => (raw: Record<string, any>) => {
  raw.scope = { items: refs };
};

beforeEach(() => {
  for (const k of Object.keys(items)) delete items[k];
  for (const [guid, friendlyName] of [["guid-dc01", "DC01"], ["guid-app01", "APP01"], ["guid-web01", "WEB01"]]) items[guid] = protectedItem({ guid, friendlyName });
  plans = [recoveryPlan("rp-contoso-tier1", [["guid-app01"], ["guid-web01"]]), recoveryPlan("rp-web", [["guid-web01"]])];
  jobReads = 0;
});

describe("resolveDrillScope: duplicates after resolution", () => {
  it("APP01 by friendly name and by full id is one item, refused naming both config paths", async () => {
    const cfg = config(byItems([{ friendlyName: "APP01" }, { fabricName: FABRIC, protectionContainerName: CONTAINER, name: "guid-app01" }]));
    await expect(resolveDrillScope(cfg, readers())).rejects.toThrow(
      `failover-drill:scope.items[1]: "APP01" is the same protected item as failover-drill:scope.items[0] (APP01, ${itemId("guid-app01")}); list each item once`,
    );
  });

  it("the DC copy named by id while the application scope names it by friendly name", async () => {
    const cfg = config((raw) => {
      raw.scope = { items: [{ friendlyName: "APP01" }, { friendlyName: "DC01" }] };
      raw.directoryCopy.items = [{ fabricName: FABRIC, protectionContainerName: CONTAINER, name: "guid-dc01", testIp: "10.10.1.4" }];
    });
    await expect(resolveDrillScope(cfg, readers())).rejects.toThrow(
      /failover-drill:directoryCopy\.items\[0\]: "DC01" is the same protected item as failover-drill:scope\.items\[1\] \(DC01, .*guid-dc01\), in the application scope/,
    );
  });

  it("the same DC twice in the directory copy", async () => {
    const cfg = config((raw) => {
      raw.scope = { items: [{ friendlyName: "APP01" }] };
      raw.directoryCopy.items = [
        { friendlyName: "DC01", testIp: "10.10.1.4" },
        { fabricName: FABRIC, protectionContainerName: CONTAINER, name: "guid-dc01", testIp: "10.10.1.5" },
      ];
    });
    await expect(resolveDrillScope(cfg, readers())).rejects.toThrow(/failover-drill:directoryCopy\.items\[1\]: "DC01" is the same protected item as failover-drill:directoryCopy\.items\[0\].*list each domain controller once/);
  });

  it("distinct items pass, and the job list is read once for all of them", async () => {
    const cfg = config(byItems([{ friendlyName: "APP01" }, { friendlyName: "WEB01" }]));
    const r = await resolveDrillScope(cfg, readers());
    expect(r.application.items.map((i) => i.configPath)).toEqual(["failover-drill:scope.items[0]", "failover-drill:scope.items[1]"]);
    expect(r.directoryCopy.map((i) => i.ref.friendlyName)).toEqual(["DC01"]);
    expect(jobReads).toBe(1);
  });
});

describe("resolveDrillScope: other problems", () => {
  it("an unknown recovery plan lists the plans the vault holds, without the invoke's internals", async () => {
    const cfg = config((raw) => (raw.scope = { recoveryPlan: "rp-nope" }));
    const err = await resolveDrillScope(cfg, readers()).catch((e: Error) => e);
    expect((err as Error).message).toContain('failover-drill:scope.recoveryPlan: "rp-nope" is not a recovery plan of vault contoso-asr-vault (it holds: rp-contoso-tier1, rp-web)');
    expect((err as Error).message).not.toMatch(/grpc|SDK internals/);
  });

  it("a plan read that fails although the plan exists is passed on as it is", async () => {
    const cfg = config((raw) => (raw.scope = { recoveryPlan: "rp-web" }));
    const r = readers();
    r.getRecoveryPlan = async () => {
      throw new Error("429 TooManyRequests");
    };
    await expect(resolveDrillScope(cfg, r)).rejects.toThrow(/failover-drill:scope\.recoveryPlan: reading recovery plan "rp-web" in vault contoso-asr-vault failed: 429 TooManyRequests/);
  });

  it("scope.allowUnhealthy naming no item of the drill", async () => {
    const cfg = config((raw) => (raw.scope = { items: [{ friendlyName: "APP01" }], allowUnhealthy: ["APP02"] }));
    await expect(resolveDrillScope(cfg, readers())).rejects.toThrow('failover-drill:scope.allowUnhealthy[0]: "APP02" is not an item of this drill (APP01, DC01)');
  });

  it("an unhealthy item listed in scope.allowUnhealthy carries allowUnhealthy: true", async () => {
    items["guid-app01"].properties.healthErrors = [{ errorCode: "161003", errorLevel: "Error", errorMessage: "Target network settings are not configured." }];
    const cfg = config((raw) => (raw.scope = { items: [{ friendlyName: "APP01" }], allowUnhealthy: ["app01"] }));
    const r = await resolveDrillScope(cfg, readers());
    expect(r.application.items[0].snapshot.readiness).toMatchObject({ allowUnhealthy: true, criticalHealthErrors: [{ errorCode: "161003" }] });
  });

  it("knows the test network's id before it exists", () => {
    expect(drillTestNetworkId(config())).toBe(`/subscriptions/${SUB}/resourceGroups/contoso-drill-rg/providers/Microsoft.Network/virtualNetworks/contoso-drill-vnet`);
  });
});
