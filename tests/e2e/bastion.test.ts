// Issue 18 on the twin through the real CLI and the stand-in plugins:
//  - a drill with testNetwork.access.bastion passes the policy gate, and `up` builds the AzureBastionSubnet
//    (with Microsoft's required NSG rules), the Bastion host and its one Standard public IP, while every test
//    subnet keeps its deny-Internet rules and lets RDP/SSH in from the Bastion subnet only;
//  - the failure predictor refuses in preview, with nothing written: a tight vCPU quota (fixture knob
//    computeQuota) and a VM already named like a test VM in the recovery resource group.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { startTwin, CONTOSO_FIXTURE, type TwinHandle } from "../../twin";
import { PulumiWorkspace, ROOT, twinArm, twinModeEnv } from "./harness";

const SUB = "/subscriptions/11111111-1111-1111-1111-111111111111";
const DRILL_RG = `${SUB}/resourceGroups/contoso-drill-rg`;
const NET = `${DRILL_RG}/providers/Microsoft.Network`;
const NET_API = "api-version=2024-05-01";

/** A stack beside Pulumi.test.yaml with the test stack's config edited (removed again on dispose). */
function stackWith(name: string, edit: (config: Record<string, any>) => void): string {
  const doc = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.test.yaml"), "utf8"));
  edit(doc.config);
  // Strings stay quoted: Pulumi reads an unquoted 2030-12-31 as a timestamp.
  fs.writeFileSync(
    path.join(ROOT, `Pulumi.${name}.yaml`),
    YAML.stringify(doc, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }),
  );
  return name;
}

const writesOf = async (twin: TwinHandle) =>
  (await twin.admin.requests()).filter((r) => !["GET", "HEAD"].includes(r.method)).map((r) => `${r.method} ${r.path}`);

async function workspace(twin: TwinHandle, stack: string): Promise<PulumiWorkspace> {
  const mode = twinModeEnv(twin);
  const ws = new PulumiWorkspace({ program: ROOT, stack, env: mode.env, extraPath: mode.extraPath });
  await ws.init();
  return ws;
}

describe("a drill with Azure Bastion on the twin", () => {
  let twin: TwinHandle;
  let ws: PulumiWorkspace;
  beforeAll(async () => {
    twin = await startTwin({ port: 0, fixture: CONTOSO_FIXTURE, speed: 120, quiet: true });
    ws = await workspace(
      twin,
      stackWith(`e2e-bastion-${process.pid}`, (c) => (c["failover-drill:testNetwork"].access = { bastion: { sku: "Basic" } })),
    );
  });
  afterAll(async () => {
    await ws?.dispose();
    await twin?.stop();
  });

  it("passes the policy gate (test-network-isolated holds) writing nothing, then up builds exactly the Bastion shape", async () => {
    await twin.admin.clearRequests();
    const preview = await ws.pulumi(["preview", "--policy-pack", "policy"]);
    expect(preview.output).not.toMatch(/\[mandatory\]/);
    expect(preview.code).toBe(0);
    expect(await writesOf(twin)).toEqual([]);

    const up = await ws.pulumi(["up", "--yes", "--skip-preview", "--policy-pack", "policy"]);
    expect(up.output).not.toMatch(/\[mandatory\]/);
    expect(up.code).toBe(0);

    const vnet = (await twinArm(twin, "GET", `${NET}/virtualNetworks/contoso-drill-vnet?${NET_API}`)).body;
    const bastionSubnet = vnet.properties.subnets.find((s: any) => s.name === "AzureBastionSubnet");
    expect(bastionSubnet.properties.addressPrefix).toBe("10.10.0.0/26");
    const host = (await twinArm(twin, "GET", `${NET}/bastionHosts/contoso-drill-vnet-bastion?${NET_API}`)).body;
    expect(host.sku.name).toBe("Basic");
    expect(host.properties.ipConfigurations[0].properties.subnet.id).toBe(bastionSubnet.id);
    const pips = (await twinArm(twin, "GET", `${DRILL_RG}/providers/Microsoft.Network/publicIPAddresses?${NET_API}`)).body.value;
    expect(pips.map((p: any) => `${p.name} ${p.sku.name} ${p.properties.publicIPAllocationMethod}`)).toEqual([
      "contoso-drill-vnet-bastion-pip Standard Static",
    ]);
    for (const s of vnet.properties.subnets.filter((x: any) => x.name !== "AzureBastionSubnet")) {
      const rules = (await twinArm(twin, "GET", `${s.properties.networkSecurityGroup.id}?${NET_API}`)).body.properties.securityRules.map(
        (r: any) => r.properties,
      );
      expect(
        rules
          .filter((r: any) => r.sourceAddressPrefix === "10.10.0.0/26")
          .map((r: any) => r.destinationPortRange)
          .sort(),
      ).toEqual(["22", "3389"]);
      expect(rules.some((r: any) => r.access === "Deny" && r.direction === "Inbound" && r.sourceAddressPrefix === "Internet")).toBe(true);
      expect(rules.some((r: any) => r.access === "Deny" && r.direction === "Outbound" && r.destinationAddressPrefix === "Internet")).toBe(
        true,
      );
    }

    const destroy = await ws.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.code).toBe(0);
    expect((await twinArm(twin, "GET", `${NET}/bastionHosts/contoso-drill-vnet-bastion?${NET_API}`)).status).toBe(404);
  });
});

