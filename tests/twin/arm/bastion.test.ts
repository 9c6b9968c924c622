// Bastion hosts, public IPs and compute usages on the twin (twin/arm/bastion.ts, twin/arm/usages.ts):
// Azure Bastion's documented subnet and NSG requirements are refused as ARM refuses them.
import * as fs from "fs";
import * as path from "path";
import type { TwinHandle } from "../../../twin/index";
import { bastionSubnetSecurityRules } from "../../../components/bastionAccess";
import { NET_API, SUB, client, startContoso } from "../helpers";

let t: TwinHandle;
let arm: ReturnType<typeof client>;
beforeAll(async () => {
  t = await startContoso({
    fixture: {
      ...(await import("yaml")).parse(fs.readFileSync(path.join(__dirname, "../../../twin/fixtures/contoso.yaml"), "utf8")),
      computeQuota: { regionalVCpus: 12, families: { standardDSv3Family: 6 } },
    },
  });
  arm = client(t);
});
afterAll(async () => t.stop());

const RG = `/subscriptions/${SUB}/resourceGroups/contoso-recovery`;
const NET = `${RG}/providers/Microsoft.Network`;
const put = (path: string, body: unknown) => arm("PUT", `${NET}/${path}`, body, NET_API);

const armRules = (rules: ReturnType<typeof bastionSubnetSecurityRules>) => rules.map(({ name, ...p }) => ({ name, properties: p }));

async function vnetWithBastionSubnet(vnet: string, prefix: string, nsg?: string) {
  return put(`virtualNetworks/${vnet}`, {
    location: "westeurope",
    properties: {
      addressSpace: { addressPrefixes: ["10.50.0.0/16"] },
      subnets: [
        { name: "snet-app", properties: { addressPrefix: "10.50.1.0/24" } },
        {
          name: "AzureBastionSubnet",
          properties: { addressPrefix: prefix, ...(nsg ? { networkSecurityGroup: { id: `${NET}/networkSecurityGroups/${nsg}` } } : {}) },
        },
      ],
    },
  });
}

