// Test harness: an in-process Azure twin (twin/index.ts) with the Contoso fixture, plus helpers that
// build TestFailover inputs from the twin's live items. The test side (not the drill client) may PUT
// the isolated test network, as the drill's other components do through azure-native.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { TestFailoverInputs } from "../../../components/drillTypes";
import { toItemSettingsSnapshot, toProtectedItemRef } from "../../../components/itemSettings";
import type { ProviderDeps } from "../../../components/asr/provider";

export const SUB = "11111111-1111-1111-1111-111111111111";
export const VAULT = { subscriptionId: SUB, resourceGroup: "contoso-dr", name: "contoso-asr-vault" };
export const VAULT_PATH = `/subscriptions/${SUB}/resourceGroups/contoso-dr/providers/Microsoft.RecoveryServices/vaults/contoso-asr-vault`;
export const ASR = "api-version=2025-08-01";
export const TEST_RG = "contoso-drill-test";
export const TEST_VNET_ID = `/subscriptions/${SUB}/resourceGroups/${TEST_RG}/providers/Microsoft.Network/virtualNetworks/drill-vnet`;

export interface RunningTwin {
  url: string;
  token: string;
  stop(): Promise<void> | void;
  stateDir: string;
}

/** The Contoso twin; `edit` may change the parsed fixture first (e.g. mark an item unhealthy). */
export async function startContosoTwin(speed = 300, edit?: (fixture: any) => void): Promise<RunningTwin> {
  // Required lazily so that the pure unit tests run even before the twin exists.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy (see above)
  const twinModule = require("../../../twin");
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "tfo-twin-"));
  let fixture: string | object = path.join(__dirname, "..", "..", "..", "twin", "fixtures", "contoso.yaml");
  if (edit) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, like the twin itself
    const parsed = require("../../../twin/fixtures/load").readFixture(fixture);
    edit(parsed);
    fixture = parsed;
  }
  const t = await twinModule.startTwin({ port: 0, fixture, speed, stateDir, quiet: true });
  // The inputs below use the static-token mode; the provider runs in this process and reads it here.
  process.env.FAILOVER_DRILL_ARM_TOKEN = t.token;
  return {
    url: t.url.replace(/\/$/, ""),
    token: t.token,
    stateDir,
    stop: async () => {
      await t.stop();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export async function http(
  twin: RunningTwin,
  method: string,
  pathAndQuery: string,
  body?: unknown,
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(twin.url + pathAndQuery, {
    method,
    headers: { Authorization: `Bearer ${twin.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function listItems(twin: RunningTwin): Promise<any[]> {
  const r = await http(twin, "GET", `${VAULT_PATH}/replicationProtectedItems?${ASR}`);
  if (r.status !== 200) throw new Error(`list items: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.value;
}

export async function item(twin: RunningTwin, friendlyName: string): Promise<any> {
  const found = (await listItems(twin)).find((i) => i.properties.friendlyName === friendlyName);
  if (!found) throw new Error(`fixture has no item ${friendlyName}`);
  return found;
}

async function putAndWait(twin: RunningTwin, id: string, apiVersion: string, body: unknown) {
  const r = await http(twin, "PUT", `${id}?api-version=${apiVersion}`, body);
  if (r.status >= 300) throw new Error(`PUT ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  for (let i = 0; i < 200; i++) {
    const g = await http(twin, "GET", `${id}?api-version=${apiVersion}`);
    const ps = g.body?.properties?.provisioningState;
    if (g.status === 200 && (!ps || ps === "Succeeded")) return g.body;
    await sleep(50);
  }
  throw new Error(`PUT ${id} did not complete`);
}

/** An isolated test VNet mimicking the production recovery network (same prefixes and subnet names). */
export async function createTestNetwork(
  twin: RunningTwin,
  name = "drill-vnet",
): Promise<{ id: string; subnets: { name: string; addressPrefix: string }[] }> {
  const dc = await item(twin, "DC01");
  const prodId: string = dc.properties.providerSpecificDetails.selectedRecoveryAzureNetworkId;
  const prod = (await http(twin, "GET", `${prodId}?api-version=2024-05-01`)).body;
  const location = prod.location ?? "westeurope";
  await putAndWait(twin, `/subscriptions/${SUB}/resourceGroups/${TEST_RG}`, "2021-04-01", { location });
  const subnets = (prod.properties.subnets ?? [])
    .filter((s: any) => s.name.toLowerCase() !== "gatewaysubnet")
    .map((s: any) => ({ name: s.name, addressPrefix: s.properties.addressPrefix }));
  const id = `/subscriptions/${SUB}/resourceGroups/${TEST_RG}/providers/Microsoft.Network/virtualNetworks/${name}`;
  await putAndWait(twin, id, "2024-05-01", {
    location,
    properties: {
      addressSpace: prod.properties.addressSpace,
      subnets: subnets.map((s: any) => ({ name: s.name, properties: { addressPrefix: s.addressPrefix } })),
    },
  });
  return { id, subnets };
}

export async function itemInputs(
  twin: RunningTwin,
  friendlyNames: string[],
  net: { id: string; subnets: { name: string; addressPrefix: string }[] },
  over: Partial<TestFailoverInputs> = {},
): Promise<TestFailoverInputs> {
  const all = await listItems(twin);
  const items = friendlyNames.map((n) => {
    const it = all.find((i) => i.properties.friendlyName === n);
    if (!it) throw new Error(`fixture has no item ${n}`);
    return it;
  });
  return {
    drillId: "drill-t",
    role: "application",
    vault: VAULT,
    arm: { endpoint: twin.url, credentialMode: "staticToken", tokenVariable: "FAILOVER_DRILL_ARM_TOKEN" },
    scope: { kind: "protectedItems", items: items.map((i) => toProtectedItemRef(i)) },
    testNetworkId: net.id,
    testSubnets: net.subnets,
    failoverDirection: "PrimaryToRecovery",
    recoveryPointType: "LatestApplicationConsistent",
    items: items.map((i) => toItemSettingsSnapshot(i)),
    expected: items.map((i) => ({ friendlyName: i.properties.friendlyName })),
    notes: "Drill t: DC01 copy verified; cleaned up by pulumi destroy.",
    timeouts: { testFailoverMinutes: 5, cleanupMinutes: 5 },
    ...over,
  };
}

export async function planInputs(
  twin: RunningTwin,
  planName: string,
  net: { id: string; subnets: { name: string; addressPrefix: string }[] },
  over: Partial<TestFailoverInputs> = {},
): Promise<TestFailoverInputs> {
  const plan = (await http(twin, "GET", `${VAULT_PATH}/replicationRecoveryPlans/${planName}?${ASR}`)).body;
  const ids: string[] = plan.properties.groups.flatMap((g: any) => (g.replicationProtectedItems ?? []).map((i: any) => i.id.toLowerCase()));
  const all = await listItems(twin);
  const members = all.filter((i) => ids.includes(i.id.toLowerCase()));
  const base = await itemInputs(
    twin,
    members.map((m) => m.properties.friendlyName),
    net,
    over,
  );
  return { ...base, scope: { kind: "recoveryPlan", recoveryPlanName: plan.name, recoveryPlanId: plan.id }, ...over };
}

export async function requestLog(twin: RunningTwin): Promise<{ method: string; path: string; status: number }[]> {
  const r = await http(twin, "GET", "/_twin/requests");
  const list = Array.isArray(r.body) ? r.body : (r.body?.requests ?? r.body?.value ?? []);
  return list;
}

export async function addFault(twin: RunningTwin, fault: Record<string, unknown>) {
  const r = await http(twin, "POST", "/_twin/faults", fault);
  if (r.status >= 300) throw new Error(`fault ${JSON.stringify(fault)}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export function deps(lines: string[] = []): ProviderDeps {
  return {
    log: (l) => lines.push(l),
    clientOptions: { pollIntervalInMs: 300, retryDelayInMs: 20, maxRetryDelayInMs: 200 },
  };
}
