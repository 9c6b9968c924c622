// Names a logged ARM request by what it touches, from its path alone: "GET replicationProtectedItems"
// (one item), "GET replicationProtectedItems (list)", "POST replicationProtectedItems/testFailover",
// "GET virtualMachines/instanceView". Resource names, ids and query strings are dropped, so a drill's
// requests group into a few dozen kinds whatever the estate's size.

/** The resource path after the last `providers/<namespace>`: type, name, type, name, … [, action]. */
function resourceSegments(path: string): { namespace?: string; segments: string[] } {
  const parts = path.split("?")[0].split("/").filter(Boolean);
  const at = parts.map((p) => p.toLowerCase()).lastIndexOf("providers");
  if (at < 0 || at + 1 >= parts.length) {
    // subscriptions/{s}[/resourceGroups/{rg}] without a provider: the same type/name pairs.
    return { segments: parts };
  }
  return { namespace: parts[at + 1], segments: parts.slice(at + 2) };
}

export function requestKind(e: { method: string; path: string }): string {
  const { namespace, segments } = resourceSegments(e.path);
  if (segments.length === 0) return `${e.method} ${e.path.split("?")[0] || "/"}`;
  // "Compute: operations" and "Network: operations" are different traffic.
  const ns = namespace ? `${namespace.replace(/^Microsoft\./i, "")}: ` : "";
  return `${e.method} ${ns}${resourceKind(segments)}`;
}

function resourceKind(segments: string[]): string {
  // Even positions are types, odd ones names; a trailing type is a list (GET) or an action (POST).
  const types = segments.filter((_, i) => i % 2 === 0);
  const endsWithType = segments.length % 2 === 1;
  if (!endsWithType) return types[types.length - 1];
  if (types.length === 1) return `${types[0]} (list)`;
  const [owner, last] = types.slice(-2);
  // A known child collection reads as a list; anything else under a named resource is an action or view.
  return /^(replication|virtualMachines$|networkInterfaces$|subnets$|recoveryPoints$|operations$|operationResults$|blobServices$)/i.test(
    last,
  )
    ? `${last} (list)`
    : `${owner}/${last}`;
}

/**
 * The Run Command traffic of the in-guest checks: the POSTs and the polls of their Compute async
 * operations (the drill starts no other Compute operation; ASR creates the test VMs itself).
 */
export function isRunCommandRequest(e: { method: string; path: string }): boolean {
  const p = e.path.split("?")[0];
  if (e.method === "POST" && /\/virtualMachines\/[^/]+\/runCommand$/i.test(p)) return true;
  return e.method === "GET" && /\/providers\/Microsoft\.Compute\/locations\/[^/]+\/(operations|operationResults)\/[^/]+$/i.test(p);
}
