// One measured drill in its own process, so its peak memory is its own: either the TestFailover provider
// (create of every resource concurrently, as the Pulumi engine would, then delete) or the baseline a
// user would write by hand with the official SDK (beginTestFailoverAndWait per plan, then a GET per VM;
// beginTestFailoverCleanupAndWait, then a GET per VM). Input: a JSON file (argv[2]); output: one JSON
// line on stdout prefixed with "RESULT ".
import * as fs from "fs";
import { SiteRecoveryManagementClient } from "@azure/arm-recoveryservices-siterecovery";
import type { TokenCredential } from "@azure/core-auth";
import * as provider from "../components/asr/provider";
import type { TestFailoverInputs } from "../components/drillTypes";
import { PHASE_MARKER, TOKEN } from "./lib";

export interface WorkerSpec {
  mode: "provider" | "sdk";
  twinUrl: string;
  /** Virtual seconds per wall second of the twin (the provider's fallback poll interval follows it). */
  speed: number;
  inputs: TestFailoverInputs[];
  /** For the SDK baseline: per plan, its members (fabric/container/name and the test VM's ARM id). */
  plans: { name: string; members: { fabric: string; container: string; name: string; testVmId: string }[] }[];
  vault: { subscriptionId: string; resourceGroup: string; name: string };
  testNetworkId: string;
}

export interface WorkerResult {
  mode: string;
  createMs: number;
  deleteMs: number;
  jobIds: string[][];
  verdicts: string[];
  failures: string[];
  armRequestsReported: number[];
  maxRssMB: number;
}

async function phaseMarker(url: string): Promise<void> {
  await (await fetch(`${url}${PHASE_MARKER}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).text();
}

async function runProvider(spec: WorkerSpec): Promise<Omit<WorkerResult, "mode" | "maxRssMB">> {
  // The poll interval is the resources' own input (timeouts.pollIntervalSeconds = 30 s ÷ speed, set by
  // bench/drill.ts as the drill runner sets it on the twin), so nothing overrides it here.
  const deps: provider.ProviderDeps = { log: () => undefined };
  const t0 = Date.now();
  const created = await Promise.all(spec.inputs.map((i) => provider.create(i as never, deps)));
  const createMs = Date.now() - t0;
  await phaseMarker(spec.twinUrl);
  const t1 = Date.now();
  await Promise.all(created.map((c) => provider.delete(c.id, c.outs as never, deps)));
  return {
    createMs,
    deleteMs: Date.now() - t1,
    jobIds: created.map((c) => c.outs.jobIds),
    verdicts: created.map((c) => c.outs.verdict),
    failures: created.flatMap((c) => c.outs.failures),
    armRequestsReported: created.map((c) => c.outs.armRequests),
  };
}

async function runSdk(spec: WorkerSpec): Promise<Omit<WorkerResult, "mode" | "maxRssMB">> {
  const credential: TokenCredential = { getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) };
  const sdk = new SiteRecoveryManagementClient(credential, spec.vault.subscriptionId, {
    endpoint: spec.twinUrl,
    allowInsecureConnection: true,
  });
  // core-rest-pipeline refuses bearer tokens over http; the twin is loopback http, so set the header directly.
  sdk.pipeline.removePolicy({ name: "bearerTokenAuthenticationPolicy" });
  sdk.pipeline.addPolicy({
    name: "twinBearer",
    sendRequest: (req, next) => (req.headers.set("authorization", `Bearer ${TOKEN}`), next(req)),
  });
  // The SDK's poller follows Location / Azure-AsyncOperation, which name a regional host as the real
  // service's do (twin/README.md); resolve it to the twin, as DNS resolves westeurope.management.azure.com.
  const twin = new URL(spec.twinUrl);
  sdk.pipeline.addPolicy({
    name: "regionalHostToTwin",
    sendRequest: (req, next) => {
      const u = new URL(req.url);
      if (u.host !== twin.host) req.url = `${twin.origin}${u.pathname}${u.search}`;
      return next(req);
    },
  });
  const get = async (id: string) => {
    const r = await fetch(`${spec.twinUrl}${id}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };
  const { resourceGroup: rg, name: vault } = spec.vault;
  const failures: string[] = [];
  const t0 = Date.now();
  await Promise.all(
    spec.plans.map(async (plan) => {
      const after = await sdk.replicationRecoveryPlans.beginTestFailoverAndWait(vault, rg, plan.name, {
        properties: {
          failoverDirection: "PrimaryToRecovery",
          networkType: "VmNetworkAsInput",
          networkId: spec.testNetworkId,
          providerSpecificDetails: [{ instanceType: "HyperVReplicaAzure" }],
        },
      });
      if (!after.id) failures.push(`${plan.name}: no plan returned by beginTestFailoverAndWait`);
      // By hand: check each VM — its protected item, then its test VM (instance view for the power state) and NIC.
      for (const m of plan.members) {
        const item = await sdk.replicationProtectedItems.get(vault, rg, m.fabric, m.container, m.name);
        if (item.properties?.testFailoverState !== "WaitingForCompletion")
          failures.push(`${m.name}: ${item.properties?.testFailoverState}`);
        const vm = await get(`${m.testVmId}?$expand=instanceView&api-version=2024-07-01`);
        if (vm.status !== 200) failures.push(`${m.testVmId}: ${vm.status}`);
        const nic = vm.body?.properties?.networkProfile?.networkInterfaces?.[0]?.id;
        if (nic) await get(`${nic}?api-version=2024-05-01`);
      }
    }),
  );
  const createMs = Date.now() - t0;
  await phaseMarker(spec.twinUrl);
  const t1 = Date.now();
  await Promise.all(
    spec.plans.map(async (plan) => {
      await sdk.replicationRecoveryPlans.beginTestFailoverCleanupAndWait(vault, rg, plan.name, {
        properties: { comments: "bench baseline drill" },
      });
      for (const m of plan.members) {
        await sdk.replicationProtectedItems.get(vault, rg, m.fabric, m.container, m.name);
        const vm = await get(`${m.testVmId}?api-version=2024-07-01`);
        if (vm.status !== 404) failures.push(`${m.testVmId} still there after cleanup`);
      }
    }),
  );
  return { createMs, deleteMs: Date.now() - t1, jobIds: [], verdicts: [], failures, armRequestsReported: [] };
}

async function main(): Promise<void> {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as WorkerSpec;
  const r = spec.mode === "provider" ? await runProvider(spec) : await runSdk(spec);
  const result: WorkerResult = { mode: spec.mode, ...r, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
