// The drill program (index.ts with Pulumi.test.yaml) through the real CLI on the twin, with the stand-in
// plugins: what the twin holds after preview (nothing new), after up (the isolated test network, the AD/DNS
// copy, the drill storage, the test VMs) and after destroy (nothing of the drill).
import { startTwin, CONTOSO_FIXTURE, type TwinHandle } from "../../twin";
import { PulumiWorkspace, ROOT, twinArm, twinModeEnv } from "./harness";

const SUB = "/subscriptions/11111111-1111-1111-1111-111111111111";
const DRILL_RG = `${SUB}/resourceGroups/contoso-drill-rg`;
const VNET = `${DRILL_RG}/providers/Microsoft.Network/virtualNetworks/contoso-drill-vnet`;
const NET_API = "api-version=2024-05-01";

describe("the drill program on the twin", () => {
  let twin: TwinHandle;
  let ws: PulumiWorkspace;
  const writes = async () =>
    (await twin.admin.requests()).filter((r) => !["GET", "HEAD"].includes(r.method)).map((r) => `${r.method} ${r.path}`);

  beforeAll(async () => {
    twin = await startTwin({ port: 0, fixture: CONTOSO_FIXTURE, speed: 120, quiet: true });
    const mode = twinModeEnv(twin);
    ws = new PulumiWorkspace({ program: ROOT, stack: "test", env: mode.env, extraPath: mode.extraPath });
    await ws.init();
  });
  afterAll(async () => {
    await ws?.dispose();
    await twin?.stop();
  });

  it("pulumi preview --policy-pack policy passes on the Contoso stack and writes nothing", async () => {
    await twin.admin.clearRequests();
    const preview = await ws.pulumi(["preview", "--policy-pack", "policy"]);
    expect(preview.output).not.toMatch(/\[mandatory\]/);
    expect(preview.code).toBe(0);
    expect(await writes()).toEqual([]);
    expect((await twinArm(twin, "GET", `${VNET}?${NET_API}`)).status).toBe(404);
  });

  it("pulumi up builds the isolated network with DNS on the DC copy, the drill storage and the test VMs", async () => {
    const up = await ws.pulumi(["up", "--yes", "--skip-preview", "--policy-pack", "policy"]);
    expect(up.code).toBe(0);

    const vnet = (await twinArm(twin, "GET", `${VNET}?${NET_API}`)).body;
    expect(vnet.properties.dhcpOptions.dnsServers).toEqual(["10.10.1.4"]);
    expect(vnet.properties.virtualNetworkPeerings ?? []).toEqual([]);
    const subnets = vnet.properties.subnets as {
      name: string;
      properties: { addressPrefix: string; networkSecurityGroup?: { id: string } };
    }[];
    expect(subnets.map((s) => s.name).sort()).toEqual(["snet-app", "snet-data", "snet-identity", "snet-web"]);
    for (const s of subnets) {
      // Every subnet has an NSG that denies Internet inbound and outbound.
      expect(s.properties.networkSecurityGroup?.id).toBeDefined();
      const nsg = (await twinArm(twin, "GET", `${s.properties.networkSecurityGroup!.id}?${NET_API}`)).body;
      const rules = nsg.properties.securityRules as {
        properties: { access: string; direction: string; sourceAddressPrefix?: string; destinationAddressPrefix?: string };
      }[];
      expect(
        rules.some(
          (r) => r.properties.access === "Deny" && r.properties.direction === "Inbound" && r.properties.sourceAddressPrefix === "Internet",
        ),
      ).toBe(true);
      expect(
        rules.some(
          (r) =>
            r.properties.access === "Deny" && r.properties.direction === "Outbound" && r.properties.destinationAddressPrefix === "Internet",
        ),
      ).toBe(true);
    }

    const outputs = await ws.outputs();
    const account = (await twinArm(twin, "GET", `${outputs.storageAccountId}?api-version=2024-01-01`)).body;
    expect(account.properties).toMatchObject({ supportsHttpsTrafficOnly: true, minimumTlsVersion: "TLS1_2", allowBlobPublicAccess: false });
    expect(account.properties.encryption.requireInfrastructureEncryption).toBe(true);

    // The DC copy runs in the isolated network at its configured address; the plan's VMs are there too.
    const vms = (await twinArm(twin, "GET", `${SUB}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01`)).body.value as {
      name: string;
    }[];
    expect(
      vms
        .map((v) => v.name)
        .filter((n) => n.endsWith("-test"))
        .sort(),
    ).toEqual(["APP01-test", "DC01-test", "SQL01-test", "WEB01-test"]);
    const nics = (await twinArm(twin, "GET", `${SUB}/providers/Microsoft.Network/networkInterfaces?api-version=2024-05-01`)).body.value as {
      name: string;
      properties: { ipConfigurations: { properties: { privateIPAddress: string; subnet: { id: string } } }[] };
    }[];
    const dcNic = nics.find((n) => n.name.startsWith("DC01-test"))!;
    expect(dcNic.properties.ipConfigurations[0].properties.privateIPAddress).toBe("10.10.1.4");
    expect(dcNic.properties.ipConfigurations[0].properties.subnet.id.toLowerCase()).toBe(`${VNET}/subnets/snet-identity`.toLowerCase());
  });

  it("pulumi destroy removes the test VMs and the drill infrastructure; the production estate stays", async () => {
    const destroy = await ws.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.code).toBe(0);
    expect(await ws.resources()).toEqual([]);
    expect((await twinArm(twin, "GET", `${VNET}?${NET_API}`)).status).toBe(404);
    expect((await twinArm(twin, "GET", `${DRILL_RG}?api-version=2024-03-01`)).status).toBe(404);
    const vms = (await twinArm(twin, "GET", `${SUB}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01`)).body.value as {
      name: string;
    }[];
    expect(vms.filter((v) => v.name.endsWith("-test"))).toEqual([]);
    // The production recovery network of the fixture is untouched.
    const prod = await twinArm(
      twin,
      "GET",
      `${SUB}/resourceGroups/contoso-network/providers/Microsoft.Network/virtualNetworks/contoso-recovery-vnet?${NET_API}`,
    );
    expect(prod.status).toBe(200);
  });
});
