// Reads shared by every TestFailover of the provider process on one connection (endpoint, credential,
// vault — the client's connectionKey), as the job poller is (vaultJobPoller.ts). The engine runs the
// recovery plans of a drill concurrently in one dynamic-provider process; each reads the vault's item list,
// its job list and, once its job has ended, the recovery resource group's VMs and NICs. Ten plans of one
// estate read the same lists ten times (issue 19: 10 plans × 10 VMs cost 216 reads where one 100-VM plan
// costs 21).
//
// A caller says how fresh the answer must be: `since`, a wall-clock time in ms. It is given a read that
// STARTED at or after `since` — one in flight or one finished a moment ago — or starts one. So a
// verification asks for reads that started after the poll that saw its job end (the test VMs exist by
// then); a caller that gives no `since` gets a read of its own. Operations that start together (the
// engine creates a drill's plans at once) ask with `inFlightOnly`: they join a sibling's read still under
// way that started a moment before them, never a finished one — a read of an operation that ended before
// this one began may predate what happened since (someone's cleanup, our own test failover).

/**
 * How long before an operation a sibling's read may have started and still be joined (`inFlightOnly`):
 * the engine starts the creates (or deletes) of a drill's plans within moments of each other.
 */
export const SIBLING_SLACK_MS = 2_000;

export interface Freshness {
  /** Wall-clock ms: only reads that started at or after it; absent: a read of its own. */
  since?: number;
  /** Only reads still in flight (a sibling operation's), not finished ones. */
  inFlightOnly?: boolean;
}

interface Entry {
  startedAt: number;
  done: boolean;
  value: Promise<unknown>;
}

/** How long a finished read stays available to callers whose `since` it satisfies. */
const KEEP_MS = 30_000;

const reads = new Map<string, Entry[]>();

export function sharedRead<T>(key: string, o: Freshness, read: () => Promise<T>, now = Date.now): Promise<T> {
  const since = o.since;
  const fresh = since === undefined ? undefined : (reads.get(key) ?? []).find((e) => e.startedAt >= since && !(o.inFlightOnly && e.done));
  if (fresh) return fresh.value as Promise<T>;
  const entry: Entry = { startedAt: now(), done: false, value: read() };
  reads.set(key, [...(reads.get(key) ?? []), entry]);
  const forget = () => {
    const left = (reads.get(key) ?? []).filter((e) => e !== entry);
    if (left.length) reads.set(key, left);
    else reads.delete(key);
  };
  // A failed read is forgotten at once (the next caller retries); a good one after KEEP_MS.
  entry.value.then(
    () => {
      entry.done = true;
      setTimeout(forget, KEEP_MS).unref?.();
    },
    () => forget(),
  );
  return entry.value as Promise<T>;
}

/** Reads held right now (tests). */
export function sharedReadCount(): number {
  return [...reads.values()].reduce((n, l) => n + l.length, 0);
}
