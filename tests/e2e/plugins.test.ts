// The stand-in azure-native and random plugins under the real Pulumi engine against a running twin:
// up creates what azure-native would send, a tag change updates in place, a rename of an explicitly
// named resource replaces delete-first, refresh notices a resource deleted behind Pulumi's back, ARM validation errors reach the
// `pulumi up` output with their code and message, and destroy leaves nothing in the twin.
import { E2ETwin, PulumiWorkspace, startTwinForE2E, twinArm, twinModeEnv } from "./harness";

const SUB = "11111111-1111-1111-1111-111111111111";
const RG = `/subscriptions/${SUB}/resourceGroups/e2e-basics-rg`;
const ids = {
  rg: RG,
  vnet: `${RG}/providers/Microsoft.Network/virtualNetworks/basics-vnet`,
  nsg: `${RG}/providers/Microsoft.Network/networkSecurityGroups/basics-nsg`,
  nsg2: `${RG}/providers/Microsoft.Network/networkSecurityGroups/basics-nsg-2`,
  avset: `${RG}/providers/Microsoft.Compute/availabilitySets/basics-avset`,
};
const API = { rg: "2024-03-01", network: "2024-05-01", storage: "2024-01-01", compute: "2024-11-01" };

interface LogEntry {
  seq: number;
  method: string;
  path: string;
  query: string;
  status: number;
}

