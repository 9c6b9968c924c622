// Shared helpers of the drill benchmarks (bench/drill.ts, bench/worker.ts): a twin process per run with
// a generated estate, the isolated test network the drill's other components would create, request-log
// classification and the tool-added latency measurement.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startTwinProcess, type TwinProcess } from "../scripts/lib/twinProcess";
import type { Fixture } from "../twin/fixtures/load";
import type { RequestLogEntry } from "../twin/requestLog";

export const TOKEN = "failover-drill-twin";
/** A request the twin logs (404) between a worker's create and delete phases; excluded from the counts. */
export const PHASE_MARKER = "/bench-phase-marker";
export const ASR_API = "api-version=2025-08-01";

/** One entry of the twin's request log (GET /_twin/requests). */
export type LogEntry = RequestLogEntry;

export interface BenchTwin {
  twin: TwinProcess;
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** A twin process (as `npm run twin` would run it) on a fresh state folder with the given estate. */
export async function startBenchTwin(fixture: Fixture, speed: number): Promise<BenchTwin> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-bench-"));
  const file = path.join(dir, "fixture.json");
  fs.writeFileSync(file, JSON.stringify(fixture));
  const twin = await startTwinProcess({ port: 0, stateDir: path.join(dir, "twin"), fixture: file, speed });
  return {
    twin,
    url: twin.url,
    dir,
    async stop() {
      await twin.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function arm(url: string, method: string, pathAndQuery: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url + pathAndQuery, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function listAll(url: string, pathAndQuery: string): Promise<any[]> {
  const out: any[] = [];
  let next: string | undefined = url + pathAndQuery;
  while (next) {
    const res = await fetch(next, { headers: { Authorization: `Bearer ${TOKEN}` } });
    if (!res.ok) throw new Error(`GET ${next}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { value: any[]; nextLink?: string };
    out.push(...body.value);
    next = body.nextLink;
  }
  return out;
}

async function putAndWait(url: string, id: string, apiVersion: string, body: unknown): Promise<void> {
  const r = await arm(url, "PUT", `${id}?api-version=${apiVersion}`, body);
  if (r.status >= 300) throw new Error(`PUT ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  for (let i = 0; i < 400; i++) {
    const g = await arm(url, "GET", `${id}?api-version=${apiVersion}`);
    const ps = g.body?.properties?.provisioningState;
    if (g.status === 200 && (!ps || ps === "Succeeded")) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`PUT ${id} did not complete`);
}

/** The isolated test network (what IsolatedTestNetwork would create): same prefixes and subnet names as production. */
export async function createTestNetwork(
  url: string,
  fixture: Fixture,
  rg = "bench-drill-rg",
  name = "bench-drill-vnet",
): Promise<{ id: string; subnets: { name: string; addressPrefix: string }[] }> {
  const prod = fixture.networks![0];
  const sub = fixture.subscriptionId;
  await putAndWait(url, `/subscriptions/${sub}/resourceGroups/${rg}`, "2021-04-01", { location: fixture.location ?? "westeurope" });
  const subnets = Object.entries(prod.subnets ?? {}).map(([n, prefix]) => ({ name: n, addressPrefix: prefix as string }));
  const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${name}`;
  await putAndWait(url, id, "2024-05-01", {
    location: fixture.location ?? "westeurope",
    properties: {
      addressSpace: { addressPrefixes: prod.addressPrefixes },
      subnets: subnets.map((s) => ({ name: s.name, properties: { addressPrefix: s.addressPrefix } })),
    },
  });
  return { id, subnets };
}

export async function requestLog(url: string): Promise<LogEntry[]> {
  const r = await fetch(`${url}/_twin/requests`);
  const body = (await r.json()) as { value: LogEntry[] };
  return body.value;
}

export async function clearRequestLog(url: string): Promise<void> {
  await fetch(`${url}/_twin/requests`, { method: "DELETE" });
}

export type RequestKind = "read" | "write" | "poll";

/**
 * reads: GETs of items, plans, VMs, NICs, networks, lists; polls: GETs that follow an operation (a
 * replication job, ASR operation status/results, an ARM async operation); writes: everything else.
 */
export function classify(e: { method: string; path: string }): RequestKind {
  if (e.method !== "GET") return "write";
  if (
    /\/replicationJobs\/[^/]+$|\/replicationOperationStatus\/|\/operationresults\/|\/operations\/[^/]+$|\/operationStatuses\//i.test(e.path)
  )
    return "poll";
  return "read";
}

export function countByKind(log: { method: string; path: string }[]): { reads: number; writes: number; polls: number; total: number } {
  const c = { reads: 0, writes: 0, polls: 0, total: 0 };
  for (const e of log) {
    const k = classify(e);
    c[`${k}s` as "reads" | "writes" | "polls"]++;
    c.total++;
  }
  return c;
}

/**
 * Tool-added latency of one job: from the job's end (virtual time, as the service stamps it) to the
 * first request after it that names the job (the poll that saw it finish), in virtual seconds.
 */
export function noticeLatencySeconds(log: LogEntry[], jobName: string, endTimeIso: string): number | undefined {
  const end = Date.parse(endTimeIso);
  const needle = jobName.toLowerCase();
  // A GET of the job by name, or of the vault's job list (newest first: the poll of several jobs at once).
  const names = (e: LogEntry) => e.path.toLowerCase().includes(needle) || /\/replicationJobs$/i.test(e.path.split("?")[0]);
  const seen = log.find((e) => e.method === "GET" && names(e) && Date.parse(e.virtualTime) >= end);
  return seen ? (Date.parse(seen.virtualTime) - end) / 1000 : undefined;
}

/** Peak resident set (VmHWM) of a process, from /proc (Linux). */
export function peakRssMB(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

export function vaultPath(f: Fixture): string {
  return `/subscriptions/${f.subscriptionId}/resourceGroups/${f.vault.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${f.vault.name}`;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}