async function standardIp(name: string) {
  const r = await put(`publicIPAddresses/${name}`, {
    location: "westeurope",
    sku: { name: "Standard" },
    properties: { publicIPAllocationMethod: "Static" },
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

const hostBody = (vnet: string, pipId: string) => ({
  location: "westeurope",
  sku: { name: "Basic" },
  properties: {
    ipConfigurations: [
      {
        name: "ipconf",
        properties: { subnet: { id: `${NET}/virtualNetworks/${vnet}/subnets/AzureBastionSubnet` }, publicIPAddress: { id: pipId } },
      },
    ],
  },
});

test("an NSG without Bastion's required rules cannot be put on AzureBastionSubnet (NetworkSecurityGroupNotCompliantForAzureBastionSubnet)", async () => {
  const partial = armRules(bastionSubnetSecurityRules()).filter((r) => r.name !== "AllowGatewayManagerInbound");
  expect((await put("networkSecurityGroups/nsg-partial", { location: "westeurope", properties: { securityRules: partial } })).status).toBe(
    201,
  );
  const r = await vnetWithBastionSubnet("vnet-partial", "10.50.2.0/26", "nsg-partial");
  expect(r.status).toBe(400);
  expect(r.body.error.code).toBe("NetworkSecurityGroupNotCompliantForAzureBastionSubnet");
  expect(r.body.error.message).toBe(
    "Network security group nsg-partial does not have necessary rules for Azure Bastion Subnet AzureBastionSubnet.",
  );

  // A deny in front of a required allow counts as missing.
  const shadowed = [
    ...armRules(bastionSubnetSecurityRules()),
    {
      name: "deny-all-in",
      properties: {
        priority: 100,
        direction: "Inbound",
        access: "Deny",
        protocol: "*",
        sourceAddressPrefix: "*",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "*",
      },
    },
  ];
  expect(
    (await put("networkSecurityGroups/nsg-shadowed", { location: "westeurope", properties: { securityRules: shadowed } })).status,
  ).toBe(201);
  expect((await vnetWithBastionSubnet("vnet-shadowed", "10.50.2.0/26", "nsg-shadowed")).body.error.code).toBe(
    "NetworkSecurityGroupNotCompliantForAzureBastionSubnet",
  );

  // The same check on a subnet PUT, and on another subnet name nothing is checked.
  expect((await vnetWithBastionSubnet("vnet-later", "10.50.2.0/26")).status).toBe(201);
  const sub = await arm(
    "PUT",
    `${NET}/virtualNetworks/vnet-later/subnets/AzureBastionSubnet`,
    { properties: { addressPrefix: "10.50.2.0/26", networkSecurityGroup: { id: `${NET}/networkSecurityGroups/nsg-partial` } } },
    NET_API,
  );
  expect(sub.body.error?.code).toBe("NetworkSecurityGroupNotCompliantForAzureBastionSubnet");
  const other = await arm(
    "PUT",
    `${NET}/virtualNetworks/vnet-later/subnets/snet-other`,
    { properties: { addressPrefix: "10.50.3.0/24", networkSecurityGroup: { id: `${NET}/networkSecurityGroups/nsg-partial` } } },
    NET_API,
  );
  expect(other.status).toBe(201);
});

test("the required rules pass; a Bastion needs AzureBastionSubnet of /26 or larger (boundary /26 passes, /27 fails)", async () => {
  expect(
    (
      await put("networkSecurityGroups/nsg-bastion", {
        location: "westeurope",
        properties: { securityRules: armRules(bastionSubnetSecurityRules()) },
      })
    ).status,
  ).toBe(201);
  expect((await vnetWithBastionSubnet("vnet-26", "10.50.2.0/26", "nsg-bastion")).status).toBe(201);
  expect((await vnetWithBastionSubnet("vnet-27", "10.50.2.0/27", "nsg-bastion")).status).toBe(201);

  const small = await put("bastionHosts/bastion-27", hostBody("vnet-27", await standardIp("pip-27")));
  expect(small.status).toBe(400);
  expect(small.body.error.code).toBe("AzureBastionSubnetPrefixTooSmall");

  const pip = await standardIp("pip-26");
  const ok = await put("bastionHosts/bastion-26", hostBody("vnet-26", pip));
  expect(ok.status).toBe(201);
  expect(ok.body.properties.ipConfigurations[0].properties.publicIPAddress.id).toBe(pip);
  // The public IP is now in use and cannot be deleted before the Bastion.
  const del = await arm("DELETE", pip, undefined, NET_API);
  expect(del.status).toBe(400);
  expect(del.body.error.code).toBe("PublicIPAddressCannotBeDeleted");
});

test("a Bastion's public IP must be Standard and Static; a Bastion on another subnet name is refused", async () => {
  const dyn = await put("publicIPAddresses/pip-dynamic", {
    location: "westeurope",
    sku: { name: "Standard" },
    properties: { publicIPAllocationMethod: "Dynamic" },
  });
  expect(dyn.body.error.code).toBe("StandardSkuPublicIPAddressesMustBeStatic");
  const basic = await put("publicIPAddresses/pip-basic", {
    location: "westeurope",
    sku: { name: "Basic" },
    properties: { publicIPAllocationMethod: "Static" },
  });
  expect(basic.status).toBe(201);
  expect((await vnetWithBastionSubnet("vnet-basicip", "10.50.2.0/26")).status).toBe(201);
  const r = await put("bastionHosts/bastion-basicip", hostBody("vnet-basicip", basic.body.id));
  expect(r.body.error.code).toBe("BastionHostPublicIpMustBeStandardStatic");
  const wrong = await put("bastionHosts/bastion-wrong", {
    location: "westeurope",
    sku: { name: "Basic" },
    properties: {
      ipConfigurations: [
        {
          name: "c",
          properties: {
            subnet: { id: `${NET}/virtualNetworks/vnet-basicip/subnets/snet-app` },
            publicIPAddress: { id: await standardIp("pip-w") },
          },
        },
      ],
    },
  });
  expect(wrong.body.error.code).toBe("BastionHostSubnetNameInvalid");
});

test("the Developer SKU needs no subnet and no public IP: it names the VNet", async () => {
  expect((await vnetWithBastionSubnet("vnet-dev", "10.50.2.0/26")).status).toBe(201);
  const r = await put("bastionHosts/bastion-dev", {
    location: "westeurope",
    sku: { name: "Developer" },
    properties: { virtualNetwork: { id: `${NET}/virtualNetworks/vnet-dev` } },
  });
  expect(r.status).toBe(201);
  expect(r.body.properties.ipConfigurations).toEqual([]);
});

test("usages: regional and per-family vCPUs count the VMs in the location, limits from the fixture's computeQuota", async () => {
  const u = await arm("GET", `/subscriptions/${SUB}/providers/Microsoft.Compute/locations/westeurope/usages`, undefined, "2024-07-01");
  expect(u.status).toBe(200);
  const by = Object.fromEntries(u.body.value.map((x: any) => [x.name.value, x]));
  expect(by.cores).toMatchObject({ unit: "Count", currentValue: 0, limit: 12, name: { localizedValue: "Total Regional vCPUs" } });
  expect(by.standardDSv3Family).toMatchObject({ currentValue: 0, limit: 6 });
  expect(by.standardBSFamily).toMatchObject({ limit: 100 });

  // A VM counts against its family and the regional total.
  const nic = await put("networkInterfaces/stray-nic", {
    location: "westeurope",
    properties: {
      ipConfigurations: [{ name: "ipconfig1", properties: { subnet: { id: `${NET}/virtualNetworks/vnet-dev/subnets/snet-app` } } }],
    },
  });
  expect(nic.status).toBe(201);
  const vm = await arm(
    "PUT",
    `${RG}/providers/Microsoft.Compute/virtualMachines/stray-vm`,
    {
      location: "westeurope",
      properties: { hardwareProfile: { vmSize: "Standard_D4s_v3" }, networkProfile: { networkInterfaces: [{ id: nic.body.id }] } },
    },
    "2024-07-01",
  );
  expect(vm.status).toBe(201);
  const after = Object.fromEntries(
    (
      await arm("GET", `/subscriptions/${SUB}/providers/Microsoft.Compute/locations/westeurope/usages`, undefined, "2024-07-01")
    ).body.value.map((x: any) => [x.name.value, x]),
  );
  expect(after.cores.currentValue).toBe(4);
  expect(after.standardDSv3Family.currentValue).toBe(4);
  expect(after.virtualMachines.currentValue).toBe(1);
  const elsewhere = await arm(
    "GET",
    `/subscriptions/${SUB}/providers/Microsoft.Compute/locations/northeurope/usages`,
    undefined,
    "2024-07-01",
  );
  expect(elsewhere.body.value.find((x: any) => x.name.value === "cores").currentValue).toBe(0);
});

test("skus name each size's quota family", async () => {
  const skus = await arm("GET", `/subscriptions/${SUB}/providers/Microsoft.Compute/skus`, undefined, "2021-07-01");
  const fam = Object.fromEntries(skus.body.value.map((s: any) => [s.name, s.family]));
  expect(fam).toMatchObject({
    Standard_D2s_v3: "standardDSv3Family",
    Standard_B2s: "standardBSFamily",
    Standard_D2_v3: "standardDv3Family",
    Standard_DS2_v2: "standardDSv2Family",
  });
});
