// Where a stack's drill runs, decided by the stack's config — the ONE place of the runner that knows the
// Azure twin exists (tests/scripts/noTwinChecks.test.ts fails if another runner, report, evidence or
// confirmation file checks for it).
//
// - A stack with `arm.credentialMode: staticToken` and no `arm.endpoint` asks for a local ARM endpoint
//   the runner provides: the Azure twin (twin/) is started on the drill's state, the stand-in
//   `azure-native`/`random` plugins go on PATH, the token variable the stack names gets the twin's
//   token, and the retained evidence store (failover-drill:evidence) is served by Azurite (Microsoft's
//   storage emulator) started beside it, its data outside the drill's state so the trend spans drills.
// - Any other stack is used as configured: the real plugins, its endpoint (the cloud's Resource
//   Manager by default), DefaultAzureCredential, and the retained evidence store's account in the cloud.
// Either way the runner gets the same thing: environment additions for Pulumi, the ARM connection for
// its own reads, an evidence store, and close().
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import type { ArmConnection } from "../../components/drillTypes";
import { ROOT } from "./checkout";
import { azureEvidenceTarget, type EvidenceTarget } from "./evidence";
import { azuriteTarget, ensureAzuriteContainer, startAzurite, type AzuriteProcess } from "./evidenceAzurite";
import { startTwinProcess, type TwinProcess } from "./twinProcess";
import { ARM_ENDPOINT_ENV, type StackConfig } from "./stackConfig";
import { BadInputError, firstLine, StartupError } from "./runnerErrors";

/** The stand-in plugins' folder: on PATH only for a stack the runner provides a local endpoint for. */
export const STAND_IN_PLUGINS = path.join(ROOT, "twin", "plugins", "bin");
/** The stand-in plugins read their token from here (twin/plugins/README.md). */
const STAND_IN_TOKEN_ENV = "FAILOVER_DRILL_TWIN_TOKEN";
/** azure-native takes the subscription from provider config, which the stand-ins cannot see. */
const STAND_IN_SUBSCRIPTION_ENV = "FAILOVER_DRILL_SUBSCRIPTION_ID";

export interface WorldOptions {
  stateDir: string;
  /** The local endpoint's state (default <stateDir>/twin). */
  localStateDir?: string;
  /** The estate a new local endpoint starts from (none: resume the state as it is). */
  fixture?: string;
  speed: number;
  /** undefined = a free port, or the port the kept drill's state already names. */
  port?: number;
  /** The stack's state holds resources (a kept or killed drill): keep the local world they live in. */
  resume: boolean;
  /** Resume only: refuse a local state folder that holds no state (the janitor). */
  mustExist?: boolean;
  /** Azurite's data folder for a local stack's evidence store (default <stateDir>/../evidence-store). */
  evidenceDir?: string;
}

/** The retained evidence store a stack names (failover-drill:evidence). */
export interface EvidenceStoreRef {
  storageAccountId: string;
  accountName: string;
  container: string;
}

export interface DrillWorld {
  /** Human words for where the drill runs, for banners and the policy summary. */
  description: string;
  /** Added to the environment of every Pulumi command (and of this process, for its own reads). */
  env: Record<string, string>;
  /** Folders put first on PATH for Pulumi (the plugins this world needs). */
  extraPath: string[];
  /** Which resource plugins Pulumi must load here (checked before anything is written). */
  plugins: "stand-in" | "real";
  /** The ARM connection for the runner's own reads (cleanup confirmation, janitor). */
  arm: ArmConnection;
  /** The retained evidence store as this world reaches it (an emulator is started on first use). */
  evidenceStore(store: EvidenceStoreRef): Promise<EvidenceTarget>;
  /** The endpoint's own admin surface (fault injection, request log) when it has one. */
  admin?: { url: string };
  /**
   * Deletes a test VM and its NICs and disks outside the drill's allowlisted client — only where the
   * world allows it (the local twin); undefined elsewhere, where a person deletes them.
   */
  deleteTestVm?(vm: { id: string; name: string }, subscriptionId: string): Promise<string[]>;
  close(): Promise<void>;
}

/** The stack asks the runner for a local ARM endpoint (see the header). */
export function wantsLocalEndpoint(config: Pick<StackConfig, "arm">): boolean {
  return config.arm.credentialMode === "staticToken" && !config.arm.endpoint;
}

