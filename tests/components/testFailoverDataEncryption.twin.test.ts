// Data-encrypted Hyper-V items (providerSpecificDetails.encryption "Enabled"): the twin fails their test
// failover without the KEK certificate and runs it with one; the provider sends the certificate from
// `failover-drill:kekCertificatePfx` (TestFailoverInputs.kekCertificatePfx) as primaryKekCertificatePfx
// for exactly the encrypted items, and never writes it to its outputs.
import * as provider from "../../components/asr/provider";
import { ASR, createTestNetwork, deps, http, item, itemInputs, planInputs, RunningTwin, startContosoTwin } from "./asr/twinHarness";

const d = describe;
jest.setTimeout(180_000);

// A stand-in certificate: the twin checks that a base-64 PFX is present, not which one (twin/README.md).
const KEK = Buffer.from("failover-drill test KEK certificate, not a real PFX").toString("base64");

const tfoBody = (networkId: string, psd: Record<string, unknown> = {}) => ({
  properties: {
    failoverDirection: "PrimaryToRecovery",
    networkType: "VmNetworkAsInput",
    networkId,
    providerSpecificDetails: { instanceType: "HyperVReplicaAzure", ...psd },
  },
});
const firstId = (h: string | null) => (h ?? "").split(",")[0].trim();

async function waitForJob(twin: RunningTwin, jobId: string): Promise<any> {
  for (let i = 0; i < 400; i++) {
    const j = (await http(twin, "GET", `${jobId}?${ASR}`)).body;
    if (["Succeeded", "Failed"].includes(j?.properties?.state)) return j;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${jobId} did not finish`);
}

/** The bodies of the testFailover POSTs, as the twin's request log keeps them (secrets redacted). */
async function testFailoverPosts(twin: RunningTwin): Promise<{ path: string; body: any }[]> {
  const r = await http(twin, "GET", "/_twin/requests");
  const list: any[] = Array.isArray(r.body) ? r.body : (r.body?.requests ?? r.body?.value ?? []);
  return list
    .filter((x) => x.method === "POST" && /\/testFailover$/i.test(String(x.path).split("?")[0]))
    .map((x) => ({ path: x.path, body: typeof x.body === "string" ? JSON.parse(x.body) : x.body }));
}

const encryptApp01 = (fx: any) => {
  fx.items.find((i: any) => i.name === "APP01").encryption = "Enabled";
};

d("data encryption: the KEK certificate", () => {
  let twin: RunningTwin;
  afterEach(async () => {
    await twin?.stop();
  });

  it("twin: an encrypted item's test failover fails without primaryKekCertificatePfx and succeeds with it", async () => {
    twin = await startContosoTwin(300, encryptApp01);
    const net = await createTestNetwork(twin);
    const app = await item(twin, "APP01");
    const without = await http(twin, "POST", `${app.id}/testFailover?${ASR}`, tfoBody(net.id));
    expect(without.status).toBe(202);
    const failed = await waitForJob(twin, firstId(without.headers.get("x-ms-request-id")));
    expect(failed.properties.state).toBe("Failed");
    expect(JSON.stringify(failed.properties.errors)).toMatch(/DataEncryptionKekCertificateMissing/);
    expect((await item(twin, "APP01")).properties.allowedOperations).toContain("TestFailover");

    // An empty certificate is none (older PowerShell cmdlets sent string.Empty): the same job failure.
    const empty = await http(twin, "POST", `${app.id}/testFailover?${ASR}`, tfoBody(net.id, { primaryKekCertificatePfx: "" }));
    expect(empty.status).toBe(202);
    expect(JSON.stringify((await waitForJob(twin, firstId(empty.headers.get("x-ms-request-id")))).properties.errors)).toMatch(
      /DataEncryptionKekCertificateMissing/,
    );

    const bad = await http(twin, "POST", `${app.id}/testFailover?${ASR}`, tfoBody(net.id, { primaryKekCertificatePfx: "not base 64!" }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("InvalidRequestContent");

    const withKek = await http(twin, "POST", `${app.id}/testFailover?${ASR}`, tfoBody(net.id, { primaryKekCertificatePfx: KEK }));
    expect(withKek.status).toBe(202);
    expect((await waitForJob(twin, firstId(withKek.headers.get("x-ms-request-id")))).properties.state).toBe("Succeeded");
    // The twin keeps that a certificate came, never the certificate (its state is persisted to disk).
    expect(JSON.stringify(await http(twin, "GET", "/_twin/requests"))).not.toContain(KEK);
  });

  it("provider: without the KEK the item is refused naming failover-drill:kekCertificatePfx; with it the certificate goes to that item only and stays out of the outputs", async () => {
    twin = await startContosoTwin(300, encryptApp01);
    const net = await createTestNetwork(twin);
    const inputs = await itemInputs(twin, ["APP01", "WEB01"], net, { recoveryPointType: "Latest" });
    expect(
      provider
        .check({}, inputs as never)
        .failures.map((f) => f.reason)
        .join(),
    ).toMatch(/APP01: .*primaryKekCertificatePfx.*failover-drill:kekCertificatePfx is not set; set it as a secret/);

    const withKek = { ...inputs, kekCertificatePfx: KEK };
    expect(provider.check({}, withKek as never).failures).toEqual([]);
    const { id, outs } = await provider.create(withKek as never, deps());
    expect(outs.verdict).toBe("passed");
    expect(JSON.stringify(outs)).not.toContain(KEK);
    expect(Object.keys(outs)).not.toContain("kekCertificatePfx");

    const bodies = await testFailoverPosts(twin);
    const app = (await item(twin, "APP01")).id.toLowerCase();
    const toApp = bodies.filter((b) => b.path.toLowerCase().startsWith(app));
    const toWeb = bodies.filter((b) => !b.path.toLowerCase().startsWith(app));
    expect(toApp).toHaveLength(1);
    expect(toApp[0].body.properties.providerSpecificDetails.primaryKekCertificatePfx).toBe("[redacted]");
    expect(toWeb).toHaveLength(1);
    expect(toWeb[0].body.properties.providerSpecificDetails).not.toHaveProperty("primaryKekCertificatePfx");

    // A certificate change alone is no reason to re-run or re-verify the drill.
    expect(
      provider.diff(id, outs as never, { ...withKek, kekCertificatePfx: Buffer.from("rotated").toString("base64") } as never).changes,
    ).toBe(false);
    await provider.delete(id, outs as never, deps());
  });

  it("provider: a recovery plan holding an encrypted item sends the certificate with the plan's HyperVReplicaAzure input", async () => {
    twin = await startContosoTwin(300, encryptApp01);
    const net = await createTestNetwork(twin);
    const inputs = { ...(await planInputs(twin, "rp-contoso-tier1", net, { recoveryPointType: "Latest" })), kekCertificatePfx: KEK };
    const { id, outs } = await provider.create(inputs as never, deps());
    expect(outs.verdict).toBe("passed");
    const [plan] = await testFailoverPosts(twin);
    expect(plan.path).toMatch(/replicationRecoveryPlans\/rp-contoso-tier1\/testFailover/i);
    expect(plan.body.properties.providerSpecificDetails).toEqual([
      expect.objectContaining({ instanceType: "HyperVReplicaAzure", primaryKekCertificatePfx: "[redacted]" }),
    ]);
    await provider.delete(id, outs as never, deps());
  });
});
