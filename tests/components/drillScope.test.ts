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
      if (!p)
        throw new Error(
          "grpc: invoke azure-native:recoveryservices:getReplicationRecoveryPlan: status 404 ResourceNotFound <SDK internals>",
        );
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
  for (const [guid, friendlyName] of [
    ["guid-dc01", "DC01"],
    ["guid-app01", "APP01"],
    ["guid-web01", "WEB01"],
  ])
    items[guid] = protectedItem({ guid, friendlyName });
  plans = [recoveryPlan("rp-contoso-tier1", [["guid-app01"], ["guid-web01"]]), recoveryPlan("rp-web", [["guid-web01"]])];
  jobReads = 0;
});

describe("resolveDrillScope: duplicates after resolution", () => {
  it("APP01 by friendly name and by full id is one item, refused naming both config paths", async () => {
    const cfg = config(
      byItems([{ friendlyName: "APP01" }, { fabricName: FABRIC, protectionContainerName: CONTAINER, name: "guid-app01" }]),
    );
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
    await expect(resolveDrillScope(cfg, readers())).rejects.toThrow(
      /failover-drill:directoryCopy\.items\[1\]: "DC01" is the same protected item as failover-drill:directoryCopy\.items\[0\].*list each domain controller once/,
    );
  });

  it("distinct items pass, and the job list is read once for all of them", async () => {
    const cfg = config(byItems([{ friendlyName: "APP01" }, { friendlyName: "WEB01" }]));
    const r = await resolveDrillScope(cfg, readers());
    expect(r.applications[0].items.map((i) => i.configPath)).toEqual(["failover-drill:scope.items[0]", "failover-drill:scope.items[1]"]);
    expect(r.directoryCopy.map((i) => i.ref.friendlyName)).toEqual(["DC01"]);
    expect(jobReads).toBe(1);
  });
});

describe("resolveDrillScope: other problems", () => {
  it("an unknown recovery plan lists the plans the vault holds, without the invoke's internals", async () => {
    const cfg = config((raw) => (raw.scope = { recoveryPlan: "rp-nope" }));
    const err = await resolveDrillScope(cfg, readers()).catch((e: Error) => e);
    expect((err as Error).message).toContain(
      'failover-drill:scope.recoveryPlan: "rp-nope" is not a recovery plan of vault contoso-asr-vault (it holds: rp-contoso-tier1, rp-web)',
    );
    expect((err as Error).message).not.toMatch(/grpc|SDK internals/);
  });

  it("a plan read that fails although the plan exists is passed on as it is", async () => {
    const cfg = config((raw) => (raw.scope = { recoveryPlan: "rp-web" }));
    const r = readers();
    r.getRecoveryPlan = async () => {
      throw new Error("429 TooManyRequests");
    };
    await expect(resolveDrillScope(cfg, r)).rejects.toThrow(
      /failover-drill:scope\.recoveryPlan: reading recovery plan "rp-web" in vault contoso-asr-vault failed: 429 TooManyRequests/,
    );
  });

  it("scope.allowUnhealthy naming no item of the drill", async () => {
    const cfg = config((raw) => (raw.scope = { items: [{ friendlyName: "APP01" }], allowUnhealthy: ["APP02"] }));
    await expect(resolveDrillScope(cfg, readers())).rejects.toThrow(
      'failover-drill:scope.allowUnhealthy[0]: "APP02" is not an item of this drill (APP01, DC01)',
    );
  });

  it("an unhealthy item listed in scope.allowUnhealthy carries allowUnhealthy: true", async () => {
    items["guid-app01"].properties.healthErrors = [
      { errorCode: "161003", errorLevel: "Error", errorMessage: "Target network settings are not configured." },
    ];
    const cfg = config((raw) => (raw.scope = { items: [{ friendlyName: "APP01" }], allowUnhealthy: ["app01"] }));
    const r = await resolveDrillScope(cfg, readers());
    expect(r.applications[0].items[0].snapshot.readiness).toMatchObject({
      allowUnhealthy: true,
      criticalHealthErrors: [{ errorCode: "161003" }],
    });
  });

  it("knows the test network's id before it exists", () => {
    expect(drillTestNetworkId(config())).toBe(
      `/subscriptions/${SUB}/resourceGroups/contoso-drill-rg/providers/Microsoft.Network/virtualNetworks/contoso-drill-vnet`,
    );
  });
});

