// The stand-in azure-native provider's CRUD engine and ARM client against a scripted fake ARM (no twin):
// the exact requests sent, async operations, retries, 404 semantics, secrets, endpoint refusal.
import { ArmClient, armOptionsFromEnv } from "../../../twin/plugins/azure-native/armClient";
import { AzureNativeStandIn, LEGACY_INPUTS_KEY } from "../../../twin/plugins/azure-native/provider";
import { isSecret, secret, UNKNOWN } from "../../../twin/plugins/common/secrets";

const SUB = "11111111-1111-1111-1111-111111111111";
const EP = "http://127.0.0.1:9";
const urn = (type: string, name: string) => `urn:pulumi:e2e::p::${type}::${name}`;

interface Call {
  method: string;
  url: string;
  body?: any;
  auth?: string;
}
type Handler = (c: Call) => { status: number; body?: any; headers?: Record<string, string> } | undefined;

function fakeArm(handlers: Handler[]) {
  const calls: Call[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    const c: Call = {
      method: String(init.method),
      url: String(url),
      body: init.body ? JSON.parse(String(init.body)) : undefined,
      auth: (init.headers as Record<string, string>).Authorization,
    };
    calls.push(c);
    for (const h of handlers) {
      const r = h(c);
      if (r) return new Response(r.body === undefined ? null : JSON.stringify(r.body), { status: r.status, headers: r.headers });
    }
    return new Response(JSON.stringify({ error: { code: "ResourceNotFound", message: `not found: ${c.url}` } }), { status: 404 });
  }) as unknown as typeof fetch;
  const sleeps: number[] = [];
  const provider = new AzureNativeStandIn({
    version: "3.28.0",
    env: {},
    arm: { endpoint: EP, token: "tok", fetchImpl, sleep: async (ms) => void sleeps.push(ms) },
  });
  return { provider, calls, sleeps };
}

