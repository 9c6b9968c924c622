// ARM core: auth, api-version, routing, canonical ids, async PUT/DELETE, resource rules, bad input.
import type { TwinHandle } from "../../twin/index";
import { NET_API, SUB, TEST_VNET, client, createTestNetwork, startContoso } from "./helpers";

let t: TwinHandle;
let arm: ReturnType<typeof client>;
beforeEach(async () => {
  t = await startContoso({ speed: 1 });
  arm = client(t);
});
afterEach(async () => t.stop());

const RG = `/subscriptions/${SUB}/resourceGroups/contoso-recovery`;
const raw = (path: string, init: RequestInit = {}) => fetch(`${t.url}${path}`, init);

test("auth: missing token → AuthenticationFailed, wrong token → InvalidAuthenticationToken", async () => {
  const a = await raw(`${RG}?api-version=2021-04-01`);
  expect(a.status).toBe(401);
  expect(((await a.json()) as any).error.code).toBe("AuthenticationFailed");
  const b = await raw(`${RG}?api-version=2021-04-01`, { headers: { authorization: "Bearer nope" } });
  expect(b.status).toBe(401);
  expect(((await b.json()) as any).error.code).toBe("InvalidAuthenticationToken");
});

test("api-version is required", async () => {
  const r = await raw(RG, { headers: { authorization: `Bearer ${t.token}` } });
  expect(r.status).toBe(400);
  expect(((await r.json()) as any).error.code).toBe("MissingApiVersionParameter");
});

test("routing is case-insensitive and ids come back canonical", async () => {
  const r = await arm(
    "GET",
    `/SUBSCRIPTIONS/${SUB}/RESOURCEGROUPS/CONTOSO-NETWORK/PROVIDERS/microsoft.network/VIRTUALNETWORKS/CONTOSO-RECOVERY-VNET`,
    undefined,
    NET_API,
  );
  expect(r.status).toBe(200);
  expect(r.body.id).toBe(
    `/subscriptions/${SUB}/resourceGroups/contoso-network/providers/Microsoft.Network/virtualNetworks/contoso-recovery-vnet`,
  );
  expect(r.body.properties.subnets.map((s: any) => s.name)).toContain("GatewaySubnet");
  expect(r.body.properties.virtualNetworkPeerings[0].properties.peeringState).toBe("Connected");
});

test("unknown resource group / resource / type / method", async () => {
  expect(
    (await arm("GET", `/subscriptions/${SUB}/resourceGroups/nope/providers/Microsoft.Network/virtualNetworks/x`, undefined, NET_API)).body
      .error.code,
  ).toBe("ResourceGroupNotFound");
  expect((await arm("GET", `${RG}/providers/Microsoft.Network/virtualNetworks/x`, undefined, NET_API)).body.error.code).toBe(
    "ResourceNotFound",
  );
  const unk = await arm("GET", `${RG}/providers/Microsoft.Network/flux/x`, undefined, NET_API);
  expect(unk.status).toBe(400);
  expect(unk.body.error.code).toBe("NoRegisteredProviderFound");
  expect((await arm("POST", `${RG}/providers/Microsoft.Network/virtualNetworks/x`, {}, NET_API)).status).toBe(405);
});

