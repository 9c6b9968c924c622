// testNetwork.subscriptionId on the twin through the real CLI and the stand-in plugins: the test network
// and the drill storage beside it go to that subscription through their own explicit azure-native
// provider, while the items are still read and test-failed-over in the vault's subscription. A test
// network apart from the subscription the items fail over into is refused before anything is written (a
// NIC can only join a VNet of its own subscription).
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { startTwin, CONTOSO_FIXTURE, type TwinHandle } from "../../twin";
import { PulumiWorkspace, ROOT, twinArm, twinModeEnv } from "./harness";

const VAULT_SUB = "/subscriptions/11111111-1111-1111-1111-111111111111";
const NETWORK_SUB_ID = "33333333-3333-4333-8333-333333333333";
const NETWORK_SUB = `/subscriptions/${NETWORK_SUB_ID}`;
const NET_API = "api-version=2024-05-01";
const ASR_API = "api-version=2025-08-01";
const VAULT = `${VAULT_SUB}/resourceGroups/contoso-dr/providers/Microsoft.RecoveryServices/vaults/contoso-asr-vault`;
const vnetPath = (sub: string) =>
  `${sub}/resourceGroups/contoso-drill-rg/providers/Microsoft.Network/virtualNetworks/contoso-drill-vnet?${NET_API}`;

function stackWith(name: string, edit: (config: Record<string, any>) => void): string {
  const doc = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.test.yaml"), "utf8"));
  edit(doc.config);
  fs.writeFileSync(
    path.join(ROOT, `Pulumi.${name}.yaml`),
    YAML.stringify(doc, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }),
  );
  return name;
}

async function waitJob(twin: TwinHandle, jobId: string): Promise<any> {
  for (let i = 0; i < 600; i++) {
    const j = (await twinArm(twin, "GET", `${jobId}?${ASR_API}`)).body;
    if (["Succeeded", "Failed"].includes(j?.properties?.state)) return j;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${jobId} did not finish`);
}

describe("a test network in its own subscription", () => {
  let twin: TwinHandle;
  let ws: PulumiWorkspace;
  beforeAll(async () => {
    twin = await startTwin({ port: 0, fixture: CONTOSO_FIXTURE, speed: 120, quiet: true });
    // WEB01 alone (no AD/DNS copy, no in-guest checks) with its test network in another subscription.
    const stack = stackWith(`e2e-netsub-${process.pid}`, (c) => {
      c["failover-drill:testNetwork"].subscriptionId = NETWORK_SUB_ID;
      c["failover-drill:scope"] = { items: [{ friendlyName: "WEB01" }], recoveryPointType: "Latest" };
      delete c["failover-drill:directoryCopy"];
      c["failover-drill:expected"] = [{ friendlyName: "WEB01" }];
    });
    const mode = twinModeEnv(twin);
    ws = new PulumiWorkspace({ program: ROOT, stack, env: mode.env, extraPath: mode.extraPath });
    await ws.init();
  });
  afterAll(async () => {
    await ws?.dispose();
    await twin?.stop();
  });

  it("refuses in preview, writing nothing, while the item still fails over into the vault's subscription", async () => {
    await twin.admin.clearRequests();
    const preview = await ws.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(
      /failover-drill:testNetwork\.subscriptionId: "33333333-3333-4333-8333-333333333333" is the test network's subscription, but WEB01 \(recovery resource group \/subscriptions\/11111111-1111-1111-1111-111111111111\/resourceGroups\/contoso-recovery\) fails over into subscription 11111111-1111-1111-1111-111111111111.*set testNetwork\.subscriptionId to 11111111-1111-1111-1111-111111111111/,
    );
    expect((await twin.admin.requests()).filter((r) => !["GET", "HEAD"].includes(r.method))).toEqual([]);
  });

  it("once the item fails over into that subscription: up puts the VNet and the drill storage there, the drill passes, destroy removes them", async () => {
    // The item's target resource group moves to the network's subscription (ASR's Compute and Network settings).
    const recoveryRg = `${NETWORK_SUB}/resourceGroups/contoso-recovery`;
    expect((await twinArm(twin, "PUT", `${recoveryRg}?api-version=2021-04-01`, { location: "westeurope" })).status).toBeLessThan(300);
    const web = (await twinArm(twin, "GET", `${VAULT}/replicationProtectedItems?${ASR_API}`)).body.value.find(
      (i: any) => i.properties.friendlyName === "WEB01",
    );
    const patch = await fetch(`${twin.url}${web.id}?${ASR_API}`, {
      method: "PATCH",
      headers: { Authorization: `Bearer ${twin.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        properties: {
          recoveryAvailabilitySetId: "",
          providerSpecificDetails: { instanceType: "HyperVReplicaAzure", recoveryAzureV2ResourceGroupId: recoveryRg },
        },
      }),
    });
    expect(patch.status).toBe(202);
    expect((await waitJob(twin, String(patch.headers.get("x-ms-request-id")).split(",")[0].trim())).properties.state).toBe("Succeeded");

    await twin.admin.clearRequests();
    const up = await ws.pulumi(["up", "--yes", "--skip-preview", "--policy-pack", "policy"]);
    expect(up.output).not.toMatch(/\[mandatory\]/);
    expect(up.code).toBe(0);

    const vnet = await twinArm(twin, "GET", vnetPath(NETWORK_SUB));
    expect(vnet.status).toBe(200);
    expect((await twinArm(twin, "GET", vnetPath(VAULT_SUB))).status).toBe(404);
    const accounts = (
      await twinArm(
        twin,
        "GET",
        `${NETWORK_SUB}/resourceGroups/contoso-drill-rg/providers/Microsoft.Storage/storageAccounts?api-version=2023-05-01`,
      )
    ).body.value;
    expect(accounts.length).toBe(1);
    // The test failover itself went to the vault (its subscription), and the test VM sits beside the VNet.
    const posts = (await twin.admin.requests()).filter((r) => r.method === "POST" && /\/testFailover$/i.test(r.path.split("?")[0]));
    expect(posts.map((r) => r.path.toLowerCase().startsWith(VAULT.toLowerCase()))).toEqual([true]);
    expect(
      (await twinArm(twin, "GET", `${recoveryRg}/providers/Microsoft.Compute/virtualMachines/WEB01-test?api-version=2024-07-01`)).status,
    ).toBe(200);
    // The failure predictor reads quota where the test VMs land, not in the vault's subscription.
    const usages = (await twin.admin.requests())
      .filter((r) => r.method === "GET" && /\/usages$/i.test(r.path.split("?")[0]))
      .map((r) => r.path.split("?")[0]);
    expect(usages.length).toBeGreaterThan(0);
    for (const u of usages)
      expect(u.toLowerCase()).toBe(`${NETWORK_SUB}/providers/Microsoft.Compute/locations/westeurope/usages`.toLowerCase());
    const outputs = await ws.outputs();
    expect(String(outputs.testNetworkId)).toBe(vnet.body.id);
    expect(outputs.verdict).toBe("passed");
    expect(Object.values(outputs.applicationTestFailovers as Record<string, { verdict: string }>).map((t) => t.verdict)).toEqual([
      "passed",
    ]);

    const destroy = await ws.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.code).toBe(0);
    expect((await twinArm(twin, "GET", vnetPath(NETWORK_SUB))).status).toBe(404);
  });
});