describe("resolveDrillScope: reads with the vault's list, each storage account once", () => {
  const STORAGE = `/subscriptions/${SUB}/resourceGroups/contoso-dr/providers/Microsoft.Storage/storageAccounts/contosoasrrepl01`;
  const AVSET = `/subscriptions/${SUB}/resourceGroups/contoso-recovery/providers/Microsoft.Compute/availabilitySets/as-app`;

  function counting() {
    const calls = { get: 0, list: 0, storage: 0, avset: 0 };
    const r = readers();
    const get = r.getProtectedItem.bind(r);
    r.getProtectedItem = async (a) => (calls.get++, get(a));
    r.listProtectedItems = async () => (calls.list++, Object.values(items));
    r.getStorageAccount = async () => (calls.storage++, { encryption: { services: { blob: { enabled: true } } } });
    r.getAvailabilitySet = async () => (calls.avset++, { sku: { name: "Aligned" } });
    return { r, calls };
  }

  beforeEach(() => {
    for (let i = 1; i <= 40; i++) {
      const guid = `guid-vm${i}`;
      items[guid] = protectedItem({
        guid,
        friendlyName: `VM${i}`,
        storageAccount: i % 2 ? STORAGE : STORAGE.toUpperCase(),
        availabilitySet: AVSET,
      });
    }
    plans.push(
      recoveryPlan("rp-forty", [
        Array.from({ length: 20 }, (_, i) => `guid-vm${i + 1}`),
        Array.from({ length: 20 }, (_, i) => `guid-vm${i + 21}`),
      ]),
    );
  });

  it("a 40-item plan: one list, no per-item GET, one storage account read and one availability set read (ids compared case-insensitively)", async () => {
    const { r, calls } = counting();
    const out = await resolveDrillScope(
      config((raw) => (raw.scope = { recoveryPlan: "rp-forty" })),
      r,
    );
    expect(out.applications[0].items).toHaveLength(40);
    expect(
      out.applications[0].items.every((i) => i.snapshot.replicationStorageSseEnabled && i.snapshot.availabilitySetSku === "Aligned"),
    ).toBe(true);
    expect(calls).toEqual({ get: 0, list: 1, storage: 1, avset: 1 });
  });

  it("an item the list does not hold is read with its own GET (whose error names the config path)", async () => {
    const { r, calls } = counting();
    r.listProtectedItems = async () => (calls.list++, Object.values(items).filter((i) => i.name !== "guid-vm7"));
    const out = await resolveDrillScope(
      config((raw) => (raw.scope = { recoveryPlan: "rp-forty" })),
      r,
    );
    expect(out.applications[0].items.map((i) => i.ref.friendlyName)).toContain("VM7");
    expect(calls.get).toBe(1);
    delete items["guid-vm7"];
    await expect(
      resolveDrillScope(
        config((raw) => (raw.scope = { recoveryPlan: "rp-forty" })),
        r,
      ),
    ).rejects.toThrow(
      /failover-drill:scope\.recoveryPlan \(rp-forty\): reading protected item vmm-fabric-contoso\/cloud_contoso\/guid-vm7 in vault contoso-asr-vault failed: ResourceNotFound/,
    );
  });

  it("without a list reader every item is its own GET (the per-item invoke still works)", async () => {
    const { r, calls } = counting();
    delete r.listProtectedItems;
    const cfg = config((raw) => {
      raw.scope = { recoveryPlan: "rp-forty" };
      raw.directoryCopy.items = [{ fabricName: FABRIC, protectionContainerName: CONTAINER, name: "guid-dc01", testIp: "10.10.1.4" }];
    });
    await resolveDrillScope(cfg, r);
    expect(calls).toEqual({ get: 41, list: 0, storage: 1, avset: 1 });
  });
});