test("async PUT: 201 + Azure-AsyncOperation + Retry-After, Updating → Succeeded; concurrent PUT → AnotherOperationInProgress", async () => {
  const body = { location: "westeurope", properties: { addressSpace: { addressPrefixes: ["10.50.0.0/16"] } } };
  const r = await arm("PUT", `${RG}/providers/Microsoft.Network/virtualNetworks/v1`, body, NET_API);
  expect(r.status).toBe(201);
  expect(r.body.properties.provisioningState).toBe("Updating");
  expect(r.headers.get("retry-after")).toBeTruthy();
  const again = await arm("PUT", `${RG}/providers/Microsoft.Network/virtualNetworks/v1`, body, NET_API);
  expect(again.body.error.code).toBe("AnotherOperationInProgress");
  expect((await arm("GET", r.headers.get("azure-asyncoperation") as string)).body.status).toBe("InProgress");
  await t.admin.advanceClock(10);
  const done = (await arm("GET", r.headers.get("azure-asyncoperation") as string)).body;
  expect(done.status).toBe("Succeeded");
  // The status body names when the operation started and ended, in the service's (here virtual) clock
  // (Microsoft Learn, "Track asynchronous Azure operations"): the drill's verifiedAt is a Run Command's endTime.
  expect(Date.parse(done.endTime)).toBeGreaterThan(Date.parse(done.startTime));
  expect(
    (await arm("GET", `${RG}/providers/Microsoft.Network/virtualNetworks/v1`, undefined, NET_API)).body.properties.provisioningState,
  ).toBe("Succeeded");
});

test("subnet outside the address space, overlapping subnets, in-use subnet", async () => {
  const put = (subnets: unknown[]) =>
    arm(
      "PUT",
      `${RG}/providers/Microsoft.Network/virtualNetworks/v2`,
      { location: "westeurope", properties: { addressSpace: { addressPrefixes: ["10.60.0.0/16"] }, subnets } },
      NET_API,
    );
  expect((await put([{ name: "a", properties: { addressPrefix: "10.61.0.0/24" } }])).body.error.code).toBe("NetcfgInvalidSubnet");
  expect(
    (
      await put([
        { name: "a", properties: { addressPrefix: "10.60.0.0/24" } },
        { name: "b", properties: { addressPrefix: "10.60.0.128/25" } },
      ])
    ).body.error.code,
  ).toBe("NetcfgSubnetRangesOverlap");
  await createTestNetwork(arm);
  await t.admin.advanceClock(10);
  const nic = await arm(
    "PUT",
    `${RG}/providers/Microsoft.Network/networkInterfaces/n1`,
    {
      location: "westeurope",
      properties: { ipConfigurations: [{ name: "c", properties: { subnet: { id: `${TEST_VNET}/subnets/snet-app` } } }] },
    },
    NET_API,
  );
  expect(nic.body.properties.ipConfigurations[0].properties.privateIPAddress).toBe("10.10.3.4");
  const del = await arm("DELETE", `${TEST_VNET}/subnets/snet-app`, undefined, NET_API);
  expect(del.status).toBe(400);
  expect(del.body.error.code).toBe("InUseSubnetCannotBeDeleted");
  expect((await arm("DELETE", `${TEST_VNET}/subnets/snet-web`, undefined, NET_API)).status).toBe(200);
});

test("NIC static IPs: reserved, outside, in use", async () => {
  await createTestNetwork(arm);
  const nic = (name: string, ip: string) =>
    arm(
      "PUT",
      `${RG}/providers/Microsoft.Network/networkInterfaces/${name}`,
      {
        location: "westeurope",
        properties: {
          ipConfigurations: [
            {
              name: "c",
              properties: { subnet: { id: `${TEST_VNET}/subnets/snet-app` }, privateIPAllocationMethod: "Static", privateIPAddress: ip },
            },
          ],
        },
      },
      NET_API,
    );
  expect((await nic("a", "10.10.3.3")).body.error.code).toBe("PrivateIPAddressInReservedRange");
  expect((await nic("a", "10.10.3.255")).body.error.code).toBe("PrivateIPAddressInReservedRange");
  expect((await nic("a", "10.10.9.5")).body.error.code).toBe("PrivateIPAddressNotInSubnet");
  expect((await nic("a", "10.10.3.50")).status).toBe(201);
  expect((await nic("b", "10.10.3.50")).body.error.code).toBe("PrivateIPAddressInUse");
});

