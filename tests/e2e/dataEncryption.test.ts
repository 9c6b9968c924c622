// A data-encrypted item (providerSpecificDetails.encryption "Enabled") on the twin through the real CLI:
// refused in preview without failover-drill:kekCertificatePfx (and with it stored in plain text), drilled
// with it as a secret - and the certificate appears in no stack output, in no TestFailover output (what the
// drill report reads), and in the state only encrypted.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { startTwin, CONTOSO_FIXTURE, type TwinHandle } from "../../twin";
import { PulumiWorkspace, ROOT, twinModeEnv } from "./harness";
import { TEST_FAILOVER_TYPE } from "../../components/drillTypes";

const KEY = "failover-drill:kekCertificatePfx";
const KEK = Buffer.from(`e2e KEK certificate ${process.pid}`).toString("base64");

function stackWith(name: string, edit: (config: Record<string, any>) => void): string {
  const doc = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.test.yaml"), "utf8"));
  edit(doc.config);
  fs.writeFileSync(
    path.join(ROOT, `Pulumi.${name}.yaml`),
    YAML.stringify(doc, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }),
  );
  return name;
}

describe("a data-encrypted item and the KEK certificate", () => {
  let twin: TwinHandle;
  let ws: PulumiWorkspace;
  beforeAll(async () => {
    const fx = YAML.parse(fs.readFileSync(CONTOSO_FIXTURE, "utf8"));
    fx.items.find((i: any) => i.name === "APP01").encryption = "Enabled";
    twin = await startTwin({ port: 0, fixture: fx, speed: 120, quiet: true });
    const stack = stackWith(`e2e-kek-${process.pid}`, (c) => {
      c["failover-drill:scope"] = { items: [{ friendlyName: "APP01" }], recoveryPointType: "Latest" };
      delete c["failover-drill:directoryCopy"];
      c["failover-drill:expected"] = [{ friendlyName: "APP01" }];
    });
    const mode = twinModeEnv(twin);
    ws = new PulumiWorkspace({ program: ROOT, stack, env: mode.env, extraPath: mode.extraPath });
    await ws.init();
  });
  afterAll(async () => {
    await ws?.dispose();
    await twin?.stop();
  });

  it("without the key: refused in preview naming it; stored in plain text: refused without showing it", async () => {
    const none = await ws.pulumi(["preview"]);
    expect(none.code).not.toBe(0);
    expect(none.output).toMatch(
      /APP01: providerSpecificDetails\.encryption is "Enabled": .*failover-drill:kekCertificatePfx is not set; set it as a secret/,
    );

    expect((await ws.pulumi(["config", "set", KEY, KEK])).code).toBe(0);
    const plain = await ws.pulumi(["preview"]);
    expect(plain.code).not.toBe(0);
    expect(plain.output).toMatch(/failover-drill:kekCertificatePfx: \[secret\] is stored in plain text; store it as a secret/);
    expect(plain.output).not.toContain(KEK);
  });

  it("as a secret: the drill passes, and the certificate is in no output and only encrypted in the state", async () => {
    expect((await ws.pulumi(["config", "set", "--secret", KEY, KEK])).code).toBe(0);
    const up = await ws.pulumi(["up", "--yes", "--skip-preview", "--policy-pack", "policy"]);
    expect(up.output).not.toMatch(/\[mandatory\]/);
    expect(up.code).toBe(0);
    expect(up.output).not.toContain(KEK);

    const outputs = await ws.outputs();
    expect(outputs.verdict).toBe("passed");
    expect(Object.values(outputs.applicationTestFailovers as Record<string, { verdict: string }>).map((t) => t.verdict)).toEqual([
      "passed",
    ]);
    expect(JSON.stringify(outputs)).not.toContain(KEK);
    // What the drill report reads: the TestFailover resources' outputs, secrets shown.
    const tfos = (await ws.resources()).filter((r) => r.type === TEST_FAILOVER_TYPE);
    expect(tfos).toHaveLength(1);
    expect(JSON.stringify(tfos[0].outputs)).not.toContain(KEK);
    const exported = await ws.pulumi(["stack", "export"]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).not.toContain(KEK);

    const destroy = await ws.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.code).toBe(0);
  });
});