describe("resolveDrillScope: several recovery plans", () => {
  beforeEach(() => {
    items["guid-sql01"] = protectedItem({ guid: "guid-sql01", friendlyName: "SQL01" });
    plans.push(recoveryPlan("rp-sql", [["guid-sql01"]]));
  });

  it("one application scope per plan, in config order, each item with its plan's config path", async () => {
    const r = await resolveDrillScope(
      config((raw) => (raw.scope = { recoveryPlans: ["rp-sql", "rp-contoso-tier1"] })),
      readers(),
    );
    expect(r.applications.map((a) => (a.scope.kind === "recoveryPlan" ? a.scope.recoveryPlanName : "?"))).toEqual([
      "rp-sql",
      "rp-contoso-tier1",
    ]);
    expect(r.applications[1].items.map((i) => `${i.ref.friendlyName} ${i.configPath}`)).toEqual([
      "APP01 failover-drill:scope.recoveryPlans[1] (rp-contoso-tier1)",
      "WEB01 failover-drill:scope.recoveryPlans[1] (rp-contoso-tier1)",
    ]);
  });

  it("an item in two plans is refused after resolution, naming both plans", async () => {
    const err = (await resolveDrillScope(
      config((raw) => (raw.scope = { recoveryPlans: ["rp-contoso-tier1", "rp-web"] })),
      readers(),
    ).catch((e) => e)) as Error;
    expect(err.message).toContain(
      `failover-drill:scope.recoveryPlans[1] (rp-web): "WEB01" is the same protected item as failover-drill:scope.recoveryPlans[0] (rp-contoso-tier1) (WEB01, ${itemId("guid-web01")}); list each item once`,
    );
  });

  it("every unknown plan is reported at once, each at its own config path", async () => {
    const err = (await resolveDrillScope(
      config((raw) => (raw.scope = { recoveryPlans: ["rp-nope", "rp-sql", "rp-gone"] })),
      readers(),
    ).catch((e) => e)) as Error;
    expect(err.message).toContain('failover-drill:scope.recoveryPlans[0]: "rp-nope" is not a recovery plan of vault contoso-asr-vault');
    expect(err.message).toContain('failover-drill:scope.recoveryPlans[2]: "rp-gone" is not a recovery plan of vault contoso-asr-vault');
  });

  it("a plan that holds the DC is refused at that plan's path", async () => {
    plans.push(recoveryPlan("rp-with-dc", [["guid-dc01"]]));
    await expect(
      resolveDrillScope(
        config((raw) => (raw.scope = { recoveryPlans: ["rp-sql", "rp-with-dc"] })),
        readers(),
      ),
    ).rejects.toThrow(/failover-drill:directoryCopy\.items\[0\]: .* is also in recovery plan rp-with-dc/);
  });
});

describe("resolveDrillScope: expectations by pattern", () => {
  it("expands expectedRules over the resolved VMs (the DC included), under each VM's own entry", async () => {
    const cfg = config((raw) => {
      raw.scope = { items: [{ friendlyName: "APP01" }, { friendlyName: "WEB01" }] };
      raw.expectedRules = [
        { match: "*01", nicCount: 1 },
        { match: "WEB*", size: "Standard_B2s" },
      ];
      raw.expected = [{ friendlyName: "WEB01", size: "Standard_D2s_v3" }];
    });
    const r = await resolveDrillScope(cfg, readers());
    expect(r.expected).toEqual([
      { friendlyName: "APP01", nicCount: 1 },
      { friendlyName: "WEB01", nicCount: 1, size: "Standard_D2s_v3" },
      { friendlyName: "DC01", nicCount: 1 },
    ]);
  });

  it("refuses a rule that matches no VM of the drill", async () => {
    const cfg = config((raw) => {
      raw.scope = { items: [{ friendlyName: "APP01" }] };
      raw.expectedRules = [{ match: "SQL*", nicCount: 2 }];
    });
    await expect(resolveDrillScope(cfg, readers())).rejects.toThrow(
      'failover-drill:expectedRules[0].match: "SQL*" matches no VM of this drill (APP01, DC01)',
    );
  });
});
