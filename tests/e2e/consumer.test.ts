// A DR team's own project (examples/consumer) on the packed packages, through the real CLI on the twin:
// `npm pack` of this repository (failover-drill), its policy pack (failover-drill-policy) and the contract
// the pack depends on (failover-drill-contract); a temporary copy of the example installs the three
// tarballs from the local npm cache; then `pulumi preview --policy-pack <the installed pack>`, `up` and
// `destroy`. It proves the package works away from this checkout: the program loads DrDrill from
// node_modules, the TestFailover provider finds failover-drill/provider there, the pack runs as plain JS.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiWorkspace, ROOT, runCommand, startTwinForE2E, twinArm, twinModeEnv, type E2ETwin } from "./harness";

const EXAMPLE = path.join(ROOT, "examples", "consumer");
const SUB = "/subscriptions/11111111-1111-1111-1111-111111111111";
const VNET = `${SUB}/resourceGroups/contoso-drill-rg/providers/Microsoft.Network/virtualNetworks/contoso-drill-vnet?api-version=2024-05-01`;
/** Packages whose repository form is TypeScript sources; their prepack compiles JS beside them. */
const SOURCE_PACKAGES = [path.join(ROOT, "policy"), path.join(ROOT, "components", "contract")];

async function npm(args: string[], cwd: string): Promise<string> {
  const r = await runCommand("npm", [...args, "--no-audit", "--no-fund"], { cwd });
  if (r.code !== 0) throw new Error(`npm ${args.join(" ")} in ${cwd} failed (exit ${r.code}):\n${r.output}`);
  return r.output;
}

/** Every file under dir (node_modules of nested packages excluded), relative to dir. */
function filesUnder(dir: string, rel = ""): string[] {
  return fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) =>
      e.name === "node_modules" ? [] : e.isDirectory() ? filesUnder(dir, path.join(rel, e.name)) : [path.join(rel, e.name)],
    );
}