/** The stack as a world needs it; `file` is the derived copy handed to Pulumi (absent for the janitor). */
type WorldStack = Pick<StackConfig, "arm" | "vault"> & { file?: string };

export async function prepareWorld(config: WorldStack, opts: WorldOptions): Promise<DrillWorld> {
  return wantsLocalEndpoint(config) ? startLocalWorld(config, opts) : azureWorld(config);
}

/** The real service's wait between job polls: Retry-After: 30 on the testFailover 202, none on job GETs. */
const SERVICE_POLL_SECONDS = 30;

/**
 * The twin's clock runs `speed` times faster, so the service's 30 s between job polls is 30 ÷ speed wall
 * seconds there: written into the derived stack config (failover-drill:timeouts.pollIntervalSeconds), the
 * program's way to the provider, unless the stack sets its own.
 */
export function setLocalPollInterval(file: string, speed: number): void {
  const doc = YAML.parseDocument(fs.readFileSync(file, "utf8"));
  const key = ["config", "failover-drill:timeouts", "pollIntervalSeconds"];
  if (doc.getIn(key) !== undefined) return;
  doc.setIn(key, Math.max(0.01, Math.round((SERVICE_POLL_SECONDS / speed) * 1000) / 1000));
  fs.writeFileSync(file, doc.toString());
}

function azureWorld(config: WorldStack): DrillWorld {
  return {
    description: `Azure (${config.arm.cloud ?? "AzureCloud"}, ${config.arm.endpoint})`,
    env: {},
    extraPath: [],
    plugins: "real",
    arm: config.arm,
    // The stack's cloud decides the blob suffix and the credential's authority.
    evidenceStore: async (store) => azureEvidenceTarget(store, config.arm.cloud),
    async close() {},
  };
}

const PORT_FILE = "twin.port";

async function startLocalWorld(config: WorldStack, opts: WorldOptions): Promise<DrillWorld> {
  if (config.file) setLocalPollInterval(config.file, opts.speed);
  const twinState = opts.localStateDir ?? path.join(opts.stateDir, "twin");
  if (opts.mustExist && !fs.existsSync(path.join(twinState, "twin-state.json"))) {
    throw new BadInputError(
      `no twin state in ${twinState} (twin-state.json): nothing a drill could have left there; pass --state DIR or --twin-state DIR`,
    );
  }
  // A new drill starts from the fixture; a kept drill keeps the twin's state and its port, because the
  // TestFailover resources in the stack's state name the endpoint they were made against.
  if (!opts.resume) fs.rmSync(twinState, { recursive: true, force: true });
  const portFile = path.join(opts.stateDir, PORT_FILE);
  const keptPort = opts.resume && fs.existsSync(portFile) ? Number(fs.readFileSync(portFile, "utf8").trim()) : undefined;
  const port = opts.port ?? keptPort ?? 0;
  const token = randomBytes(18).toString("base64url");
  fs.mkdirSync(opts.stateDir, { recursive: true });
  const twinLog = fs.createWriteStream(path.join(opts.stateDir, "twin.log"), { flags: "a" });
  let twin: TwinProcess;
  try {
    twin = await startTwinProcess({
      port,
      stateDir: twinState,
      fixture: opts.resume ? undefined : opts.fixture,
      speed: opts.speed,
      token,
      logFile: twinLog,
    });
  } catch (err) {
    twinLog.end();
    throw new StartupError(
      `cannot start the Azure twin on 127.0.0.1:${port === 0 ? "<free port>" : port}: ${firstLine((err as Error).message)}${port !== 0 && keptPort === port ? " (the kept drill's state names this port; free it, or pass --port)" : ""}`,
    );
  }
  fs.writeFileSync(portFile, String(twin.port));
  const tokenVariable = config.arm.tokenVariable!;
  const env: Record<string, string> = {
    [ARM_ENDPOINT_ENV]: twin.url,
    [tokenVariable]: token,
    [STAND_IN_TOKEN_ENV]: token,
    [STAND_IN_SUBSCRIPTION_ENV]: config.vault.subscriptionId,
  };
  let azurite: AzuriteProcess | undefined;
  return {
    description: `the Azure twin at ${twin.url} (${opts.fixture && !opts.resume ? `fixture ${path.relative(ROOT, opts.fixture)}` : `state ${path.relative(ROOT, twinState)}`}, speed x${opts.speed})`,
    env,
    extraPath: [STAND_IN_PLUGINS],
    plugins: "stand-in",
    arm: { ...config.arm, endpoint: twin.url },
    admin: { url: twin.url },
    async evidenceStore(store) {
      // Azurite serves the configured account name; its data folder is outside the drill's state, so it
      // keeps every drill's evidence. The container is made once, standing for the existing one on Azure.
      const location = opts.evidenceDir ?? path.join(path.dirname(opts.stateDir), "evidence-store");
      if (!azurite) {
        const log = fs.createWriteStream(path.join(opts.stateDir, "azurite.log"), { flags: "a" });
        try {
          azurite = await startAzurite({ location, accounts: [store.accountName], logFile: log });
        } catch (err) {
          log.end();
          throw new StartupError(`cannot start Azurite (the evidence store ${store.accountName}): ${firstLine((err as Error).message)}`);
        }
        process.stdout.write(
          `Azurite (evidence store ${store.accountName}, data in ${path.relative(ROOT, location) || location}) at ${azurite.endpoint}\n`,
        );
      }
      const target = azuriteTarget(azurite, store.storageAccountId, store.accountName, store.container);
      await ensureAzuriteContainer(target);
      return target;
    },
    deleteTestVm: (vm, subscriptionId) => deleteOnTwin(twin.url, token, subscriptionId, vm),
    async close() {
      await saveRequestLog(twin.url, path.join(opts.stateDir, "requests.json"));
      await azurite?.stop();
      await twin.stop();
      twinLog.end();
    },
  };
}