test("NSG rule priority 100–4096 and unique per direction", async () => {
  const nsg = (rules: unknown[]) =>
    arm(
      "PUT",
      `${RG}/providers/Microsoft.Network/networkSecurityGroups/nsg1`,
      { location: "westeurope", properties: { securityRules: rules } },
      NET_API,
    );
  const rule = (name: string, priority: number, direction = "Inbound") => ({
    name,
    properties: {
      priority,
      direction,
      access: "Deny",
      protocol: "*",
      sourceAddressPrefix: "*",
      destinationAddressPrefix: "*",
      sourcePortRange: "*",
      destinationPortRange: "*",
    },
  });
  expect((await nsg([rule("a", 99)])).body.error.code).toBe("SecurityRuleInvalidPriority");
  expect((await nsg([rule("a", 4097)])).body.error.code).toBe("SecurityRuleInvalidPriority");
  expect((await nsg([rule("a", 200), rule("b", 200)])).body.error.code).toBe("SecurityRulesConflictingPriority");
  const ok = await nsg([rule("a", 200), rule("b", 200, "Outbound")]);
  expect(ok.status).toBe(201);
  expect(ok.body.properties.defaultSecurityRules).toHaveLength(6);
});

test("storage accounts: name rules, global uniqueness, secure defaults, 202 + Location", async () => {
  const put = (rg: string, name: string) =>
    arm(
      "PUT",
      `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${name}`,
      { location: "westeurope", sku: { name: "Standard_LRS" }, kind: "StorageV2" },
      "2023-05-01",
    );
  expect((await put("contoso-recovery", "Bad_Name")).body.error.code).toBe("AccountNameInvalid");
  expect((await put("contoso-recovery", "contosoasrrepl01")).body.error.code).toBe("StorageAccountAlreadyTaken");
  const r = await put("contoso-recovery", "drillevidence01");
  expect(r.status).toBe(202);
  expect(r.headers.get("location")).toBeTruthy();
  await t.admin.advanceClock(30);
  const loc = await arm("GET", r.headers.get("location") as string);
  expect(loc.status).toBe(200);
  expect(loc.body.properties).toMatchObject({ supportsHttpsTrafficOnly: true, minimumTlsVersion: "TLS1_2", allowBlobPublicAccess: false });
  const c = await arm(
    "PUT",
    `${RG}/providers/Microsoft.Storage/storageAccounts/drillevidence01/blobServices/default/containers/evidence`,
    { properties: { publicAccess: "Container" } },
    "2023-05-01",
  );
  expect(c.body.error.code).toBe("PublicAccessNotPermitted");
  expect(
    (
      await arm(
        "PUT",
        `${RG}/providers/Microsoft.Storage/storageAccounts/drillevidence01/blobServices/default/containers/evidence`,
        { properties: {} },
        "2023-05-01",
      )
    ).status,
  ).toBe(201);
});