describe("stand-in azure-native and random plugins against the twin", () => {
  let twin: E2ETwin;
  let ws: PulumiWorkspace;
  let accountId = "";

  const get = (id: string, api: string) => twinArm(twin, "GET", `${id}?api-version=${api}`);
  const requests = async (): Promise<LogEntry[]> => {
    const body = (await twinArm(twin, "GET", "/_twin/requests")).body as { value?: LogEntry[] } | LogEntry[];
    return Array.isArray(body) ? body : (body.value ?? []);
  };
  const up = async () => ws.pulumi(["up", "--yes", "--skip-preview"]);
  const setConfig = async (key: string, value: string) => expect((await ws.pulumi(["config", "set", key, value])).code).toBe(0);
  const rmConfig = async (key: string) => expect((await ws.pulumi(["config", "rm", key])).code).toBe(0);

  beforeAll(async () => {
    twin = await startTwinForE2E();
    ws = new PulumiWorkspace({ program: "azure-basics", ...twinModeEnv(twin) });
    await ws.init();
  });
  afterAll(async () => {
    await ws?.dispose();
    await twin?.stop();
  });

  it("pulumi up creates every resource in the twin with the body azure-native sends", async () => {
    const r = await up();
    if (r.code !== 0) throw new Error(r.output);
    expect(r.output).toMatch(/\d+ created/);

    const rg = await get(ids.rg, API.rg);
    expect(rg.status).toBe(200);
    expect(rg.body).toMatchObject({ location: "westeurope", tags: { purpose: "e2e", tag: "v1" } });

    const vnet = await get(ids.vnet, API.network);
    expect(vnet.status).toBe(200);
    expect(vnet.body.properties.addressSpace).toEqual({ addressPrefixes: ["10.30.0.0/16"] });
    expect(vnet.body.properties.dhcpOptions).toEqual({ dnsServers: ["10.30.1.4"] });
    const subnets = vnet.body.properties.subnets as {
      name: string;
      properties: { addressPrefix: string; networkSecurityGroup?: { id: string } };
    }[];
    expect(subnets.map((s) => [s.name, s.properties.addressPrefix])).toEqual([
      ["snet-a", "10.30.1.0/24"],
      ["snet-b", "10.30.2.0/24"],
    ]);
    expect(subnets[0].properties.networkSecurityGroup?.id.toLowerCase()).toBe(ids.nsg.toLowerCase());

    const nsg = await get(ids.nsg, API.network);
    expect(nsg.body.properties.securityRules).toEqual([
      expect.objectContaining({
        name: "deny-internet-outbound",
        properties: expect.objectContaining({
          priority: 4000,
          direction: "Outbound",
          access: "Deny",
          destinationAddressPrefix: "Internet",
        }),
      }),
    ]);

    const out = await ws.outputs();
    expect(out.storageAccountName).toMatch(/^basics[a-z0-9]{8}$/);
    expect(out.suffixResult).toMatch(/^[a-z0-9]{8}$/);
    accountId = `${RG}/providers/Microsoft.Storage/storageAccounts/${out.storageAccountName}`;
    const sa = await get(accountId, API.storage);
    expect(sa.status).toBe(200);
    expect(sa.body).toMatchObject({
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      properties: {
        supportsHttpsTrafficOnly: true,
        minimumTlsVersion: "TLS1_2",
        allowBlobPublicAccess: false,
        encryption: { keySource: "Microsoft.Storage", requireInfrastructureEncryption: true },
      },
    });
    const container = await get(`${accountId}/blobServices/default/containers/drill-evidence`, API.storage);
    expect(container.body.properties.publicAccess).toBe("None");
    const avset = await get(ids.avset, API.compute);
    expect(avset.body).toMatchObject({
      sku: { name: "Aligned" },
      properties: { platformFaultDomainCount: 2, platformUpdateDomainCount: 5 },
    });

    // Outputs in azure-native's shape (flattened properties, sub-resources flattened back), and the invokes.
    expect(out).toMatchObject({
      resourceGroupName: "e2e-basics-rg",
      resourceGroupState: "Succeeded",
      vnetType: "Microsoft.Network/virtualNetworks",
      vnetApiVersion: "2024-05-01",
      nsgRuleNames: ["deny-internet-outbound:Deny:4000"],
      storageHttpsOnly: true,
      containerName: "drill-evidence",
      containerPublicAccess: "None",
      availabilitySetSku: "Aligned",
      invokedVnetPrefixes: ["10.30.0.0/16"],
      invokedAccountKind: "StorageV2",
      invokedAvsetFaultDomains: 2,
      subscriptionId: SUB,
      recoveryPlanName: "rp-contoso-tier1",
    });
    expect((out.subnets as { name: string; nsg?: string }[]).map((s) => [s.name, s.nsg?.toLowerCase()])).toEqual([
      ["snet-a", ids.nsg.toLowerCase()],
      ["snet-b", undefined],
    ]);
    expect(out.blobEndpoint).toMatch(/^https:\/\/basics[a-z0-9]{8}\.blob\./);
    expect(out.recoveryPlanGroups).toBeGreaterThan(0);

    // The wire: each type PUT with azure-native's api-version, nothing sent anywhere but the twin.
    const puts = (await requests()).filter((e) => e.method === "PUT").map((e) => `${e.path.split("/").slice(-2, -1)[0]} ${e.query}`);
    expect(puts).toEqual(
      expect.arrayContaining([
        `resourceGroups ?api-version=${API.rg}`,
        `networkSecurityGroups ?api-version=${API.network}`,
        `virtualNetworks ?api-version=${API.network}`,
        `storageAccounts ?api-version=${API.storage}`,
        `containers ?api-version=${API.storage}`,
        `availabilitySets ?api-version=${API.compute}`,
      ]),
    );
  });

  it("a second preview reports no changes", async () => {
    const r = await ws.pulumi(["preview", "--expect-no-changes"]);
    if (r.code !== 0) throw new Error(r.output);
  });

  it("changing a tag updates in place (same ids, nothing deleted)", async () => {
    const before = (await requests()).at(-1)?.seq ?? 0;
    await setConfig("tag", "v2");
    const r = await up();
    if (r.code !== 0) throw new Error(r.output);
    expect(r.output).toMatch(/5 updated/);
    expect(r.output).not.toMatch(/replaced/);
    const since = (await requests()).filter((e) => e.seq > before);
    expect(since.filter((e) => e.method === "DELETE")).toEqual([]);
    expect((await get(ids.vnet, API.network)).body.tags).toEqual({ purpose: "e2e", tag: "v2" });
    expect((await get(accountId, API.storage)).body.tags).toEqual({ purpose: "e2e", tag: "v2" });
  });

  it("changing the name of an explicitly named resource replaces it delete-first, as azure-native 3.x does: an NSG in use cannot go", async () => {
    // azure-native's Diff: deleteBeforeReplace unless the resource was randomly auto-named
    // (provider.go `__createBeforeDelete`). The subnet still uses the NSG, so ARM refuses the delete.
    await setConfig("nsgName", "basics-nsg-2");
    const r = await up();
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/InUseNetworkSecurityGroupCannotBeDeleted/);
    expect((await get(ids.nsg, API.network)).status).toBe(200);
    expect((await get(ids.nsg2, API.network)).status).toBe(404);
    await rmConfig("nsgName");
    const back = await ws.pulumi(["preview", "--expect-no-changes"]);
    if (back.code !== 0) throw new Error(back.output);
  });

  it("a resource deleted behind Pulumi's back is gone from state after pulumi refresh", async () => {
    const del = await twinArm(twin, "DELETE", `${ids.avset}?api-version=${API.compute}`);
    expect([200, 202, 204]).toContain(del.status);
    const r = await ws.pulumi(["refresh", "--yes", "--skip-preview"]);
    if (r.code !== 0) throw new Error(r.output);
    expect(r.output).toMatch(/1 deleted/);
    const types = (await ws.resources()).map((x) => x.type);
    expect(types).not.toContain("azure-native:compute:AvailabilitySet");
    expect(types).toContain("azure-native:network:VirtualNetwork");
    // The next up puts it back.
    const again = await up();
    if (again.code !== 0) throw new Error(again.output);
    expect((await get(ids.avset, API.compute)).status).toBe(200);
  });

  it("overlapping subnets: pulumi up fails with the ARM code and message", async () => {
    await setConfig("subnetB", "10.30.1.128/25");
    const r = await up();
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/Netcfg\w+: Subnet '[^']+' is not valid because its IP address range overlaps/);
    await rmConfig("subnetB");
    // The VNet in the twin is unchanged.
    const vnet = await get(ids.vnet, API.network);
    expect(vnet.body.properties.subnets.map((s: { properties: { addressPrefix: string } }) => s.properties.addressPrefix)).toEqual([
      "10.30.1.0/24",
      "10.30.2.0/24",
    ]);
  });

  it("an invalid storage account name: pulumi up fails with AccountNameInvalid", async () => {
    await setConfig("storagePrefix", "Bad_Prefix");
    const r = await up();
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/AccountNameInvalid: Bad_Prefix[a-z0-9]{8} is not a valid storage account name/);
    await rmConfig("storagePrefix");
    const back = await up();
    if (back.code !== 0) throw new Error(back.output);
  });

  it("pulumi destroy leaves none of them in the twin", async () => {
    const r = await ws.pulumi(["destroy", "--yes", "--skip-preview"]);
    if (r.code !== 0) throw new Error(r.output);
    expect(await ws.resources()).toEqual([]);
    for (const [id, api] of [
      [ids.rg, API.rg],
      [ids.vnet, API.network],
      [ids.nsg2, API.network],
      [accountId, API.storage],
      [ids.avset, API.compute],
    ]) {
      expect([id, (await get(id, api)).status]).toEqual([id, 404]);
    }
  });
});
