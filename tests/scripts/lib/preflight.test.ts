// Bad input refused before anything is written: stand-in plugins on PATH for a stack that talks to Azure
// (and the reverse), a missing real plugin, no credential.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { STAND_IN_PLUGINS } from "../../../scripts/lib/drillWorld";
import {
  credentialFound,
  pluginsMatchTheStack,
  runPreflight,
  type PreflightCheck,
  type PreflightContext,
} from "../../../scripts/lib/preflight";
import { BadInputError } from "../../../scripts/lib/runnerErrors";

const AZURE = { endpoint: "https://management.azure.com", credentialMode: "default" as const, cloud: "AzureCloud" as const };
const LOCAL = { endpoint: "http://127.0.0.1:4000", credentialMode: "staticToken" as const, tokenVariable: "PREFLIGHT_TEST_TOKEN" };

function fakePlugins(): { dir: string; home: string; dispose: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-"));
  const dir = path.join(root, "bin");
  fs.mkdirSync(dir);
  for (const p of ["azure-native", "random"]) fs.writeFileSync(path.join(dir, `pulumi-resource-${p}`), "#!/bin/sh\n", { mode: 0o755 });
  const home = path.join(root, "home");
  fs.mkdirSync(home);
  return { dir, home, dispose: () => fs.rmSync(root, { recursive: true, force: true }) };
}

function ctx(over: Partial<PreflightContext>): PreflightContext {
  return { stack: "contoso-tier1", arm: AZURE, env: { PATH: "/usr/bin" }, plugins: "real", ...over };
}

describe("pluginsMatchTheStack", () => {
  it("refuses the stand-in plugins on PATH for a stack that talks to Azure", async () => {
    const problems = await pluginsMatchTheStack(ctx({ env: { PATH: `${STAND_IN_PLUGINS}${path.delimiter}/usr/bin` } }));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /stack contoso-tier1 talks to https:\/\/management\.azure\.com, but the stand-in plugin .*pulumi-resource-azure-native is first on PATH: remove .* from PATH/,
    );
  });

  it("accepts real plugins first on PATH, and asks for them when none is installed", async () => {
    const real = fakePlugins();
    try {
      expect(
        await pluginsMatchTheStack(ctx({ env: { PATH: `${real.dir}${path.delimiter}${STAND_IN_PLUGINS}`, PULUMI_HOME: real.home } })),
      ).toEqual([]);
      const missing = await pluginsMatchTheStack(ctx({ env: { PATH: "/usr/bin", PULUMI_HOME: real.home } }));
      expect(missing[0]).toMatch(
        /needs the azure-native plugin v3\.28\.0, which is not installed in .*: run PULUMI_HOME=.* pulumi plugin install resource azure-native 3\.28\.0/,
      );
      fs.mkdirSync(path.join(real.home, "plugins", "resource-azure-native-v3.28.0"), { recursive: true });
      fs.mkdirSync(path.join(real.home, "plugins", "resource-random-v4.21.2"), { recursive: true });
      expect(await pluginsMatchTheStack(ctx({ env: { PATH: "/usr/bin", PULUMI_HOME: real.home } }))).toEqual([]);
    } finally {
      real.dispose();
    }
  });

  it("refuses the reverse: a local-endpoint stack whose first plugin on PATH is not the stand-in", async () => {
    const real = fakePlugins();
    try {
      const problems = await pluginsMatchTheStack(
        ctx({ arm: LOCAL, plugins: "stand-in", env: { PATH: `${real.dir}${path.delimiter}${STAND_IN_PLUGINS}` } }),
      );
      expect(problems[0]).toMatch(
        /runs on a local endpoint, but the plugin first on PATH is .*preflight-.*pulumi-resource-azure-native, not the stand-in/,
      );
      expect(
        await pluginsMatchTheStack(
          ctx({ arm: LOCAL, plugins: "stand-in", env: { PATH: `${STAND_IN_PLUGINS}${path.delimiter}${real.dir}` } }),
        ),
      ).toEqual([]);
    } finally {
      real.dispose();
    }
  });
});

describe("credentialFound", () => {
  it("staticToken: the variable the stack names must hold a token", async () => {
    expect(await credentialFound(ctx({ arm: LOCAL, env: {} }))).toEqual([
      "no credential: stack contoso-tier1 reads its ARM token from the environment variable PREFLIGHT_TEST_TOKEN (failover-drill:arm.tokenVariable), which is empty or not set",
    ]);
    expect(await credentialFound(ctx({ arm: LOCAL, env: { PREFLIGHT_TEST_TOKEN: "t" } }))).toEqual([]);
  });

  it("default: no identity DefaultAzureCredential can find is one clear problem naming the cloud and the fix", async () => {
    // No Azure CLI login, no environment credential, no managed identity on this machine.
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (/^(AZURE_|IDENTITY_|MSI_)/.test(k)) delete process.env[k];
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = "";
    try {
      const problems = await credentialFound(
        ctx({ arm: { ...AZURE, cloud: "AzureUSGovernment", endpoint: "https://management.usgovcloudapi.net" } }),
      );
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(
        /^no credential found for AzureUSGovernment \(https:\/\/management\.usgovcloudapi\.net\/\.default\): .* sign in with `az login` \(after `az cloud set --name AzureUSGovernment`\)/,
      );
    } finally {
      process.env = saved;
    }
  }, 90_000);

  it("runPreflight reports every problem at once as bad input", async () => {
    const run = runPreflight(ctx({ arm: LOCAL, plugins: "stand-in", env: { PATH: "/usr/bin" } }));
    await expect(run).rejects.toThrow(BadInputError);
    await expect(runPreflight(ctx({ arm: LOCAL, plugins: "stand-in", env: { PATH: "/usr/bin" } }))).rejects.toThrow(
      /^3 problems before anything was written:/,
    );
  });

  it("a check's own exit code (the evidence store's) applies when its problems are the only ones", async () => {
    const store: PreflightCheck = Object.assign(async () => ["the evidence store is not writable"], { exitCode: 14 });
    const fine: PreflightCheck = async () => [];
    const bad: PreflightCheck = async () => ["no credential"];
    await expect(runPreflight(ctx({ arm: LOCAL, plugins: "stand-in" }), [fine, store])).rejects.toMatchObject({
      name: "BadInputError",
      exitCode: 14,
      message: "the evidence store is not writable",
    });
    await expect(runPreflight(ctx({ arm: LOCAL, plugins: "stand-in" }), [bad, store])).rejects.toMatchObject({
      exitCode: undefined,
      message: expect.stringMatching(/^2 problems/),
    });
    await expect(runPreflight(ctx({ arm: LOCAL, plugins: "stand-in" }), [bad])).rejects.toMatchObject({ exitCode: undefined });
  });
});