describe("a drill with Azure Bastion Developer on the twin", () => {
  let twin: TwinHandle;
  let ws: PulumiWorkspace;
  beforeAll(async () => {
    twin = await startTwin({ port: 0, fixture: CONTOSO_FIXTURE, speed: 120, quiet: true });
    ws = await workspace(
      twin,
      stackWith(`e2e-bastion-dev-${process.pid}`, (c) => (c["failover-drill:testNetwork"].access = { bastion: { sku: "Developer" } })),
    );
  });
  afterAll(async () => {
    await ws?.dispose();
    await twin?.stop();
  });

  it("up attaches the host to the VNet (no AzureBastionSubnet, no public IP) and opens RDP/SSH from 168.63.129.16 only", async () => {
    const up = await ws.pulumi(["up", "--yes", "--skip-preview", "--policy-pack", "policy"]);
    expect(up.output).not.toMatch(/\[mandatory\]/);
    expect(up.code).toBe(0);
    const vnet = (await twinArm(twin, "GET", `${NET}/virtualNetworks/contoso-drill-vnet?${NET_API}`)).body;
    expect(vnet.properties.subnets.map((s: any) => s.name)).not.toContain("AzureBastionSubnet");
    const host = (await twinArm(twin, "GET", `${NET}/bastionHosts/contoso-drill-vnet-bastion?${NET_API}`)).body;
    expect(host.sku.name).toBe("Developer");
    expect(host.properties.virtualNetwork.id).toBe(vnet.id);
    expect((await twinArm(twin, "GET", `${DRILL_RG}/providers/Microsoft.Network/publicIPAddresses?${NET_API}`)).body.value).toEqual([]);
    for (const s of vnet.properties.subnets) {
      const rules = (await twinArm(twin, "GET", `${s.properties.networkSecurityGroup.id}?${NET_API}`)).body.properties.securityRules.map(
        (r: any) => r.properties,
      );
      // The Bastion's two rules (3900/3901) beside the stack's own reviewed allow-list entry.
      const bastionRules = rules.filter((r: any) => r.direction === "Inbound" && r.access === "Allow" && [3900, 3901].includes(r.priority));
      expect(bastionRules.map((r: any) => `${r.sourceAddressPrefix}:${r.destinationPortRange}`).sort()).toEqual([
        "168.63.129.16/32:22",
        "168.63.129.16/32:3389",
      ]);
      expect(rules.some((r: any) => r.access === "Deny" && r.direction === "Inbound" && r.sourceAddressPrefix === "Internet")).toBe(true);
    }
    const destroy = await ws.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.code).toBe(0);
  });
});

describe("the failure predictor refuses in preview with nothing written", () => {
  let twin: TwinHandle;
  const spaces: PulumiWorkspace[] = [];
  beforeAll(async () => {
    const fx = YAML.parse(fs.readFileSync(CONTOSO_FIXTURE, "utf8"));
    // DC01, APP01 (Standard_D2s_v3) and SQL01 (Standard_D4s_v3) need 8 DSv3 vCPUs: one short.
    fx.computeQuota = { families: { standardDSv3Family: 7 } };
    twin = await startTwin({ port: 0, fixture: fx, speed: 120, quiet: true });
  });
  afterAll(async () => {
    for (const ws of spaces) await ws.dispose();
    await twin?.stop();
  });

  it("a tight vCPU quota: compute-quota-fits-drill names the family, the items and the fix", async () => {
    const ws = await workspace(
      twin,
      stackWith(`e2e-quota-${process.pid}`, () => undefined),
    );
    spaces.push(ws);
    await twin.admin.clearRequests();
    const preview = await ws.pulumi(["preview", "--policy-pack", "policy"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(/compute-quota-fits-drill/);
    expect(preview.output).toMatch(
      /VM family standardDSv3Family in westeurope.*need 8 vCPUs of "Standard DSv3 Family vCPUs" but only 7 of 7 are free/s,
    );
    expect(await writesOf(twin)).toEqual([]);
  });

  it("a VM named like a test VM in the recovery resource group: test-vm-name-free", async () => {
    // A stray VM from an earlier manual test, created behind the drill's back.
    const RG = `${SUB}/resourceGroups/contoso-recovery`;
    const vnet = await twinArm(twin, "PUT", `${RG}/providers/Microsoft.Network/virtualNetworks/stray-vnet?${NET_API}`, {
      location: "westeurope",
      properties: {
        addressSpace: { addressPrefixes: ["10.99.0.0/16"] },
        subnets: [{ name: "s", properties: { addressPrefix: "10.99.0.0/24" } }],
      },
    });
    expect(vnet.status).toBe(201);
    const nic = await twinArm(twin, "PUT", `${RG}/providers/Microsoft.Network/networkInterfaces/stray-nic?${NET_API}`, {
      location: "westeurope",
      properties: { ipConfigurations: [{ name: "c", properties: { subnet: { id: `${vnet.body.id}/subnets/s` } } }] },
    });
    expect(nic.status).toBe(201);
    const vm = await twinArm(twin, "PUT", `${RG}/providers/Microsoft.Compute/virtualMachines/APP01-test?api-version=2024-07-01`, {
      location: "westeurope",
      properties: { hardwareProfile: { vmSize: "Standard_B2s" }, networkProfile: { networkInterfaces: [{ id: nic.body.id }] } },
    });
    expect(vm.status).toBe(201);

    const ws = await workspace(
      twin,
      stackWith(`e2e-name-${process.pid}`, () => undefined),
    );
    spaces.push(ws);
    await twin.admin.clearRequests();
    const preview = await ws.pulumi(["preview", "--policy-pack", "policy"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(/test-vm-name-free/);
    expect(preview.output).toMatch(/item "APP01": VM .*APP01-test already exists/);
    expect(await writesOf(twin)).toEqual([]);
  });
});
