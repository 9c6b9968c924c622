// Bad input, table-driven: invalid stack configs, fixtures the drill must refuse, an unreachable endpoint
// and a bad credential. Each case runs `pulumi up --yes --skip-preview` (the strongest form: even `up`
// must not write) on the Contoso program against a twin and must fail with a message naming the config
// path or the cause, and the twin's request log must show no PUT/POST/PATCH/DELETE for that case.
// Two workers, each with its own in-process twin and backend, run the cases side by side.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { PulumiStack, pulumiEnv, ROOT, type CommandResult } from "../../scripts/lib/pulumiCli";

const TOKEN = "failover-drill-twin";
const WORKERS = Number(process.env.BAD_INPUT_WORKERS ?? 2);

type Config = Record<string, any>;
type FixtureKind = "contoso" | "plan101" | "unicodeVm" | "unhealthy";

interface Case {
  name: string;
  /** Mutates a copy of Pulumi.test.yaml's config (keys are `failover-drill:<key>`). */
  config?: (c: Config) => void;
  env?: Record<string, string>;
  fixture?: FixtureKind;
  /** Run with `--policy-pack policy` (rules the pack enforces). */
  pack?: boolean;
  expect: RegExp;
}

const K = (key: string) => `failover-drill:${key}`;
const del = (key: string) => (c: Config) => void delete c[K(key)];
const set = (key: string, pathParts: (string | number)[], value: unknown) => (c: Config) => {
  if (pathParts.length === 0) {
    c[K(key)] = value;
    return;
  }
  let cur = c[K(key)];
  for (const p of pathParts.slice(0, -1)) cur = cur[p];
  cur[pathParts[pathParts.length - 1]] = value;
};
const path_ = (p: string) => new RegExp(p.replace(/[.[\]]/g, (m) => `\\${m}`));

