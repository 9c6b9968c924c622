// testNetwork.subscriptionId on the twin through the real CLI and the stand-in plugins: the test network
// and the drill storage beside it go to that subscription through their own explicit azure-native
// provider, while the items are still read and test-failed-over in the vault's subscription.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { startTwin, CONTOSO_FIXTURE, type TwinHandle } from "../../twin";
import { PulumiWorkspace, ROOT, twinArm, twinModeEnv } from "./harness";

const VAULT_SUB = "/subscriptions/11111111-1111-1111-1111-111111111111";
const NETWORK_SUB_ID = "33333333-3333-4333-8333-333333333333";
const NETWORK_SUB = `/subscriptions/${NETWORK_SUB_ID}`;
const NET_API = "api-version=2024-05-01";
const vnetPath = (sub: string) => `${sub}/resourceGroups/contoso-drill-rg/providers/Microsoft.Network/virtualNetworks/contoso-drill-vnet?${NET_API}`;

function stackWith(name: string, edit: (config: Record<string, any>) => void): string {
  const doc = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.test.yaml"), "utf8"));
  edit(doc.config);
  fs.writeFileSync(path.join(ROOT, `Pulumi.${name}.yaml`), YAML.stringify(doc, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }));
  return name;
}

describe("a test network in its own subscription", () => {
  let twin: TwinHandle;
  let ws: PulumiWorkspace;
  beforeAll(async () => {
    twin = await startTwin({ port: 0, fixture: CONTOSO_FIXTURE, speed: 120, quiet: true });
    const stack = stackWith(`e2e-netsub-${process.pid}`, (c) => (c["failover-drill:testNetwork"].subscriptionId = NETWORK_SUB_ID));
    const mode = twinModeEnv(twin);
    ws = new PulumiWorkspace({ program: ROOT, stack, env: mode.env, extraPath: mode.extraPath });
    await ws.init();
  });
  afterAll(async () => {
    await ws?.dispose();
    await twin?.stop();
  });

  it("up puts the VNet (and the drill storage) in testNetwork.subscriptionId, the drill passes, destroy removes them", async () => {
    const up = await ws.pulumi(["up", "--yes", "--skip-preview", "--policy-pack", "policy"]);
    expect(up.output).not.toMatch(/\[mandatory\]/);
    expect(up.code).toBe(0);

    const vnet = await twinArm(twin, "GET", vnetPath(NETWORK_SUB));
    expect(vnet.status).toBe(200);
    expect(vnet.body.id).toBe(vnetPath(NETWORK_SUB).split("?")[0]);
    expect((await twinArm(twin, "GET", vnetPath(VAULT_SUB))).status).toBe(404);
    const accounts = (await twinArm(twin, "GET", `${NETWORK_SUB}/resourceGroups/contoso-drill-rg/providers/Microsoft.Storage/storageAccounts?api-version=2023-05-01`)).body.value;
    expect(accounts.length).toBe(1);

    // The items were test-failed-over (vault subscription) into that VNet: the test VMs' NICs name it.
    const writes = (await twin.admin.requests()).filter((r) => r.method === "POST" && /\/testFailover$/i.test(r.path.split("?")[0]));
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) expect(w.path.toLowerCase().startsWith(VAULT_SUB.toLowerCase())).toBe(true);
    const outputs = await ws.outputs();
    expect(String(outputs.testNetworkId)).toBe(vnetPath(NETWORK_SUB).split("?")[0]);
    expect((outputs.applicationTestFailover as any).verdict).toBe("passed");

    const destroy = await ws.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.code).toBe(0);
    expect((await twinArm(twin, "GET", vnetPath(NETWORK_SUB))).status).toBe(404);
  });
});
