// ARM long-running operations: async PUT/DELETE and POST actions answer 201/202 with
// Azure-AsyncOperation / Location / Retry-After; the work completes on virtual time.
import type { Twin } from "../twin";
import { ArmOperation, key } from "../store";
import { iso } from "../clock";
import { ArmError } from "../errors";
import type { Reply, RequestCtx } from "../http";

/** Completes a POST action (Run Command, power actions) once due; injected so this module does not import the handlers. */
export type ActionCompleter = (twin: Twin, action: string, resourceId: string, params: unknown) => unknown;

export interface StartOperation {
  kind: ArmOperation["kind"];
  resourceId: string;
  namespace: string;
  location: string;
  seconds: number;
  action?: string;
  params?: unknown;
}

export function startOperation(twin: Twin, o: StartOperation): ArmOperation & { action?: string; params?: unknown } {
  const now = twin.now();
  const op = {
    name: twin.newName(),
    kind: o.kind,
    resourceId: o.resourceId,
    namespace: o.namespace,
    location: o.location || "westeurope",
    startMs: now,
    doneAtMs: now + o.seconds * 1000,
    status: "InProgress" as const,
    action: o.action,
    params: o.params,
  };
  twin.state.operations[op.name] = op;
  return op;
}

function subscriptionOf(id: string): string {
  return id.split("/")[2];
}

export function operationUrls(ctx: RequestCtx, op: ArmOperation): { aao: string; location: string } {
  const base = `${ctx.baseUrl}/subscriptions/${subscriptionOf(op.resourceId)}/providers/${op.namespace}/locations/${op.location}`;
  const v = `api-version=${encodeURIComponent(ctx.apiVersion)}`;
  return { aao: `${base}/operations/${op.name}?${v}`, location: `${base}/operationResults/${op.name}?${v}` };
}

/** Headers of an accepted async request: both polling URLs and a Retry-After. */
export function asyncHeaders(twin: Twin, ctx: RequestCtx, op: ArmOperation, retrySeconds = 10): Record<string, string> {
  const u = operationUrls(ctx, op);
  return { "Azure-AsyncOperation": u.aao, Location: u.location, ...twin.retryAfter(retrySeconds) };
}

export function completeDueOperations(twin: Twin, now: number, completeAction: ActionCompleter): boolean {
  let changed = false;
  const due = Object.values(twin.state.operations)
    .filter((o) => o.status === "InProgress" && o.doneAtMs <= now)
    .sort((a, b) => a.doneAtMs - b.doneAtMs);
  for (const op of due) {
    changed = true;
    try {
      finish(twin, op, completeAction);
      op.status = "Succeeded";
    } catch (e) {
      op.status = "Failed";
      op.error = e instanceof ArmError ? { code: e.code, message: e.message } : { code: "InternalServerError", message: String(e) };
    }
  }
  // Forget finished operations after a virtual day; keeps the state file bounded.
  for (const [name, op] of Object.entries(twin.state.operations)) {
    if (op.status !== "InProgress" && op.doneAtMs < now - 86_400_000) delete twin.state.operations[name];
  }
  return changed;
}

function finish(twin: Twin, op: ArmOperation & { action?: string; params?: unknown }, completeAction: ActionCompleter): void {
  const res = twin.get(op.resourceId);
  if (op.kind === "put") {
    if (res?.properties) res.properties.provisioningState = "Succeeded";
  } else if (op.kind === "delete") {
    if (op.resourceId.split("/").length === 5) {
      // resource group: delete cascades to everything inside it
      for (const r of twin.under(op.resourceId)) twin.remove(r.id);
    }
    twin.remove(op.resourceId);
  } else if (op.action) {
    op.output = completeAction(twin, op.action, op.resourceId, op.params);
  }
}

export function nextOperationDue(twin: Twin): number | undefined {
  let min: number | undefined;
  for (const o of Object.values(twin.state.operations)) {
    if (o.status === "InProgress" && (min === undefined || o.doneAtMs < min)) min = o.doneAtMs;
  }
  return min;
}

/** GET …/locations/{loc}/operations/{name} (Azure-AsyncOperation) */
export function getOperationStatus(twin: Twin, name: string): Reply {
  const op = twin.state.operations[name] ?? twin.state.operations[findName(twin, name)];
  if (!op) throw new ArmError(404, "OperationNotFound", `The operation '${name}' was not found.`);
  const body: Record<string, unknown> = { name: op.name, status: op.status, startTime: iso(op.startMs) };
  if (op.status !== "InProgress") body.endTime = iso(op.doneAtMs);
  if (op.error) body.error = op.error;
  if (op.output !== undefined) body.properties = { output: op.output };
  return { status: 200, body, headers: op.status === "InProgress" ? twin.retryAfter(10) : {} };
}

/** GET …/operationResults/{name} (Location): 202 while running, then the final result. */
export function getOperationResult(twin: Twin, ctx: RequestCtx, name: string): Reply {
  const op = twin.state.operations[name] ?? twin.state.operations[findName(twin, name)];
  if (!op) throw new ArmError(404, "OperationNotFound", `The operation '${name}' was not found.`);
  if (op.status === "InProgress") {
    return { status: 202, headers: { Location: `${ctx.baseUrl}${ctx.path}?${ctx.query.toString()}`, ...twin.retryAfter(10) } };
  }
  if (op.status === "Failed") throw new ArmError(400, op.error?.code ?? "OperationFailed", op.error?.message ?? "The operation failed.");
  if (op.kind === "delete") return { status: 200 };
  if (op.output !== undefined) return { status: 200, body: op.output };
  const res = twin.get(op.resourceId);
  return res ? { status: 200, body: res } : { status: 204 };
}

function findName(twin: Twin, name: string): string {
  const k = key(name);
  return Object.keys(twin.state.operations).find((n) => key(n) === k) ?? name;
}