const CASES: Case[] = [
  // vault
  { name: "vault.subscriptionId not a GUID", config: set("vault", ["subscriptionId"], "not-a-guid"), expect: path_("failover-drill:vault.subscriptionId") },
  { name: "vault missing", config: del("vault"), expect: /failover-drill:vault: missing/ },
  { name: "vault.name starting with a digit", config: set("vault", ["name"], "1-vault"), expect: path_("failover-drill:vault.name") },
  { name: "vault.resourceGroup ending in a period", config: set("vault", ["resourceGroup"], "contoso-dr."), expect: path_("failover-drill:vault.resourceGroup") },
  { name: "vault with a misspelt key", config: (c) => void (c[K("vault")].nmae = "x"), expect: path_("failover-drill:vault.nmae") },
  { name: "vault.subscriptionId a number (wrong type)", config: set("vault", ["subscriptionId"], 42), expect: path_("failover-drill:vault.subscriptionId") },
  // arm, location, drill
  { name: "arm.credentialMode unknown", config: set("arm", ["credentialMode"], "password"), expect: path_("failover-drill:arm.credentialMode") },
  { name: "location with spaces and capitals", config: set("location", [], "West Europe"), expect: path_("failover-drill:location") },
  { name: "drill.id with capitals and underscore", config: set("drill", ["id"], "Contoso_Tier1"), expect: path_("failover-drill:drill.id") },
  { name: "drill.owner empty", config: set("drill", ["owner"], ""), expect: path_("failover-drill:drill.owner") },
  { name: "drill.expiry not ISO 8601", config: set("drill", ["expiry"], "31/12/2030"), expect: path_("failover-drill:drill.expiry") },
  { name: "drill missing", config: del("drill"), expect: /failover-drill:drill: missing/ },
  // scope
  { name: "scope sets both recoveryPlan and items", config: set("scope", ["items"], [{ friendlyName: "APP01" }]), expect: /failover-drill:scope: .*sets both/ },
  { name: "scope sets neither", config: set("scope", [], { recoveryPointType: "LatestProcessed" }), expect: /failover-drill:scope: .*must set recoveryPlan/ },
  { name: "scope.items empty", config: set("scope", [], { items: [] }), expect: path_("failover-drill:scope.items") },
  { name: "scope.items[0] with only fabricName", config: set("scope", [], { items: [{ fabricName: "f" }] }), expect: path_("failover-drill:scope.items[0]") },
  { name: "scope.recoveryPointType unknown", config: set("scope", ["recoveryPointType"], "Newest"), expect: path_("failover-drill:scope.recoveryPointType") },
  { name: "scope.recoveryPlan unknown", config: set("scope", ["recoveryPlan"], "rp-does-not-exist"), expect: /failover-drill:scope\.recoveryPlan.*rp-does-not-exist/ },
  { name: "scope.items unknown item", config: set("scope", [], { items: [{ friendlyName: "NOPE01" }] }), expect: /failover-drill:scope\.items\[0\].*NOPE01.*matches no protected item/ },
  { name: "scope.items unicode name", config: set("scope", [], { items: [{ friendlyName: "ÄPP01" }] }), expect: /failover-drill:scope\.items\[0\].*matches no protected item/ },
  { name: "scope.items repeated", config: set("scope", [], { items: [{ friendlyName: "APP01" }, { friendlyName: "app01" }] }), expect: path_("failover-drill:scope.items[1]") },
  // test network
  { name: "addressSpace prefix length 33", config: set("testNetwork", ["addressSpace"], "10.10.0.0/33"), expect: path_("failover-drill:testNetwork.addressSpace") },
  { name: "addressSpace host bits set", config: set("testNetwork", ["addressSpace"], "10.10.0.1/16"), expect: path_("failover-drill:testNetwork.addressSpace") },
  { name: "addressSpace not a CIDR", config: set("testNetwork", ["addressSpace"], "banana"), expect: path_("failover-drill:testNetwork.addressSpace") },
  { name: "addressSpace entries overlap", config: set("testNetwork", ["addressSpace"], ["10.10.0.0/16", "10.10.128.0/17"]), expect: path_("failover-drill:testNetwork.addressSpace[1]") },
  { name: "subnet prefix outside the address space", config: set("testNetwork", ["subnets", 0, "prefix"], "10.99.1.0/24"), expect: path_("failover-drill:testNetwork.subnets[0].prefix") },
  { name: "subnet prefix smaller than /29", config: set("testNetwork", ["subnets", 0, "prefix"], "10.10.1.0/30"), expect: path_("failover-drill:testNetwork.subnets[0].prefix") },
  { name: "subnets overlap", config: set("testNetwork", ["subnets", 1, "prefix"], "10.10.1.128/25"), expect: path_("failover-drill:testNetwork.subnets[1].prefix") },
  { name: "subnet named GatewaySubnet", config: set("testNetwork", ["subnets", 0, "name"], "GatewaySubnet"), expect: path_("failover-drill:testNetwork.subnets[0].name") },
  { name: "subnet prefix a number (wrong type)", config: set("testNetwork", ["subnets", 0, "prefix"], 24), expect: path_("failover-drill:testNetwork.subnets[0].prefix") },
  { name: "testNetwork.vnetName missing", config: (c) => void delete c[K("testNetwork")].vnetName, expect: path_("failover-drill:testNetwork.vnetName") },
  { name: "testNetwork.vnetName unicode", config: set("testNetwork", ["vnetName"], "тест-vnet"), expect: path_("failover-drill:testNetwork.vnetName") },
  { name: "allowList open to the Internet", config: set("testNetwork", ["allowList", 0, "remoteAddress"], "0.0.0.0/0"), expect: path_("failover-drill:testNetwork.allowList[0].remoteAddress") },
  { name: "allowList remote address 300.1.1.1", config: set("testNetwork", ["allowList", 0, "remoteAddress"], "300.1.1.1"), expect: path_("failover-drill:testNetwork.allowList[0].remoteAddress") },
  { name: "allowList ports not a port", config: set("testNetwork", ["allowList", 0, "ports"], "rdp"), expect: path_("failover-drill:testNetwork.allowList[0].ports") },
  { name: "allowList priority at the deny rules", config: set("testNetwork", ["allowList", 0, "priority"], 4000), expect: path_("failover-drill:testNetwork.allowList[0].priority") },
  {
    name: "production recovery network as the test network",
    config: (c) => {
      delete c[K("testNetwork")].resourceGroup;
      c[K("testNetwork")].existingResourceGroup = "contoso-network";
      c[K("testNetwork")].vnetName = "contoso-recovery-vnet";
    },
    expect: /production|recovery network|contoso-recovery-vnet/i,
  },
  // directory copy, storage, expected, notes, timeouts
  { name: "directoryCopy testIp not an address", config: set("directoryCopy", ["items", 0, "testIp"], "10.10.1.300"), expect: path_("failover-drill:directoryCopy.items[0].testIp") },
  { name: "directoryCopy testIp outside its subnet", config: set("directoryCopy", ["items", 0, "testIp"], "10.10.3.4"), expect: path_("failover-drill:directoryCopy.items[0].testIp") },
  { name: "directoryCopy subnet unknown", config: set("directoryCopy", ["subnet"], "snet-nope"), expect: path_("failover-drill:directoryCopy.subnet") },
  { name: "storage.accountNamePrefix with capitals", config: set("storage", ["accountNamePrefix"], "Contoso_Drill"), expect: path_("failover-drill:storage.accountNamePrefix") },
  { name: "storage.container with underscore", config: set("storage", ["container"], "Drill_Evidence"), expect: path_("failover-drill:storage.container") },
  { name: "expected nicCount 9", config: set("expected", [0, "nicCount"], 9), expect: path_("failover-drill:expected[0].nicCount") },
  { name: "expected size not an Azure size", config: set("expected", [0, "size"], "D2s_v3"), expect: path_("failover-drill:expected[0].size") },
  { name: "expected ip not an address", config: set("expected", [1, "ip"], "10.10.2.999"), expect: path_("failover-drill:expected[1].ip") },
  { name: "expected item not in the drill", config: (c) => void c[K("expected")].push({ friendlyName: "ZZZ01" }), expect: /failover-drill:expected\[4\]\.friendlyName.*ZZZ01.*not an item of this drill/ },
  { name: "notes over 1024 characters", config: set("notes", [], "n".repeat(1025)), expect: /failover-drill:notes.*1024/ },
  { name: "rtoTargetMinutes not a number", config: set("rtoTargetMinutes", [], "soon"), expect: path_("failover-drill:rtoTargetMinutes") },
  { name: "timeouts.testFailoverMinutes 0", config: set("timeouts", ["testFailoverMinutes"], 0), expect: path_("failover-drill:timeouts.testFailoverMinutes") },
  // fixtures the drill must refuse
  { name: "recovery plan over 100 items", fixture: "plan101", expect: /failover-drill:scope\.recoveryPlan.*101.*100/ },
  { name: "unicode recovery VM name", fixture: "unicodeVm", pack: true, config: set("scope", [], { items: [{ friendlyName: "APP01" }] }), expect: /vm-name|VM name|ä/i },
  { name: "SSE replication storage with managed disks (FILE01)", pack: true, config: set("scope", [], { items: [{ friendlyName: "FILE01" }] }), expect: /managed-disks-blocked-by-sse-replication-storage/ },
  // endpoint and credential
  { name: "unreachable ARM endpoint", env: { FAILOVER_DRILL_ARM_ENDPOINT: "http://127.0.0.1:9" }, expect: /ECONNREFUSED|127\.0\.0\.1:9|connect/i },
  { name: "bad credential", env: { FAILOVER_DRILL_TWIN_TOKEN: "not-the-token" }, expect: /401|InvalidAuthenticationToken|AuthenticationFailed/ },
  { name: "plain-http endpoint that is not a twin", config: set("arm", [], { credentialMode: "default", endpoint: "http://management.example.com" }), env: { FAILOVER_DRILL_ARM_ENDPOINT: "" }, expect: /failover-drill:arm|https/i },
];