const VNET_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v`;

describe("create", () => {
  it("PUTs the azure-native body with the api-version and bearer token, follows Azure-AsyncOperation with Retry-After, then GETs", async () => {
    let polls = 0;
    let put = false;
    const stored = {
      id: VNET_ID,
      name: "v",
      type: "Microsoft.Network/virtualNetworks",
      location: "westeurope",
      properties: { provisioningState: "Succeeded", addressSpace: { addressPrefixes: ["10.0.0.0/16"] } },
    };
    const { provider, calls, sleeps } = fakeArm([
      (c) =>
        c.method === "PUT" && (put = true)
          ? {
              status: 201,
              body: { ...stored, properties: { provisioningState: "Updating" } },
              headers: {
                "Azure-AsyncOperation": `${EP}/subscriptions/${SUB}/providers/Microsoft.Network/locations/westeurope/operations/op1?api-version=2024-05-01`,
                "Retry-After": "2",
              },
            }
          : undefined,
      (c) =>
        c.url.includes("/operations/op1")
          ? { status: 200, body: { status: ++polls < 2 ? "InProgress" : "Succeeded" }, headers: { "Retry-After": "1" } }
          : undefined,
      (c) => (c.method === "GET" && put && c.url.includes("/virtualNetworks/v?") ? { status: 200, body: stored } : undefined),
    ]);
    const r = await provider.create(urn("azure-native:network:VirtualNetwork", "vnet"), {
      resourceGroupName: "rg",
      virtualNetworkName: "v",
      location: "westeurope",
      addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
    });
    // Unset sub-resource arrays go out empty on create (azure-native's SetUnsetSubresourcePropertiesToDefaults).
    // CanCreate first: a GET that must answer 404.
    expect(calls[0]).toMatchObject({ method: "GET", url: `${EP}${VNET_ID}?api-version=2024-05-01` });
    expect(calls[1]).toEqual({
      method: "PUT",
      url: `${EP}${VNET_ID}?api-version=2024-05-01`,
      body: {
        location: "westeurope",
        properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] }, subnets: [], virtualNetworkPeerings: [] },
      },
      auth: "Bearer tok",
    });
    expect(calls.map((c) => c.method)).toEqual(["GET", "PUT", "GET", "GET", "GET"]);
    expect(sleeps).toEqual([2000, 1000]);
    expect(r.id).toBe(VNET_ID);
    expect(r.outs).toMatchObject({
      name: "v",
      provisioningState: "Succeeded",
      addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      azureApiVersion: "2024-05-01",
    });
    // azure-native 3.x keeps no `__inputs` in the state: the engine sends the old inputs.
    expect(r.outs[LEGACY_INPUTS_KEY]).toBeUndefined();
  });

  it("refuses to create a resource that already exists (azure-native's CanCreate), without a PUT", async () => {
    const { provider, calls } = fakeArm([
      (c) => (c.method === "GET" ? { status: 200, body: { id: VNET_ID, name: "v", properties: {} } } : undefined),
    ]);
    await expect(
      provider.create(urn("azure-native:network:VirtualNetwork", "vnet"), {
        resourceGroupName: "rg",
        virtualNetworkName: "v",
        location: "westeurope",
      }),
    ).rejects.toThrow(`cannot create already existing resource '${VNET_ID}'`);
    expect(calls.map((c) => c.method)).toEqual(["GET"]);
  });

  it("unwraps secret inputs before sending and keeps those outputs secret", async () => {
    let put = false;
    const { provider, calls } = fakeArm([
      (c) =>
        c.method === "PUT" && (put = true)
          ? { status: 200, body: { id: VNET_ID, name: "v", tags: { k: "s" }, properties: {} } }
          : undefined,
      (c) =>
        c.method === "GET" && put
          ? {
              status: 200,
              body: { id: VNET_ID, name: "v", tags: { k: "s" }, location: "westeurope", properties: { provisioningState: "Succeeded" } },
            }
          : undefined,
    ]);
    const r = await provider.create(urn("azure-native:network:VirtualNetwork", "vnet"), {
      resourceGroupName: "rg",
      virtualNetworkName: "v",
      location: "westeurope",
      tags: secret({ k: "s" }),
    });
    expect(calls[1].body).toEqual({ location: "westeurope", tags: { k: "s" }, properties: { subnets: [], virtualNetworkPeerings: [] } });
    expect(isSecret(r.outs.tags)).toBe(true);
  });

  it("an ARM validation error surfaces with its code and message", async () => {
    const { provider } = fakeArm([
      () => ({ status: 400, body: { error: { code: "NetcfgInvalidSubnet", message: "Subnet 'a' is not valid in virtual network 'v'." } } }),
    ]);
    await expect(
      provider.create(urn("azure-native:network:VirtualNetwork", "vnet"), {
        resourceGroupName: "rg",
        virtualNetworkName: "v",
        location: "westeurope",
      }),
    ).rejects.toThrow(/NetcfgInvalidSubnet: Subnet 'a' is not valid in virtual network 'v'\./);
  });

  it("a failed async operation surfaces the operation's error", async () => {
    const { provider } = fakeArm([
      (c) => (c.method === "PUT" ? { status: 202, body: undefined, headers: { Location: `${EP}/op/2` } } : undefined),
      (c) =>
        c.url.startsWith(`${EP}/op/2`)
          ? {
              status: 400,
              body: { error: { code: "StorageAccountAlreadyTaken", message: "The storage account named x is already taken." } },
            }
          : undefined,
    ]);
    await expect(
      provider.create(urn("azure-native:storage:StorageAccount", "sa"), {
        resourceGroupName: "rg",
        accountName: "x",
        location: "westeurope",
        kind: "StorageV2",
        sku: { name: "Standard_LRS" },
      }),
    ).rejects.toThrow(/StorageAccountAlreadyTaken: The storage account named x is already taken\./);
  });

  it("check takes the resource group's location when none is given (old inputs first, unknown while the group is)", async () => {
    const { provider, calls } = fakeArm([
      (c) =>
        c.method === "GET" && c.url.includes(`/resourceGroups/rg?api-version=2020-10-01`)
          ? { status: 200, body: { id: "/rg", name: "rg", location: "northeurope" } }
          : undefined,
    ]);
    const u = urn("azure-native:compute:AvailabilitySet", "as");
    expect((await provider.check(u, {}, { resourceGroupName: "rg", availabilitySetName: "as" })).inputs.location).toBe("northeurope");
    expect((await provider.check(u, {}, { resourceGroupName: "rg", availabilitySetName: "as2" })).inputs.location).toBe("northeurope");
    expect(calls).toHaveLength(1); // cached, as azure-native's rgLocationMap
    expect(
      (await provider.check(u, { location: "westeurope" }, { resourceGroupName: "rg", availabilitySetName: "as" })).inputs.location,
    ).toBe("westeurope");
    expect((await provider.check(u, {}, { resourceGroupName: UNKNOWN, availabilitySetName: "as" })).inputs.location).toBe(UNKNOWN);
    expect((await provider.check(u, {}, { resourceGroupName: "gone", availabilitySetName: "as" })).inputs.location).toBeUndefined();
  });

  it("refuses types it does not implement, naming the type table", async () => {
    const { provider } = fakeArm([]);
    await expect(provider.create(urn("azure-native:web:WebApp", "w"), {})).rejects.toThrow(
      /does not implement azure-native:web:WebApp.*types\.ts/,
    );
  });
});

describe("configure", () => {
  it("an explicit provider's subscriptionId pins its ARM paths (azure-native's provider config); without one the environment's", async () => {
    const pinned = "33333333-3333-4333-8333-333333333333";
    const { provider, calls } = fakeArm([
      (c) => (c.method === "GET" && c.url.includes("/resourceGroups/rg?") ? { status: 200, body: { location: "westeurope" } } : undefined),
    ]);
    expect(provider.subscriptionId()).toBe(SUB);
    provider.configure({ subscriptionId: pinned });
    expect(provider.subscriptionId()).toBe(pinned);
    await provider.check(urn("azure-native:network:VirtualNetwork", "vnet"), {}, { resourceGroupName: "rg", virtualNetworkName: "v" });
    expect(calls.map((c) => c.url)).toEqual([`${EP}/subscriptions/${pinned}/resourceGroups/rg?api-version=2020-10-01`]);
  });
});

describe("read, update, delete", () => {
  it("read: 404 means gone (empty id)", async () => {
    const { provider } = fakeArm([]);
    expect(await provider.read(VNET_ID, urn("azure-native:network:VirtualNetwork", "vnet"), {}, undefined)).toEqual({ id: "", props: {} });
  });

  it("read: returns fresh outputs and the old inputs the engine sent (or a legacy __inputs)", async () => {
    const { provider, calls } = fakeArm([
      () => ({ status: 200, body: { id: VNET_ID, name: "v", tags: { drift: "yes" }, properties: { provisioningState: "Succeeded" } } }),
    ]);
    const inputs = { resourceGroupName: "rg", virtualNetworkName: "v" };
    expect(
      (await provider.read(VNET_ID, urn("azure-native:network:VirtualNetwork", "vnet"), { [LEGACY_INPUTS_KEY]: secret(inputs) }, undefined))
        .inputs,
    ).toEqual(inputs);
    const r = await provider.read(VNET_ID, urn("azure-native:network:VirtualNetwork", "vnet"), {}, inputs);
    expect(calls[0].url).toBe(`${EP}${VNET_ID}?api-version=2024-05-01`);
    expect(r.id).toBe(VNET_ID);
    expect(r.props).toMatchObject({ tags: { drift: "yes" } });
    expect(r.inputs).toEqual(inputs);
  });

  it("update PUTs the new inputs to the same path, keeping the live sub-resources the program does not set", async () => {
    const liveSubnets = [{ id: `${VNET_ID}/subnets/a`, name: "a", properties: { addressPrefix: "10.0.1.0/24" } }];
    const { provider, calls } = fakeArm([
      (c) => (c.method === "PUT" ? { status: 200, body: {} } : undefined),
      () => ({
        status: 200,
        body: { id: VNET_ID, name: "v", tags: { a: "2" }, properties: { subnets: liveSubnets, virtualNetworkPeerings: [] } },
      }),
    ]);
    const u = urn("azure-native:network:VirtualNetwork", "vnet");
    const r = await provider.update(VNET_ID, u, {}, undefined, {
      resourceGroupName: "rg",
      virtualNetworkName: "v",
      location: "westeurope",
      tags: { a: "2" },
    });
    expect(calls.map((c) => c.method)).toEqual(["GET", "PUT", "GET"]);
    expect(calls[1]).toMatchObject({ method: "PUT", url: `${EP}${VNET_ID}?api-version=2024-05-01` });
    expect(calls[1].body).toEqual({
      location: "westeurope",
      tags: { a: "2" },
      properties: { subnets: liveSubnets, virtualNetworkPeerings: [] },
    });
    expect(r.outs).toMatchObject({ tags: { a: "2" } });

    // Subnets the program sets are sent as set (no read needed for them); peerings still come from the live VNet.
    calls.length = 0;
    await provider.update(VNET_ID, u, {}, undefined, {
      resourceGroupName: "rg",
      virtualNetworkName: "v",
      location: "westeurope",
      subnets: [],
    });
    expect(calls[1].body.properties).toEqual({ subnets: [], virtualNetworkPeerings: [] });
  });

  it("update of a type without sub-resource arrays reads nothing first", async () => {
    const { provider, calls } = fakeArm([
      (c) => (c.method === "PUT" ? { status: 200, body: {} } : undefined),
      () => ({ status: 200, body: { id: "/as", name: "as", properties: {} } }),
    ]);
    await provider.update("/as", urn("azure-native:compute:AvailabilitySet", "as"), {}, undefined, {
      resourceGroupName: "rg",
      availabilitySetName: "as",
      location: "westeurope",
    });
    expect(calls.map((c) => c.method)).toEqual(["PUT", "GET"]);
  });

  it("preview: no ARM call; planned outputs are the inputs, service-computed values unknown, name/location kept from the old state on update", async () => {
    const { provider, calls } = fakeArm([]);
    const u = urn("azure-native:resources:ResourceGroup", "rg");
    const created = await provider.create(u, { resourceGroupName: "rg1", location: "westeurope", tags: { a: "1" } }, true);
    expect(created.outs).toEqual({
      location: "westeurope",
      tags: { a: "1" },
      name: UNKNOWN,
      type: UNKNOWN,
      etag: UNKNOWN,
      properties: UNKNOWN,
      azureApiVersion: "2024-03-01",
    });
    const updated = await provider.update(
      "/subscriptions/s/resourceGroups/rg1",
      u,
      { name: "rg1", location: "westeurope", tags: {} },
      undefined,
      { resourceGroupName: "rg1", location: "westeurope", tags: { a: "2" } },
      true,
    );
    expect(updated.outs).toMatchObject({ name: "rg1", location: "westeurope", tags: { a: "2" } });
    const vnet = await provider.create(
      urn("azure-native:network:VirtualNetwork", "v"),
      { resourceGroupName: "rg1", virtualNetworkName: "v", location: UNKNOWN, tags: secret({ k: "s" }) },
      true,
    );
    expect(vnet.outs).toMatchObject({ location: UNKNOWN, provisioningState: UNKNOWN, name: UNKNOWN });
    expect(isSecret(vnet.outs.tags)).toBe(true);
    expect(calls).toEqual([]);
  });

  it("delete follows Location until done; already gone is success", async () => {
    let polls = 0;
    const { provider, calls } = fakeArm([
      (c) =>
        c.method === "DELETE" && c.url.includes("/virtualNetworks/v?")
          ? { status: 202, headers: { Location: `${EP}/ops/d1`, "Retry-After": "1" } }
          : undefined,
      (c) =>
        c.url.startsWith(`${EP}/ops/d1`) ? (++polls < 3 ? { status: 202, headers: { "Retry-After": "1" } } : { status: 200 }) : undefined,
    ]);
    await provider.delete(VNET_ID, urn("azure-native:network:VirtualNetwork", "vnet"));
    expect(calls.map((c) => c.method)).toEqual(["DELETE", "GET", "GET", "GET"]);
    await expect(
      provider.delete(VNET_ID.replace("/v", "/gone"), urn("azure-native:network:VirtualNetwork", "vnet")),
    ).resolves.toBeUndefined();
  });

  it("diff uses the old inputs the engine sends (a legacy __inputs otherwise)", async () => {
    const { provider } = fakeArm([]);
    const old = { resourceGroupName: "rg", virtualNetworkName: "v", location: "westeurope", tags: { a: "1" } };
    const u = urn("azure-native:network:VirtualNetwork", "vnet");
    expect(await provider.diff(VNET_ID, u, { name: "v" }, old, old)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
      detailedDiff: {},
    });
    expect(await provider.diff(VNET_ID, u, { name: "v" }, old, { ...old, tags: { a: "2" } })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
      detailedDiff: { tags: "update" },
    });
    expect(
      await provider.diff(VNET_ID, u, { name: "v", [LEGACY_INPUTS_KEY]: secret(old) }, undefined, { ...old, resourceGroupName: "rg2" }),
    ).toEqual({
      changes: true,
      replaces: ["resourceGroupName"],
      deleteBeforeReplace: true,
      detailedDiff: { resourceGroupName: "update-replace" },
    });
  });
});

describe("ARM client", () => {
  it("retries 429 honouring Retry-After and 5xx a few times", async () => {
    let n = 0;
    const sleeps: number[] = [];
    const fetchImpl = (async () => {
      n++;
      if (n === 1)
        return new Response(JSON.stringify({ error: { code: "TooManyRequests", message: "slow down" } }), {
          status: 429,
          headers: { "Retry-After": "3" },
        });
      if (n === 2) return new Response("oops", { status: 503 });
      return new Response(JSON.stringify({ id: "/x" }), { status: 200 });
    }) as unknown as typeof fetch;
    const c = new ArmClient({ endpoint: EP, token: "t", fetchImpl, sleep: async (ms) => void sleeps.push(ms) });
    expect(await c.get("/x", "2024-01-01")).toEqual({ id: "/x" });
    expect(sleeps[0]).toBe(3000);
    expect(n).toBe(3);
  });

  it("gives up after the attempts with the ARM code", async () => {
    const fetchImpl = (async () =>
      new Response(JSON.stringify({ error: { code: "InternalServerError", message: "boom" } }), {
        status: 500,
      })) as unknown as typeof fetch;
    const c = new ArmClient({ endpoint: EP, token: "t", fetchImpl, sleep: async () => undefined, maxAttempts: 3 });
    await expect(c.get("/x", "2024-01-01")).rejects.toThrow(/InternalServerError: boom/);
  });

  it("never follows a polling URL off the twin", () => {
    const c = new ArmClient({ endpoint: EP, token: "t" });
    expect(() => c.url("https://management.azure.com/subscriptions/x")).toThrow(/refusing to follow/);
  });

  it("needs FAILOVER_DRILL_ARM_ENDPOINT and refuses real Azure", () => {
    expect(() => armOptionsFromEnv({})).toThrow(/FAILOVER_DRILL_ARM_ENDPOINT is not set/);
    expect(() => armOptionsFromEnv({ FAILOVER_DRILL_ARM_ENDPOINT: "https://management.azure.com" })).toThrow(/real Azure endpoint/);
    expect(armOptionsFromEnv({ FAILOVER_DRILL_ARM_ENDPOINT: "http://127.0.0.1:4000/" })).toEqual({
      endpoint: "http://127.0.0.1:4000",
      token: "failover-drill-twin",
    });
    expect(armOptionsFromEnv({ FAILOVER_DRILL_ARM_ENDPOINT: "http://127.0.0.1:4000", FAILOVER_DRILL_TWIN_TOKEN: "x" }).token).toBe("x");
  });

  it("a provider without an endpoint fails the operation with that message (not at start-up)", async () => {
    const p = new AzureNativeStandIn({ version: "3.28.0", env: {} });
    expect(p.version).toBe("3.28.0");
    await expect(
      p.create(urn("azure-native:resources:ResourceGroup", "rg"), { resourceGroupName: "rg", location: "westeurope" }),
    ).rejects.toThrow(/FAILOVER_DRILL_ARM_ENDPOINT is not set/);
  });
});

describe("invokes", () => {
  it("ASR: GET on the vault path with the SDK's api-version, properties kept nested", async () => {
    const body = { id: "/rp", name: "rp-1", properties: { groups: [] } };
    const { provider, calls } = fakeArm([() => ({ status: 200, body })]);
    const r = await provider.invoke("azure-native:recoveryservices:getReplicationRecoveryPlan", {
      resourceGroupName: "contoso-dr",
      resourceName: "vault",
      recoveryPlanName: "rp-1",
    });
    expect(calls[0].url).toBe(
      `${EP}/subscriptions/${SUB}/resourceGroups/contoso-dr/providers/Microsoft.RecoveryServices/vaults/vault/replicationRecoveryPlans/rp-1?api-version=2024-10-01`,
    );
    expect(r.outputs).toEqual({ ...body, azureApiVersion: "2024-10-01" });
  });

  it("expand becomes $expand; not found is an error; missing args are failures; getClientConfig needs no ARM", async () => {
    const { provider, calls } = fakeArm([]);
    await expect(
      provider.invoke("azure-native:storage:getStorageAccount", {
        resourceGroupName: "rg",
        accountName: "nope",
        expand: "geoReplicationStats",
      }),
    ).rejects.toThrow(/ResourceNotFound/);
    expect(calls[0].url).toContain("$expand=geoReplicationStats");
    expect((await provider.invoke("azure-native:compute:getAvailabilitySet", { resourceGroupName: "rg" })).failures).toEqual([
      { property: "availabilitySetName", reason: expect.stringContaining("availabilitySetName") },
    ]);
    expect((await provider.invoke("azure-native:authorization:getClientConfig", {})).outputs).toMatchObject({ subscriptionId: SUB });
  });
});