/**
 * Keeps the twin's request log beside the drill state: evidence of exactly which ARM/ASR operations the
 * drill sent (the twin keeps it in memory only).
 */
async function saveRequestLog(twinUrl: string, file: string): Promise<void> {
  try {
    const res = await fetch(`${twinUrl}/_twin/requests`);
    if (res.ok) fs.writeFileSync(file, JSON.stringify(await res.json(), null, 1));
  } catch (err) {
    process.stderr.write(`could not save the twin's request log: ${(err as Error).message}\n`);
  }
}

const API = { compute: "2024-07-01", network: "2024-05-01", disks: "2024-03-02" };

/** The orphan and what hangs off it, deleted with plain ARM DELETEs on the twin (outside the allowlist). */
async function deleteOnTwin(twinUrl: string, token: string, subscriptionId: string, vm: { id: string; name: string }): Promise<string[]> {
  const headers = { Authorization: `Bearer ${token}` };
  const removed: string[] = [];
  const del = async (id: string, apiVersion: string) => {
    const res = await fetch(`${twinUrl}${id}?api-version=${apiVersion}`, { method: "DELETE", headers });
    if (!res.ok && res.status !== 404) throw new Error(`DELETE ${id} answered ${res.status}: ${await res.text()}`);
    // Async deletes (202) finish on the twin's clock; wait until the resource is gone.
    for (let i = 0; i < 600; i++) {
      const r = await fetch(`${twinUrl}${id}?api-version=${apiVersion}`, { headers });
      if (r.status === 404) break;
      await new Promise((res2) => setTimeout(res2, 100));
    }
    removed.push(id);
  };
  const list = async (p: string, apiVersion: string) =>
    ((await (await fetch(`${twinUrl}${p}?api-version=${apiVersion}`, { headers })).json()) as { value?: { id: string; name: string }[] })
      .value ?? [];
  await del(vm.id, API.compute);
  const prefix = vm.name.toLowerCase();
  for (const nic of await list(`/subscriptions/${subscriptionId}/providers/Microsoft.Network/networkInterfaces`, API.network)) {
    if (nic.name.toLowerCase().startsWith(prefix)) await del(nic.id, API.network);
  }
  for (const disk of await list(`/subscriptions/${subscriptionId}/providers/Microsoft.Compute/disks`, API.disks)) {
    if (disk.name.toLowerCase().startsWith(prefix)) await del(disk.id, API.disks);
  }
  return removed;
}