// ------------------------------------------------------------------------------------------ fixtures

const CONTOSO_YAML = path.join(ROOT, "twin", "fixtures", "contoso.yaml");

async function fixtureFor(kind: FixtureKind, dir: string): Promise<{ fixture: string | object; stateDir?: string; config?: (c: Config) => void }> {
  if (kind === "contoso") return { fixture: CONTOSO_YAML };
  if (kind === "unicodeVm" || kind === "unhealthy") {
    const f = YAML.parse(fs.readFileSync(CONTOSO_YAML, "utf8"));
    const app = f.items.find((i: any) => i.name === "APP01");
    if (kind === "unicodeVm") app.recoveryVmName = "app-ä01";
    else app.unhealthy = true;
    return { fixture: f };
  }
  // plan101: ASR refuses plans over 100 items, and so does the twin's fixture loader; the drill must
  // refuse one anyway (defence in depth). Load a 100-item plan, then add item 101 in the saved state.
  const { generateEstate } = await import("../../twin/fixtures/generate");
  const { startTwin } = await import("../../twin");
  const estate = generateEstate({ items: 101, plans: 1, itemsPerPlan: 100 });
  const stateDir = path.join(dir, "plan101");
  const t = await startTwin({ port: 0, stateDir, fixture: estate, quiet: true });
  await t.stop();
  const file = path.join(stateDir, "twin-state.json");
  const state = JSON.parse(fs.readFileSync(file, "utf8"));
  let plan: any;
  let extra: any;
  const walk = (o: any) => {
    if (!o || typeof o !== "object") return;
    if (typeof o.id === "string" && /replicationRecoveryPlans\/rp-synthetic-1$/i.test(o.id) && o.properties?.groups) plan = o;
    if (typeof o.id === "string" && /replicationProtectedItems\//i.test(o.id) && o.properties?.friendlyName === "VM00101") extra = o;
    for (const v of Object.values(o)) walk(v);
  };
  walk(state);
  if (!plan || !extra) throw new Error("plan101: plan or item 101 not found in the twin state");
  const group = plan.properties.groups.find((g: any) => (g.replicationProtectedItems ?? []).length > 0);
  group.replicationProtectedItems.push({ id: extra.id, virtualMachineId: extra.properties?.providerSpecificDetails?.vmId ?? extra.name });
  fs.writeFileSync(file, JSON.stringify(state));
  return {
    fixture: estate,
    stateDir,
    config: (c) => {
      c[K("vault")] = { subscriptionId: estate.subscriptionId, resourceGroup: estate.vault.resourceGroup, name: estate.vault.name };
      c[K("scope")] = { recoveryPlan: "rp-synthetic-1", recoveryPointType: "LatestProcessed" };
      delete c[K("directoryCopy")];
      c[K("expected")] = [];
    },
  };
}

// ------------------------------------------------------------------------------------------ runner

interface Outcome {
  name: string;
  code: number;
  matched: boolean;
  writes: string[];
  output: string;
  error?: string;
}

interface LogEntry {
  seq: number;
  method: string;
  path: string;
}

interface Worker {
  twin: { url: string; stop(): Promise<void> };
  stack: PulumiStack;
  dir: string;
}

const salt = /^encryptionsalt:.*$/m.exec(fs.readFileSync(path.join(ROOT, "Pulumi.test.yaml"), "utf8"))?.[0] ?? "";
const baseConfig = (): Config => (YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.test.yaml"), "utf8")) as { config: Config }).config;

function writeConfig(file: string, config: Config): void {
  // Quoted strings: a bare 2030-12-31 would reach Pulumi as a YAML timestamp.
  fs.writeFileSync(file, `${salt}\n${YAML.stringify({ config }, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" })}`);
}

async function newWorker(i: number, fixture: string | object = CONTOSO_YAML, stateDir?: string): Promise<Worker> {
  const { startTwin } = await import("../../twin");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `failover-drill-badinput-${i}-`));
  const twin = await startTwin({ port: 0, fixture, stateDir, speed: 120, quiet: true });
  fs.mkdirSync(path.join(dir, "backend"));
  const env = pulumiEnv({ backendDir: path.join(dir, "backend"), extraPath: [path.join(ROOT, "twin", "plugins", "bin")], base: { ...process.env, PULUMI_BACKEND_URL: undefined } });
  env.FAILOVER_DRILL_ARM_ENDPOINT = twin.url;
  env.FAILOVER_DRILL_TWIN_TOKEN = TOKEN;
  const configFile = path.join(dir, "Pulumi.test.yaml");
  writeConfig(configFile, baseConfig());
  const stack = new PulumiStack({ programDir: ROOT, stack: "test", env, configFile });
  await stack.selectOrCreate();
  return { twin, stack, dir };
}