test("VMs: size catalogue, NIC limit, availability set rule; resource group delete cascades", async () => {
  await createTestNetwork(arm);
  const mkNic = (n: string) =>
    arm(
      "PUT",
      `${RG}/providers/Microsoft.Network/networkInterfaces/${n}`,
      {
        location: "westeurope",
        properties: { ipConfigurations: [{ name: "c", properties: { subnet: { id: `${TEST_VNET}/subnets/snet-app` } } }] },
      },
      NET_API,
    );
  await mkNic("n1");
  await mkNic("n2");
  const vm = (size: string, nics: string[], avset?: string) =>
    arm(
      "PUT",
      `${RG}/providers/Microsoft.Compute/virtualMachines/vm1`,
      {
        location: "westeurope",
        properties: {
          hardwareProfile: { vmSize: size },
          storageProfile: { osDisk: { createOption: "FromImage" } },
          networkProfile: { networkInterfaces: nics.map((n) => ({ id: `${RG}/providers/Microsoft.Network/networkInterfaces/${n}` })) },
          ...(avset ? { availabilitySet: { id: `${RG}/providers/Microsoft.Compute/availabilitySets/${avset}` } } : {}),
        },
      },
      "2024-07-01",
    );
  expect((await vm("Standard_Nope", ["n1"])).body.error.code).toBe("InvalidParameter");
  expect((await vm("Basic_A0", ["n1", "n2"])).body.error.code).toBe("NetworkInterfaceCountExceeded");
  expect((await vm("Standard_D2s_v3", ["n1"], "avset-web")).body.error.code).toBe("OperationNotAllowed");
  const ok = await vm("Standard_D2s_v3", ["n1", "n2"], "avset-sql");
  expect(ok.status).toBe(201);
  expect(ok.body.properties.provisioningState).toBe("Creating");
  const sizes = await arm("GET", `/subscriptions/${SUB}/providers/Microsoft.Compute/locations/westeurope/vmSizes`, undefined, "2024-07-01");
  expect(sizes.body.value.find((s: any) => s.name === "Standard_D2s_v3").numberOfCores).toBe(2);
  const del = await arm("DELETE", `/subscriptions/${SUB}/resourceGroups/contoso-recovery`, undefined, "2021-04-01");
  expect(del.status).toBe(202);
  await t.admin.advanceClock(60);
  expect((await arm("GET", del.headers.get("location") as string)).status).toBe(200);
  expect((await arm("GET", `${RG}/providers/Microsoft.Compute/virtualMachines/vm1`, undefined, "2024-07-01")).body.error.code).toBe(
    "ResourceGroupNotFound",
  );
});

test("VM list pages with nextLink", async () => {
  await t.admin.loadFixture({ subscriptionId: SUB, vault: { resourceGroup: "rg", name: "v" }, pageSize: 2, resourceGroups: ["rg"] });
  const rg = `/subscriptions/${SUB}/resourceGroups/rg`;
  await arm(
    "PUT",
    `${rg}/providers/Microsoft.Network/virtualNetworks/v`,
    {
      location: "westeurope",
      properties: {
        addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
        subnets: [{ name: "s", properties: { addressPrefix: "10.0.0.0/24" } }],
      },
    },
    NET_API,
  );
  for (const n of ["a", "b", "c"]) {
    await arm(
      "PUT",
      `${rg}/providers/Microsoft.Network/networkInterfaces/${n}`,
      {
        location: "westeurope",
        properties: {
          ipConfigurations: [
            { name: "c", properties: { subnet: { id: `${rg}/providers/Microsoft.Network/virtualNetworks/v/subnets/s` } } },
          ],
        },
      },
      NET_API,
    );
  }
  const p1 = await arm("GET", `${rg}/providers/Microsoft.Network/networkInterfaces`, undefined, NET_API);
  expect(p1.body.value).toHaveLength(2);
  const p2 = await arm("GET", p1.body.nextLink, undefined, NET_API);
  expect(p2.body.value.map((n: any) => n.name)).toEqual(["c"]);
  expect(p2.body.nextLink).toBeUndefined();
});

test("bad input: malformed JSON, body over 4 MB — and the twin keeps serving", async () => {
  const bad = await arm("PUT", `${RG}/providers/Microsoft.Network/virtualNetworks/x`, "{not json", NET_API);
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe("InvalidRequestContent");
  const arr = await arm("PUT", `${RG}/providers/Microsoft.Network/virtualNetworks/x`, "[1,2]", NET_API);
  expect(arr.body.error.code).toBe("InvalidRequestContent");
  const big = await raw(`${RG}/providers/Microsoft.Network/virtualNetworks/x?api-version=${NET_API}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json" },
    body: JSON.stringify({ pad: "x".repeat(4 * 1024 * 1024 + 10) }),
  });
  expect(big.status).toBe(413);
  const weird = await arm(
    "PUT",
    `${RG}/providers/Microsoft.Network/virtualNetworks/x`,
    { location: 5, properties: { addressSpace: "nope", subnets: "x" } },
    NET_API,
  );
  expect(weird.status).toBe(400);
  expect((await t.admin.health()).status).toBe("ok");
});
