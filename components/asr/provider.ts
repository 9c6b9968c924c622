// The TestFailover dynamic provider: a thin mapping of the engine's calls onto modules named for what
// they do. components/testFailover.ts loads the compiled entry (providerEntry.js) at call time; this
// module has no top-level side effects, so scripts and tests may import it.
//
//   check   → checkInputs.ts        (preview-time refusals from the inputs alone)
//   diff    → diffInputs.ts         (replace vs update in place)
//   create  → runTestFailover.ts    (preflight.ts, adoption.ts from the item's jobs, trigger, follow, verify)
//   read    → refreshTestFailover.ts (gone when every item is idle, else re-verify)
//   update  → refreshTestFailover.ts (re-verify with in-guest checks; never a new test failover)
//   delete  → runCleanup.ts         (cleanup with the notes, retries, nothing left behind)
//
// Item phases come from itemState.ts (allowedOperations + the vault's jobs), never from waiting for
// testFailoverState to return to None.
import { checkInputs } from "./checkInputs";
import { diffInputs } from "./diffInputs";
import type { ProviderDeps, TestFailoverState } from "./providerState";
import { readTestFailover, updateTestFailover } from "./refreshTestFailover";
import { runCleanup } from "./runCleanup";
import { runTestFailover } from "./runTestFailover";

export type { ProviderDeps, TestFailoverState } from "./providerState";
export { resourceIdOf, REPLACE_KEYS } from "./providerState";
export { ResourceInitError } from "./resourceInitError";
export { jobFailureText } from "./jobFailure";
export { ArmError } from "./armClient";

export function check(
  _olds: Record<string, unknown>,
  news: Record<string, unknown>,
): { inputs: Record<string, unknown>; failures: { property: string; reason: string }[] } {
  return { inputs: news, failures: checkInputs(news) };
}

export function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
  return diffInputs(olds, news);
}

export function create(inputs: Record<string, unknown>, deps: ProviderDeps = {}): Promise<{ id: string; outs: TestFailoverState }> {
  return runTestFailover(inputs, deps);
}

export function read(
  id: string,
  props: Record<string, unknown>,
  deps: ProviderDeps = {},
): Promise<{ id?: string; props?: Record<string, unknown> }> {
  return readTestFailover(id, props, deps);
}

export function update(
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  deps: ProviderDeps = {},
): Promise<{ outs: TestFailoverState }> {
  return updateTestFailover(id, olds, news, deps);
}

export function del(_id: string, props: Record<string, unknown>, deps: ProviderDeps = {}): Promise<void> {
  return runCleanup(props, deps);
}

export { del as delete };