async function twinLog(url: string): Promise<LogEntry[]> {
  return ((await (await fetch(`${url}/_twin/requests`)).json()) as { value: LogEntry[] }).value;
}

async function runCase(w: Worker, c: Case, extraConfig?: (c: Config) => void): Promise<Outcome> {
  const config = baseConfig();
  extraConfig?.(config);
  c.config?.(config);
  writeConfig(w.stack.opts.configFile!, config);
  const before = await twinLog(w.twin.url);
  const mark = before.length ? before[before.length - 1].seq : 0;
  const args = ["up", "--yes", "--skip-preview", ...(c.pack ? ["--policy-pack", path.join(ROOT, "policy")] : [])];
  let r: CommandResult;
  try {
    r = await w.stack.pulumi(args, { env: c.env, timeoutMs: 180_000 });
  } catch (err) {
    return { name: c.name, code: -1, matched: false, writes: [], output: "", error: String(err) };
  }
  const after = (await twinLog(w.twin.url)).filter((e) => e.seq > mark);
  const writes = after.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path}`);
  return { name: c.name, code: r.code, matched: c.expect.test(r.output), writes, output: r.output };
}

const built = fs.existsSync(path.join(ROOT, "dist", "components", "asr", "provider.js")) && fs.existsSync(path.join(ROOT, "dist", "twin", "plugins", "azure-native", "main.js"));

// Opt-in (BAD_INPUT=1) until the ~2 minute failure path of `pulumi up` after an ARM error is understood
// (see bench/README.md and the session report): at that cost the table does not fit `npm test`.
const enabled = built && process.env.BAD_INPUT === "1";
(enabled ? describe : describe.skip)("bad input fails before any write, naming the config path or the cause", () => {
  const outcomes = new Map<string, Outcome>();

  beforeAll(async () => {
    const plain = CASES.filter((c) => !c.fixture);
    const special = CASES.filter((c) => c.fixture);
    const workers = await Promise.all(Array.from({ length: WORKERS }, (_, i) => newWorker(i)));
    let next = 0;
    try {
      await Promise.all(
        workers.map(async (w) => {
          while (next < plain.length) {
            const c = plain[next++];
            outcomes.set(c.name, await runCase(w, c));
          }
        }),
      );
    } finally {
      for (const w of workers) {
        await w.twin.stop();
        fs.rmSync(w.dir, { recursive: true, force: true });
      }
    }
    // Each special fixture gets its own twin.
    await Promise.all(
      special.map(async (c, i) => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-badinput-fixture-"));
        let w: Worker | undefined;
        try {
          const f = await fixtureFor(c.fixture!, tmp);
          w = await newWorker(100 + i, f.fixture, f.stateDir);
          outcomes.set(c.name, await runCase(w, c, f.config));
        } catch (err) {
          outcomes.set(c.name, { name: c.name, code: -1, matched: false, writes: [], output: "", error: String((err as Error).stack ?? err) });
        } finally {
          await w?.twin.stop();
          if (w) fs.rmSync(w.dir, { recursive: true, force: true });
          fs.rmSync(tmp, { recursive: true, force: true });
        }
      }),
    );
  }, 30 * 60_000);

  it("has at least 40 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map((c) => [c.name, c]))("%s", (_name, c) => {
    const o = outcomes.get((c as Case).name)!;
    expect(o.error).toBeUndefined();
    const summary = { failed: o.code !== 0, namesThePathOrCause: o.matched, writes: o.writes };
    if (!o.matched || o.code === 0) {
      const lines = o.output.split("\n").filter((l) => /error|failover-drill:|problem|policy|mandatory/i.test(l)).slice(0, 12);
      expect({ ...summary, output: lines.join("\n") }).toEqual({ failed: true, namesThePathOrCause: true, writes: [], output: expect.anything() });
    }
    expect(summary).toEqual({ failed: true, namesThePathOrCause: true, writes: [] });
  });
});
