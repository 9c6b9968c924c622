// The shape of an injected fault (admin API), apart from the injector so that the persisted state
// (store.ts) can hold faults without importing the injector, which reads the state.
export type FaultKind = "429" | "500" | "503" | "reset" | "latency" | "jobFailsAtTask" | "cleanupFailsOnce";

export interface FaultSpec {
  id: string;
  kind: FaultKind;
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Regex tested against the request path (case-insensitive); any when absent. */
  path?: string;
  /** How many times it fires (unlimited when absent and probability is set; 1 by default). */
  count?: number;
  /** Chance (0–1) per matching request. */
  probability?: number;
  /** 429: Retry-After seconds (header as sent). */
  retryAfter?: number;
  /** latency: added milliseconds (wall). */
  ms?: number;
  /** jobFailsAtTask / cleanupFailsOnce: protected item friendly name or name (GUID) or id. */
  item?: string;
  /** jobFailsAtTask: task name, e.g. VmTfoPrepareTestVm. */
  task?: string;
  fired: number;
}
