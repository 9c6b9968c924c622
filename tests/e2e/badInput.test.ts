// Bad input through the real CLI: every case of tests/e2e/badInputCases.ts runs on the Contoso program at
// the repo root against ONE shared twin and must
//   - fail, with a message naming the config path or the cause;
//   - write nothing: no PUT/POST/PATCH/DELETE reached the twin while it ran ("up" cases: `pulumi up` itself
//     wrote nothing; "gate" cases: the policy gate refused with nothing triggered);
//   - for "up" cases, declare no resource before failing (engine events) and leave no resource in state.
// After all cases the twin's resources are exactly those it started with and its request log holds GETs only.
// (tests/components/config.test.ts covers the config parser's cases in-process; this suite proves the
// real CLI path: the drill refuses before any write and leaves nothing behind.)
//
// BAD_INPUT_WORKERS (default 2) cases run at once, each worker with its own backend and stack config.
// BAD_INPUT_ONLY=<substring> picks cases by name.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { PulumiStack, pulumiEnv, ROOT, type CommandResult } from "../../scripts/lib/pulumiCli";
import {
  BAD_INPUT_CASES,
  BUSY_ITEM,
  IP_TAKER_ITEM,
  NOT_ALLOWED_ITEM,
  OVERSIZED_PLAN,
  PULUMI_FAILED,
  UNHEALTHY_ITEM,
  UNICODE_VM_ITEM,
  UNICODE_VM_NAME,
  type BadInputCase,
  type Config,
  type Estate,
} from "./badInputCases";

const TOKEN = "failover-drill-twin";
const WORKERS = Number(process.env.BAD_INPUT_WORKERS ?? 2);
const ONLY = process.env.BAD_INPUT_ONLY;
const CONTOSO_YAML = path.join(ROOT, "twin", "fixtures", "contoso.yaml");

// ------------------------------------------------------------------------------------------ the shared twin

/**
 * The Contoso estate plus what the fixture cases need, in one twin:
 *  - APPX01, a copy of APP01 whose recovery VM name is not a valid Azure VM name;
 *  - rp-over-100, a recovery plan of 101 items. ASR refuses plans over 100 items and so does the twin's
 *    fixture loader; the drill must refuse one anyway (defence in depth). The plan is loaded with 100
 *    items, the twin stopped, item 101 added to the plan in the saved state, and the twin started again.
 */
