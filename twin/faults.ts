// Fault injection (admin API): request faults matched by method + path regex, with a count or a
// probability, and job faults consulted by the ASR engine. Faults live in the persisted state so a
// restart does not silently drop them.
import type { Twin } from "./twin";
import type { ArmResource } from "./store";
import { randomUUID } from "node:crypto";
import type { FaultKind, FaultSpec } from "./faultSpec";

export type { FaultKind, FaultSpec };

const KINDS: FaultKind[] = ["429", "500", "503", "reset", "latency", "jobFailsAtTask", "cleanupFailsOnce"];

export function validateFault(input: unknown): Omit<FaultSpec, "id" | "fired"> {
  const f = input as Partial<FaultSpec>;
  if (!f || typeof f !== "object") throw new Error("fault must be an object");
  const kind = String(f.kind) as FaultKind;
  if (!KINDS.includes(kind)) throw new Error(`fault kind must be one of ${KINDS.join(", ")}; got ${String(f.kind)}`);
  if (f.path !== undefined) new RegExp(f.path); // throws on a bad pattern
  if (f.probability !== undefined && !(f.probability >= 0 && f.probability <= 1)) throw new Error("probability must be within 0..1");
  if (f.count !== undefined && !(Number.isInteger(f.count) && f.count > 0)) throw new Error("count must be a positive integer");
  if (kind === "jobFailsAtTask" && (!f.item || !f.task)) throw new Error("jobFailsAtTask needs item and task");
  if (kind === "cleanupFailsOnce" && !f.item) throw new Error("cleanupFailsOnce needs item");
  if (kind === "latency" && !(typeof f.ms === "number" && f.ms >= 0)) throw new Error("latency needs ms");
  return {
    kind,
    method: f.method?.toUpperCase(),
    path: f.path,
    count: f.count,
    probability: f.probability,
    retryAfter: f.retryAfter,
    ms: f.ms,
    item: f.item,
    task: f.task,
  };
}

export function addFault(twin: Twin, input: unknown): FaultSpec {
  const spec: FaultSpec = { ...validateFault(input), id: randomUUID(), fired: 0 };
  if (spec.kind === "cleanupFailsOnce") spec.count = 1;
  twin.state.faults.push(spec);
  twin.commit();
  return spec;
}

function remaining(f: FaultSpec): boolean {
  if (f.count !== undefined) return f.fired < f.count;
  return f.probability !== undefined || f.fired < 1;
}

/** The request fault to apply, if any (consumes one firing). */
export function matchRequestFault(twin: Twin, method: string, path: string): FaultSpec | undefined {
  for (const f of twin.state.faults) {
    if (!["429", "500", "503", "reset", "latency"].includes(f.kind) || !remaining(f)) continue;
    if (f.method && f.method !== method) continue;
    if (f.path && !new RegExp(f.path, "i").test(path)) continue;
    if (f.probability !== undefined && Math.random() >= f.probability) continue;
    f.fired++;
    return f;
  }
  return undefined;
}

function itemMatches(item: ArmResource, ref: string | undefined): boolean {
  if (!ref) return false;
  const r = ref.toLowerCase();
  return [item.properties?.friendlyName, item.name, item.id].some((v) => typeof v === "string" && v.toLowerCase() === r);
}

export function consumeJobFault(twin: Twin, item: ArmResource, task: string): boolean {
  const f = twin.state.faults.find(
    (x) => x.kind === "jobFailsAtTask" && x.task?.toLowerCase() === task.toLowerCase() && itemMatches(item, x.item) && remaining(x),
  );
  if (!f) return false;
  f.fired++;
  return true;
}

export function consumeCleanupFault(twin: Twin, item: ArmResource): boolean {
  const f = twin.state.faults.find((x) => x.kind === "cleanupFailsOnce" && itemMatches(item, x.item) && remaining(x));
  if (!f) return false;
  f.fired++;
  return true;
}