describe("a user's own project on the packed packages (examples/consumer)", () => {
  let project: string;
  let twin: E2ETwin | undefined;
  let ws: PulumiWorkspace | undefined;
  const seconds: Record<string, number> = {};
  const timed = async <T>(step: string, f: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await f();
    } finally {
      seconds[step] = (Date.now() - t) / 1000;
    }
  };

  beforeAll(async () => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-consumer-"));
    for (const f of fs.readdirSync(EXAMPLE)) fs.copyFileSync(path.join(EXAMPLE, f), path.join(project, f));
    await timed("npm pack (package, policy pack, contract)", async () => {
      try {
        for (const dir of [ROOT, ...SOURCE_PACKAGES]) await npm(["pack", "--pack-destination", project], dir);
      } finally {
        // postpack does this after a good pack; after a failed one, JS beside the sources would shadow them.
        for (const dir of SOURCE_PACKAGES)
          await runCommand(process.execPath, [path.join(ROOT, "scripts", "removeCompiledBesideSources.js"), dir], { cwd: dir });
      }
    });
    // The npm cache holds every dependency after this repository's own install; the registry is the fallback.
    await timed("npm install", () => npm(["install", "--prefer-offline"], project));
    twin = await startTwinForE2E();
    const mode = twinModeEnv(twin);
    ws = new PulumiWorkspace({ program: project, stack: "twin", env: mode.env, extraPath: mode.extraPath });
    await ws.init();
  }, 600_000);

  afterAll(async () => {
    await ws?.dispose();
    await twin?.stop();
    if (project) fs.rmSync(project, { recursive: true, force: true });
    process.stdout.write(`consumer e2e seconds: ${JSON.stringify(seconds)}\n`);
  });

  it("installs the packages as built JavaScript with declarations, no TypeScript sources and no path into this checkout", () => {
    const modules = path.join(project, "node_modules");
    const pkg = JSON.parse(fs.readFileSync(path.join(modules, "failover-drill", "package.json"), "utf8"));
    expect(Object.keys(pkg.exports).sort()).toEqual([".", "./contract", "./package.json", "./provider"]);
    for (const target of [
      pkg.exports["."].default,
      pkg.exports["."].types,
      pkg.exports["./provider"].default,
      pkg.exports["./contract"].default,
    ]) {
      expect(fs.existsSync(path.join(modules, "failover-drill", target))).toBe(true);
    }
    for (const name of ["failover-drill-policy", "failover-drill-contract"]) {
      const files = filesUnder(path.join(modules, name));
      expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
      expect(files).toContain("index.js");
    }
    // The pack's dependency on the contract is a version, satisfied by the installed contract tarball.
    expect(
      JSON.parse(fs.readFileSync(path.join(modules, "failover-drill-policy", "package.json"), "utf8")).dependencies[
        "failover-drill-contract"
      ],
    ).toBe("0.1.0");
    expect(fs.realpathSync(path.join(modules, "failover-drill-contract"))).toBe(
      path.join(fs.realpathSync(modules), "failover-drill-contract"),
    );
  });

  it("pulumi preview --policy-pack <the installed pack> passes and writes nothing", async () => {
    const preview = await timed("preview", () =>
      ws!.pulumi(["preview", "--policy-pack", path.join(project, "node_modules", "failover-drill-policy")]),
    );
    expect(preview.output).not.toMatch(/\[mandatory\]/);
    expect(preview.output).toMatch(/Policies:|failover-drill/);
    expect(preview.code).toBe(0);
    expect((await twinArm(twin!, "GET", VNET)).status).toBe(404);
  });

  it("pulumi up runs the drill from the user's node_modules and it passes", async () => {
    const up = await timed("up", () =>
      ws!.pulumi(["up", "--yes", "--skip-preview", "--policy-pack", path.join(project, "node_modules", "failover-drill-policy")]),
    );
    if (up.code !== 0) throw new Error(`pulumi up failed:\n${up.output}`);
    const outputs = (await ws!.outputs()) as Record<string, any>;
    expect(outputs.drillId).toBe("contoso-tier1");
    const app = Object.values(outputs.applicationTestFailovers as Record<string, { verdict: string; failures: number; testVms: number }>);
    expect({
      verdict: outputs.verdict,
      dc: outputs.directoryCopyTestFailover.verdict,
      app: app.map((a) => [a.verdict, a.failures, a.testVms]),
    }).toEqual({ verdict: "passed", dc: "passed", app: [["passed", 0, 3]] });
    // Per-VM detail is in the TestFailover resource's state (the exported deployment), not in the outputs.
    const resources = await ws!.resources();
    const appTfo = resources.find(
      (r) => r.type === "pulumi-nodejs:dynamic/drill:TestFailover" && (r.outputs as { role?: string })?.role === "application",
    );
    expect(((appTfo?.outputs as { testVms?: { friendlyName: string }[] })?.testVms ?? []).map((v) => v.friendlyName).sort()).toEqual([
      "APP01",
      "SQL01",
      "WEB01",
    ]);
    // The provider's state holds no path of this machine: it loads failover-drill/provider by resolution.
    const tfo = resources.find((r) => r.type === "pulumi-nodejs:dynamic/drill:TestFailover") as { outputs?: { __provider?: string } };
    expect(tfo.outputs?.__provider).toContain("failover-drill/provider");
    expect(tfo.outputs?.__provider).not.toContain(project);
    expect(tfo.outputs?.__provider).not.toContain(ROOT);
  });

  it("pulumi destroy cleans up and leaves nothing of the drill", async () => {
    const destroy = await timed("destroy", () => ws!.pulumi(["destroy", "--yes", "--skip-preview"]));
    if (destroy.code !== 0) throw new Error(`pulumi destroy failed:\n${destroy.output}`);
    expect(await ws!.resources()).toEqual([]);
    expect((await twinArm(twin!, "GET", VNET)).status).toBe(404);
    const vms = (await twinArm(twin!, "GET", `${SUB}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01`)).body.value as {
      name: string;
    }[];
    expect(vms.filter((v) => v.name.endsWith("-test"))).toEqual([]);
  });
});
