// After `pulumi destroy`: ask ARM (the twin, or Azure) whether anything of the drill is left — a protected
// item still in a test-failover state, or a test VM, NIC or managed disk. Read-only GETs.
import { itemPhase } from "../../components/asr/itemState";
import type { Job, ProtectedItem } from "../../components/asr/types";
export interface CleanupConfirmation {
  clean: boolean;
  destroySucceeded: boolean;
  leftovers: string[];
  checkedAt: string;
}

export interface VaultRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const API = {
  asr: "2025-08-01",
  compute: "2024-07-01",
  disks: "2024-03-02",
  network: "2024-05-01",
};

async function listAll(endpoint: string, token: string, pathAndQuery: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let next: string | undefined = new URL(pathAndQuery, endpoint).toString();
  while (next) {
    const res = await fetch(next, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`GET ${next} answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as { value?: Record<string, unknown>[]; nextLink?: string };
    items.push(...(body.value ?? []));
    next = body.nextLink;
  }
  return items;
}

export async function confirmNothingLeft(
  endpoint: string,
  token: string,
  vault: VaultRef,
  destroySucceeded: boolean,
): Promise<CleanupConfirmation> {
  const leftovers: string[] = [];
  const sub = `/subscriptions/${vault.subscriptionId}`;
  const vaultPath = `${sub}/resourceGroups/${vault.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${vault.name}`;
  try {
    const items = (await listAll(endpoint, token, `${vaultPath}/replicationProtectedItems?api-version=${API.asr}`)) as unknown as ProtectedItem[];
    const jobs = (await listAll(endpoint, token, `${vaultPath}/replicationJobs?api-version=${API.asr}`)) as unknown as Job[];
    for (const item of items) {
      // Idle by the one definition (components/asr/itemState.ts): a finished cleanup stays MarkedForDeletion.
      const phase = itemPhase(item, jobs);
      if (phase !== "idle" && phase !== "blocked") {
        leftovers.push(`protected item ${item.properties?.friendlyName ?? item.name}: ${phase} (testFailoverState ${item.properties?.testFailoverState})`);
      }
    }
    const kinds: [string, string][] = [
      ["test VM", `${sub}/providers/Microsoft.Compute/virtualMachines?api-version=${API.compute}`],
      ["test NIC", `${sub}/providers/Microsoft.Network/networkInterfaces?api-version=${API.network}`],
      ["test disk", `${sub}/providers/Microsoft.Compute/disks?api-version=${API.disks}`],
    ];
    for (const [kind, url] of kinds) {
      for (const r of await listAll(endpoint, token, url)) {
        const name = String(r.name ?? "");
        if (/-test(\b|-|_|$)/i.test(name)) leftovers.push(`${kind} ${r.id ?? name}`);
      }
    }
  } catch (err) {
    leftovers.push(`could not confirm the cleanup: ${(err as Error).message}`);
  }
  return { clean: leftovers.length === 0 && destroySucceeded, destroySucceeded, leftovers, checkedAt: new Date().toISOString() };
}