async function startSharedTwin(dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const { startTwin } = await import("../../twin");
  const fx = YAML.parse(fs.readFileSync(CONTOSO_YAML, "utf8"));
  const app = fx.items.find((i: { name: string }) => i.name === "APP01");
  fx.items.push({ ...app, name: UNICODE_VM_ITEM, recoveryVmName: UNICODE_VM_NAME, nics: [{ subnet: "snet-app", ip: "10.10.3.30" }] });
  fx.items.push({
    ...app,
    name: UNHEALTHY_ITEM,
    recoveryVmName: UNHEALTHY_ITEM,
    unhealthy: true,
    nics: [{ subnet: "snet-app", ip: "10.10.3.31" }],
  });
  fx.items.push({ ...app, name: BUSY_ITEM, recoveryVmName: BUSY_ITEM, nics: [{ subnet: "snet-app", ip: "10.10.3.32" }] });
  fx.items.push({ ...app, name: NOT_ALLOWED_ITEM, recoveryVmName: NOT_ALLOWED_ITEM, nics: [{ subnet: "snet-app", ip: "10.10.3.33" }] });
  fx.items.push({ ...app, name: IP_TAKER_ITEM, recoveryVmName: IP_TAKER_ITEM, nics: [{ subnet: "snet-app", ip: "10.10.3.10" }] });
  const synthetic = Array.from({ length: 101 }, (_, i) => `SYN${String(i + 1).padStart(3, "0")}`);
  for (const name of synthetic) fx.items.push({ name, size: "Standard_B2s", nics: [{ subnet: "snet-app" }], disks: [{ sizeGB: 32 }] });
  const groups: string[][] = [];
  for (let g = 0; g < 100; g += 25) groups.push(synthetic.slice(g, g + 25));
  fx.recoveryPlans.push({ name: OVERSIZED_PLAN, bootGroups: groups });

  const stateDir = path.join(dir, "twin");
  const first = await startTwin({ port: 0, stateDir, fixture: fx, speed: 120, quiet: true });
  await startSomeoneElsesTestFailover(first.url, fx, BUSY_ITEM);
  await first.stop();
  const file = path.join(stateDir, "twin-state.json");
  const state = JSON.parse(fs.readFileSync(file, "utf8"));
  let plan: any;
  let extra: any;
  const walk = (o: any) => {
    if (!o || typeof o !== "object") return;
    if (typeof o.id === "string" && new RegExp(`replicationRecoveryPlans/${OVERSIZED_PLAN}$`, "i").test(o.id) && o.properties?.groups)
      plan = o;
    if (typeof o.id === "string" && /replicationProtectedItems\//i.test(o.id) && o.properties?.friendlyName === synthetic[100]) extra = o;
    for (const v of Object.values(o)) walk(v);
  };
  let notAllowed: any;
  const findNotAllowed = (o: any) => {
    if (!o || typeof o !== "object") return;
    if (typeof o.id === "string" && /replicationProtectedItems\//i.test(o.id) && o.properties?.friendlyName === NOT_ALLOWED_ITEM)
      notAllowed = o;
    for (const v of Object.values(o)) findNotAllowed(v);
  };
  walk(state);
  findNotAllowed(state);
  if (!plan || !extra) throw new Error(`${OVERSIZED_PLAN}: the plan or item 101 is not in the twin state`);
  if (!notAllowed) throw new Error(`${NOT_ALLOWED_ITEM} is not in the twin state`);
  notAllowed.properties.allowedOperations = ["DisableProtection"];
  const group = plan.properties.groups.find((g: any) => (g.replicationProtectedItems ?? []).length > 0);
  group.replicationProtectedItems.push({ id: extra.id, virtualMachineId: extra.properties?.providerSpecificDetails?.vmId ?? extra.name });
  fs.writeFileSync(file, JSON.stringify(state));
  return startTwin({ port: 0, stateDir, speed: 120, quiet: true });
}

const ASR = "api-version=2025-08-01";
const vaultPathOf = (fx: any) =>
  `/subscriptions/${fx.subscriptionId}/resourceGroups/${fx.vault.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${fx.vault.name}`;
const auth = { Authorization: `Bearer ${TOKEN}` };

async function listItems(url: string, fx: any): Promise<any[]> {
  const res = await fetch(`${url}${vaultPathOf(fx)}/replicationProtectedItems?${ASR}`, { headers: auth });
  return ((await res.json()) as { value: any[] }).value;
}

/** A test failover of `name` into contoso-hub-vnet, as another team would start it, followed until it waits for cleanup. */
async function startSomeoneElsesTestFailover(url: string, fx: any, name: string): Promise<void> {
  const item = (await listItems(url, fx)).find((i) => i.properties.friendlyName === name);
  const networkId = `/subscriptions/${fx.subscriptionId}/resourceGroups/contoso-network/providers/Microsoft.Network/virtualNetworks/contoso-hub-vnet`;
  const body = {
    properties: {
      failoverDirection: "PrimaryToRecovery",
      networkType: "VmNetworkAsInput",
      networkId,
      providerSpecificDetails: { instanceType: "HyperVReplicaAzure" },
    },
  };
  const res = await fetch(`${url}${item.id}/testFailover?${ASR}`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 202) throw new Error(`testFailover of ${name}: HTTP ${res.status} ${await res.text()}`);
  for (let i = 0; i < 240; i++) {
    const now = (await listItems(url, fx)).find((x) => x.properties.friendlyName === name);
    if (now.properties.testFailoverState === "WaitingForCompletion") return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`testFailover of ${name} did not reach WaitingForCompletion`);
}

async function readEstate(url: string): Promise<Estate> {
  const fx = YAML.parse(fs.readFileSync(CONTOSO_YAML, "utf8"));
  const items: Estate["items"] = {};
  for (const i of await listItems(url, fx)) {
    const m = /replicationFabrics\/([^/]+)\/replicationProtectionContainers\/([^/]+)\/replicationProtectedItems\/([^/]+)$/i.exec(i.id);
    if (m) items[i.properties.friendlyName] = { fabricName: m[1], protectionContainerName: m[2], name: m[3] };
  }
  return { items };
}

interface LogEntry {
  seq: number;
  method: string;
  path: string;
}

async function twinLog(url: string, since = 0): Promise<LogEntry[]> {
  return ((await (await fetch(`${url}/_twin/requests?since=${since}`)).json()) as { value: LogEntry[] }).value;
}

async function twinResources(url: string): Promise<string[]> {
  const state = (await (await fetch(`${url}/_twin/state`)).json()) as { resources: Record<string, unknown> };
  return Object.keys(state.resources).sort();
}

// ------------------------------------------------------------------------------------------ workers

interface Outcome {
  name: string;
  route: "up" | "gate";
  code: number;
  matched: boolean;
  /** Non-GET requests that reached the twin while the case ran (another case may have run alongside). */
  writes: string[];
  /** Resources the program declared before failing ("up"), from the engine's events. */
  declared: string[];
  /** Resources left in the stack's state after the case ("up"). */
  inState: string[];
  /** Mandatory policy violations ("gate"). */
  mandatory: string[];
  output: string;
  seconds: number;
  error?: string;
}

const salt = /^encryptionsalt:.*$/m.exec(fs.readFileSync(path.join(ROOT, "Pulumi.test.yaml"), "utf8"))?.[0] ?? "";
const baseConfig = (): Config => (YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.test.yaml"), "utf8")) as { config: Config }).config;

function writeConfig(file: string, config: Config): void {
  // Quoted strings: a bare 2030-12-31 would reach Pulumi as a YAML timestamp.
  fs.writeFileSync(file, `${salt}\n${YAML.stringify({ config }, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" })}`);
}

/** Engine events (PULUMI_ENABLE_STREAMING_JSON_PREVIEW / `up --json`), one JSON object a line. */
function events(stdout: string): any[] {
  const out: any[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      /* not an event */
    }
  }
  return out;
}

/** Human-readable text of a run: diagnostics and policy events, then the raw output. */
function readable(r: CommandResult): string {
  const ev = events(r.stdout);
  // Debug diagnostics echo invoke responses and stacks (names of everything read): a match there would
  // prove nothing about what the user is told.
  const diags = ev
    .filter((e) => e.diagnosticEvent && !/^debug/.test(e.diagnosticEvent.severity))
    .map((e) => `${e.diagnosticEvent.severity}: ${e.diagnosticEvent.message}`);
  const policies = ev
    .filter((e) => e.policyEvent)
    .map((e) => `[${e.policyEvent.enforcementLevel}] ${e.policyEvent.policyName}: ${e.policyEvent.message}`);
  return [...diags, ...policies, r.stderr].join("\n");
}

/** A resource that lives in the cloud: custom (events and checkpoints omit `custom` for components and the stack), not a provider. */
const isCloudResource = (r: { type?: string; custom?: boolean } | undefined) =>
  !!r?.type && r.custom === true && !r.type.startsWith("pulumi:providers:");

class Worker {
  readonly stack: PulumiStack;
  constructor(
    readonly dir: string,
    twinUrl: string,
  ) {
    fs.mkdirSync(path.join(dir, "backend"), { recursive: true });
    const env = pulumiEnv({
      backendDir: path.join(dir, "backend"),
      extraPath: [path.join(ROOT, "twin", "plugins", "bin")],
      base: { ...process.env, PULUMI_BACKEND_URL: undefined },
    });
    env.FAILOVER_DRILL_ARM_ENDPOINT = twinUrl;
    env.FAILOVER_DRILL_TWIN_TOKEN = TOKEN;
    // Pulumi.test.yaml's arm.tokenVariable (static-token mode).
    env.FAILOVER_DRILL_ARM_TOKEN = TOKEN;
    const configFile = path.join(dir, "Pulumi.test.yaml");
    writeConfig(configFile, baseConfig());
    this.stack = new PulumiStack({ programDir: ROOT, stack: "test", env, configFile });
  }

  /**
   * The stack's resources, read from the file backend's checkpoint (what `pulumi stack export` prints,
   * without a CLI start per case).
   */
  stateResources(): { urn: string; type: string; custom?: boolean }[] {
    const file = path.join(this.dir, "backend", ".pulumi", "stacks", "failover-drill", "test.json");
    const doc = JSON.parse(fs.readFileSync(file, "utf8")) as {
      checkpoint?: { latest?: { resources?: { urn: string; type: string; custom?: boolean }[] } };
    };
    return doc.checkpoint?.latest?.resources ?? [];
  }

  async run(c: BadInputCase, twinUrl: string, estate: Estate): Promise<Outcome> {
    const started = Date.now();
    const route = c.route ?? "up";
    const config = baseConfig();
    c.config?.(config, estate);
    writeConfig(this.stack.opts.configFile!, config);
    const stateBefore = new Set(this.stateResources().map((x) => x.urn));
    const before = await twinLog(twinUrl);
    const mark = before.length ? before[before.length - 1].seq : 0;
    const args =
      route === "gate"
        ? [
            "preview",
            "--json",
            "--policy-pack",
            path.join(ROOT, "policy"),
            ...(c.policyPackConfig ? ["--policy-pack-config", path.join(ROOT, c.policyPackConfig)] : []),
          ]
        : ["up", "--yes", "--skip-preview", "--json"];
    const base: Omit<Outcome, "code" | "matched" | "output" | "seconds"> = {
      name: c.name,
      route,
      writes: [],
      declared: [],
      inState: [],
      mandatory: [],
    };
    let r: CommandResult;
    try {
      r = await this.stack.pulumi(args, { env: { ...c.env, PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true" }, timeoutMs: 180_000 });
    } catch (err) {
      return { ...base, code: -1, matched: false, output: "", seconds: (Date.now() - started) / 1000, error: String(err) };
    }
    const ev = events(r.stdout);
    const text = readable(r);
    const writes = (await twinLog(twinUrl, mark)).filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path}`);
    const declared = [
      ...new Set(
        ev
          .map((e) => e.resourcePreEvent?.metadata)
          .filter((m) => m && isCloudResource({ type: m.type, custom: m.new?.custom ?? m.old?.custom }))
          .map((m) => m.urn as string),
      ),
    ];
    const inState =
      route === "up"
        ? this.stateResources()
            .filter((x) => isCloudResource(x) && !stateBefore.has(x.urn))
            .map((x) => x.urn)
        : [];
    const mandatory = ev.filter((e) => e.policyEvent?.enforcementLevel === "mandatory").map((e) => e.policyEvent.policyName as string);
    return {
      ...base,
      route,
      code: r.code,
      matched: c.expect.test(text),
      writes,
      declared,
      inState,
      mandatory,
      output: text,
      seconds: (Date.now() - started) / 1000,
    };
  }
}

const built =
  fs.existsSync(path.join(ROOT, "dist", "components", "asr", "provider.js")) &&
  fs.existsSync(path.join(ROOT, "dist", "twin", "plugins", "azure-native", "main.js"));
const selected = BAD_INPUT_CASES.filter((c) => !ONLY || c.name.includes(ONLY));

(built ? describe : describe.skip)("bad input fails before any write, naming the config path or the cause", () => {
  const outcomes = new Map<string, Outcome>();
  let twin: { url: string; stop(): Promise<void> } | undefined;
  let dir = "";
  let resourcesAtStart: string[] = [];
  let started = 0;

  beforeAll(async () => {
    started = Date.now();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-badinput-"));
    twin = await startSharedTwin(dir);
    resourcesAtStart = await twinResources(twin.url);
    const estate = await readEstate(twin.url);
    const workers: Worker[] = [];
    for (let i = 0; i < WORKERS; i++) {
      const w = new Worker(path.join(dir, `w${i}`), twin.url);
      await w.stack.selectOrCreate();
      workers.push(w);
    }
    let next = 0;
    await Promise.all(
      workers.map(async (w) => {
        while (next < selected.length) {
          const c = selected[next++];
          outcomes.set(c.name, await w.run(c, twin!.url, estate));
        }
      }),
    );
  }, 30 * 60_000);

  afterAll(async () => {
    const rows = selected.map((c) => outcomes.get(c.name)).filter((o): o is Outcome => !!o);
    const slowest = [...rows].sort((a, b) => b.seconds - a.seconds)[0];
    process.stdout.write(
      `\nBad input: ${rows.length} cases (${rows.filter((r) => r.route === "up").length} up, ${rows.filter((r) => r.route === "gate").length} policy gate), ` +
        `${WORKERS} at a time, ${Math.round((Date.now() - started) / 1000)} s; mean ${(rows.reduce((a, r) => a + r.seconds, 0) / Math.max(1, rows.length)).toFixed(1)} s a case` +
        `${slowest ? `, slowest ${slowest.seconds.toFixed(1)} s (${slowest.name})` : ""}\n`,
    );
    if (process.env.BAD_INPUT_TABLE === "1") {
      const lines = rows.map((r) => {
        const c = selected.find((x) => x.name === r.name)!;
        const line = r.output.split("\n").find((l) => c.expect.test(l)) ?? "";
        return `| ${r.name} | ${r.route} | ${r.seconds.toFixed(1)} | ${line.trim().slice(0, 140).replace(/\|/g, "\\|")} |`;
      });
      process.stdout.write(`| Case | Route | Seconds | Message |\n|---|---|---|---|\n${lines.join("\n")}\n`);
    }
    await twin?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("has at least 40 cases", () => {
    expect(BAD_INPUT_CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(selected.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const o = outcomes.get(c.name)!;
    expect(o).toBeDefined();
    expect(o.error).toBeUndefined();
    const summary = {
      exitCode: o.code,
      namesThePathOrCause: o.matched,
      writes: o.writes,
      declaredBeforeFailing: o.declared,
      leftInState: o.inState,
      refusedByTheGate: o.route === "gate" ? o.mandatory.length > 0 : true,
    };
    const want = {
      exitCode: PULUMI_FAILED,
      namesThePathOrCause: true,
      writes: [],
      declaredBeforeFailing: [],
      leftInState: [],
      refusedByTheGate: true,
    };
    if (o.route === "gate") {
      // The pack judges declared resources (nothing is triggered in a preview). That the events show them
      // also proves the "declared before failing" check of the "up" cases can see a declared resource.
      expect(o.declared.length).toBeGreaterThan(0);
      summary.declaredBeforeFailing = [];
    }
    if (JSON.stringify(summary) !== JSON.stringify(want)) {
      const lines = o.output
        .split("\n")
        .filter((l) => /error|failover-drill:|problem|policy|mandatory/i.test(l))
        .slice(0, 12);
      expect({ ...summary, output: lines.join("\n") }).toEqual({ ...want, output: expect.anything() });
    }
    expect(summary).toEqual(want);
  });

  it("leaves nothing in the twin: the same resources as at the start, and only GETs in its request log", async () => {
    expect(outcomes.size).toBe(selected.length);
    expect(await twinResources(twin!.url)).toEqual(resourcesAtStart);
    const writes = (await twinLog(twin!.url)).filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path}`);
    expect(writes).toEqual([]);
  });
});
