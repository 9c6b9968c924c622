// Shared helpers for the twin tests: start the Contoso twin, call ARM over plain HTTP, wait for jobs.
import { startTwin, TwinHandle, CONTOSO_FIXTURE } from "../../twin/index";

export const SUB = "11111111-1111-1111-1111-111111111111";
export const VAULT = `/subscriptions/${SUB}/resourceGroups/contoso-dr/providers/Microsoft.RecoveryServices/vaults/contoso-asr-vault`;
export const ASR_API = "2026-05-01";
export const NET_API = "2024-05-01";
export const TEST_VNET = `/subscriptions/${SUB}/resourceGroups/contoso-recovery/providers/Microsoft.Network/virtualNetworks/vnet-drill-test`;

export interface Res {
  status: number;
  headers: Headers;
  body: any;
}

export async function startContoso(extra: Parameters<typeof startTwin>[0] = {}): Promise<TwinHandle> {
  return startTwin({ fixture: CONTOSO_FIXTURE, speed: 2000, quiet: true, ...extra });
}

/** The first value of a header list: the service sends x-ms-request-id twice ("id, id" on a client). */
export function firstOf(header: string): string {
  return header.split(",")[0].trim();
}

/** An absolute URL the twin returned (a regional host, as the real service names) sent to the twin itself, as DNS would. */
export function onTwin(t: TwinHandle, url: string): string {
  const u = new URL(url);
  return `${t.url.replace(/\/$/, "")}${u.pathname}${u.search}`;
}

export function client(t: TwinHandle) {
  return async function arm(
    method: string,
    path: string,
    body?: unknown,
    apiVersion = ASR_API,
    headers: Record<string, string> = {},
  ): Promise<Res> {
    const url = path.startsWith("http") ? onTwin(t, path) : `${t.url}${path}${path.includes("?") ? "&" : "?"}api-version=${apiVersion}`;
    const r = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : undefined };
  };
}

/** Items by friendly name. */
export async function items(arm: ReturnType<typeof client>): Promise<Record<string, any>> {
  const r = await arm("GET", `${VAULT}/replicationProtectedItems`);
  return Object.fromEntries(r.body.value.map((i: any) => [i.properties.friendlyName, i]));
}

/** The isolated test network mirroring production subnets, DNS pointing at DC01's test IP. */
export async function createTestNetwork(arm: ReturnType<typeof client>, dns: string[] = ["10.10.1.4"], id = TEST_VNET): Promise<void> {
  const r = await arm(
    "PUT",
    id,
    {
      location: "westeurope",
      properties: {
        addressSpace: { addressPrefixes: ["10.10.0.0/16"] },
        dhcpOptions: { dnsServers: dns },
        subnets: [
          { name: "snet-identity", properties: { addressPrefix: "10.10.1.0/24" } },
          { name: "snet-data", properties: { addressPrefix: "10.10.2.0/24" } },
          { name: "snet-app", properties: { addressPrefix: "10.10.3.0/24" } },
          { name: "snet-web", properties: { addressPrefix: "10.10.4.0/24" } },
        ],
      },
    },
    NET_API,
  );
  if (r.status !== 201 && r.status !== 200) throw new Error(`test network: ${r.status} ${JSON.stringify(r.body)}`);
}

export function tfoBody(networkId = TEST_VNET) {
  return {
    properties: {
      failoverDirection: "PrimaryToRecovery",
      networkType: "VmNetworkAsInput",
      networkId,
      providerSpecificDetails: { instanceType: "HyperVReplicaAzure" },
    },
  };
}

/** Polls the job (by x-ms-request-id) until terminal, skipping the Retry-After wait via the virtual clock. */
export async function waitJob(t: TwinHandle, arm: ReturnType<typeof client>, jobIdHeader: string): Promise<any> {
  const jobId = firstOf(jobIdHeader);
  for (let i = 0; i < 500; i++) {
    const r = await arm("GET", jobId);
    const s = r.body?.properties?.state;
    if (s === "Succeeded" || s === "Failed" || s === "Cancelled") return r.body;
    await t.admin.advanceClock(30);
  }
  throw new Error(`job ${jobId} did not finish`);
}

export async function post(arm: ReturnType<typeof client>, path: string, body: unknown): Promise<Res> {
  return arm("POST", path, body);
}

export async function listVms(arm: ReturnType<typeof client>, rg = "contoso-recovery"): Promise<any[]> {
  const out: any[] = [];
  let next: string | undefined = `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines`;
  while (next) {
    const r: Res = await arm("GET", next, undefined, "2024-07-01");
    out.push(...r.body.value);
    next = r.body.nextLink;
  }
  return out;
}

export async function runTfo(t: TwinHandle, arm: ReturnType<typeof client>, itemId: string, networkId = TEST_VNET): Promise<any> {
  const r = await post(arm, `${itemId}/testFailover`, tfoBody(networkId));
  if (r.status !== 202) throw new Error(`testFailover: ${r.status} ${JSON.stringify(r.body)}`);
  return waitJob(t, arm, r.headers.get("x-ms-request-id") as string);
}

export async function runCleanup(t: TwinHandle, arm: ReturnType<typeof client>, itemId: string, comments = "drill done"): Promise<any> {
  const r = await post(arm, `${itemId}/testFailoverCleanup`, { properties: { comments } });
  if (r.status !== 202) throw new Error(`cleanup: ${r.status} ${JSON.stringify(r.body)}`);
  return waitJob(t, arm, r.headers.get("x-ms-request-id") as string);
}
