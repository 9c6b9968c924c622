// Microsoft.Network PUT semantics for child collections (twin/arm/network.ts): what a VNet PUT does with
// omitted or empty `subnets` per api-version, and an NSG PUT with omitted `securityRules`
// (sources in twin/README.md, "Child collections on PUT").
import type { TwinHandle } from "../../../twin/index";
import { NET_API, SUB, client, startContoso } from "../helpers";

let t: TwinHandle;
let arm: ReturnType<typeof client>;
beforeEach(async () => {
  t = await startContoso({ speed: 1 });
  arm = client(t);
});
afterEach(async () => t.stop());

const RG = `/subscriptions/${SUB}/resourceGroups/contoso-recovery`;
const VNET = `${RG}/providers/Microsoft.Network/virtualNetworks/v-children`;
const NSG = `${RG}/providers/Microsoft.Network/networkSecurityGroups/nsg-children`;
const space = { addressSpace: { addressPrefixes: ["10.70.0.0/16"] } };

async function vnetWithTwoSubnets(): Promise<void> {
  expect((await arm("PUT", VNET, { location: "westeurope", properties: space }, NET_API)).status).toBe(201);
  await t.admin.advanceClock(10);
  for (const [name, prefix] of [
    ["a", "10.70.1.0/24"],
    ["b", "10.70.2.0/24"],
  ]) {
    expect((await arm("PUT", `${VNET}/subnets/${name}`, { properties: { addressPrefix: prefix } }, NET_API)).status).toBeLessThan(300);
  }
}

const subnetNames = async () =>
  ((await arm("GET", VNET, undefined, NET_API)).body.properties.subnets as { name: string }[]).map((s) => s.name).sort();

test(`a VNet PUT without subnets keeps them (api-version ${NET_API}); an explicit [] deletes them`, async () => {
  await vnetWithTwoSubnets();
  const before = (await arm("GET", VNET, undefined, NET_API)).body.properties.subnets;
  expect((await arm("PUT", VNET, { location: "westeurope", tags: { drill: "1" }, properties: space }, NET_API)).status).toBe(200);
  await t.admin.advanceClock(10);
  expect(await subnetNames()).toEqual(["a", "b"]);
  // Unchanged subnets come back as they were (ids, prefixes, etags).
  expect((await arm("GET", VNET, undefined, NET_API)).body.properties.subnets).toEqual(before);
  expect((await arm("GET", `${VNET}/subnets/a`, undefined, NET_API)).status).toBe(200);

  expect((await arm("PUT", VNET, { location: "westeurope", properties: { ...space, subnets: [] } }, NET_API)).status).toBe(200);
  await t.admin.advanceClock(10);
  expect(await subnetNames()).toEqual([]);
});

test("a VNet PUT without subnets at an api-version before 2023-09-01 deletes them (the earlier behaviour)", async () => {
  await vnetWithTwoSubnets();
  expect((await arm("PUT", VNET, { location: "westeurope", properties: space }, "2023-06-01")).status).toBe(200);
  await t.admin.advanceClock(10);
  expect(await subnetNames()).toEqual([]);
});

test("a VNet PUT that sends the subnets back as read (GET body) changes nothing about them", async () => {
  await vnetWithTwoSubnets();
  const live = (await arm("GET", VNET, undefined, NET_API)).body;
  expect(
    (
      await arm(
        "PUT",
        VNET,
        { location: "westeurope", tags: { a: "b" }, properties: { ...space, subnets: live.properties.subnets } },
        NET_API,
      )
    ).status,
  ).toBe(200);
  await t.admin.advanceClock(10);
  expect((await arm("GET", VNET, undefined, NET_API)).body.properties.subnets).toEqual(live.properties.subnets);
});

test("an NSG PUT without securityRules removes the rules (omitted child resources are removed)", async () => {
  const rule = {
    name: "allow-rdp",
    properties: {
      priority: 100,
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      sourceAddressPrefix: "*",
      destinationAddressPrefix: "*",
      sourcePortRange: "*",
      destinationPortRange: "3389",
    },
  };
  expect((await arm("PUT", NSG, { location: "westeurope", properties: { securityRules: [rule] } }, NET_API)).status).toBe(201);
  await t.admin.advanceClock(10);
  expect((await arm("GET", `${NSG}/securityRules/allow-rdp`, undefined, NET_API)).status).toBe(200);
  expect((await arm("PUT", NSG, { location: "westeurope", tags: { a: "b" }, properties: {} }, NET_API)).status).toBe(200);
  await t.admin.advanceClock(10);
  expect((await arm("GET", NSG, undefined, NET_API)).body.properties.securityRules).toEqual([]);
});
