// The twin's in-process core: state + virtual clock + persistence + the scheduler that moves
// long-running work (ARM operations, ASR jobs) forward on virtual time. Handlers mutate
// `state` and call `commit()`; nothing is acknowledged before it is on disk. The kinds of work are
// injected (schedulers.ts), so this core imports none of the ARM or ASR handlers that use it.
import { randomUUID } from "node:crypto";
import { VirtualClock } from "./clock";
import { ArmResource, StateFile, TwinState, emptyState, key } from "./store";
import { TypeIndex } from "./typeIndex";

/** One kind of long-running work that moves on virtual time (ARM operations, ASR jobs). */
export interface Scheduler {
  /** Completes/advances everything due at virtual `now`; true when the state changed. */
  advance(twin: Twin, now: number): boolean;
  /** Virtual time of its next due work, undefined when idle. */
  nextDue(twin: Twin): number | undefined;
}

export interface TwinOptions {
  stateDir?: string;
  speed?: number;
  schedulers: Scheduler[];
}

export class Twin {
  state: TwinState;
  readonly clock: VirtualClock;
  private readonly file?: StateFile;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** Last fixture loaded (for /_twin/reset). Not persisted: reset after restart empties the estate. */
  fixtureSource?: unknown;
  private readonly schedulers: Scheduler[];
  private readonly types = new TypeIndex();

  constructor(opts: TwinOptions) {
    this.schedulers = opts.schedulers;
    this.file = opts.stateDir ? new StateFile(opts.stateDir) : undefined;
    const loaded = this.file?.load();
    this.state = loaded ?? emptyState(Date.now());
    this.clock = new VirtualClock(this.state.virtualMs, opts.speed ?? 1);
  }

  get hasPersistedState(): boolean {
    return Object.keys(this.state.resources).length > 0;
  }

  now(): number {
    return this.clock.nowMs();
  }

  newName(): string {
    return randomUUID();
  }

  get(id: string): ArmResource | undefined {
    return this.state.resources[key(id)];
  }

  set(res: ArmResource): void {
    const k = key(res.id);
    const previous = this.state.resources[k];
    this.state.resources[k] = res;
    this.types.set(this.state.resources, k, res, previous);
  }

  remove(id: string): void {
    const k = key(id);
    const previous = this.state.resources[k];
    delete this.state.resources[k];
    delete this.state.meta[k];
    this.types.remove(this.state.resources, k, previous);
  }

  /** Every stored resource whose id lies under `prefixId` (exclusive), e.g. a resource group. */
  under(prefixId: string): ArmResource[] {
    const p = key(prefixId) + "/";
    return Object.entries(this.state.resources)
      .filter(([k]) => k.startsWith(p))
      .map(([, r]) => r);
  }

  /** Resources of one canonical type (case-insensitive) — for cross-resource checks. */
  ofType(type: string): ArmResource[] {
    return this.types.ofType(this.state.resources, type);
  }

  /** Retry-After carries virtual seconds converted to wall seconds (ceil, ≥1) so clients polling
   *  by the header wait (virtual / speed); at speed 1 this is exactly the service's value. */
  retryAfter(virtualSeconds: number): Record<string, string> {
    return { "Retry-After": String(Math.max(1, Math.ceil(virtualSeconds / this.clock.speed))) };
  }

  /**
   * Marks the state changed and re-arms the scheduler; the state is persisted (atomically) once for every
   * change made in this turn of the event loop (group commit). The server acknowledges a request only after
   * `durable()`, so "nothing is acknowledged before it is on disk" holds, while 100 concurrent Run Commands
   * against a 1,000-VM estate (an 18 MB state) write it once instead of 100 times. The write and fsync run
   * off the event loop, one save at a time: requests that only read are served meanwhile, and changes made
   * while a save is written go to the next one.
   */
  commit(): void {
    this.state.virtualMs = this.now();
    if (this.file && !this.pending) {
      const pending = new Promise<void>((resolve, reject) =>
        setImmediate(() => {
          void (async () => {
            // One save at a time: the next one starts (and takes its snapshot) once the last is on disk.
            await this.writing?.catch(() => undefined);
            if (this.pending === pending) this.pending = undefined;
            // stop() has saved already (and a test may have removed the folder since).
            if (this.stopped) return;
            const writing = this.save();
            this.writing = writing;
            try {
              await writing;
            } finally {
              if (this.writing === writing) this.writing = undefined;
            }
          })().then(resolve, reject);
        }),
      );
      // A failed save fails the replies waiting on it (server: durable()); nothing else awaits it.
      pending.catch(() => undefined);
      this.pending = pending;
    }
    this.schedule();
  }

  /** The save that will take in every change committed since the last snapshot (not started yet). */
  private pending?: Promise<void>;
  /** The save being written (its snapshot taken). */
  private writing?: Promise<void>;

  /** Resolves once every change committed so far is on disk. */
  durable(): Promise<void> {
    return this.pending ?? this.writing ?? Promise.resolve();
  }

  private save(): Promise<void> {
    this.state.virtualMs = this.now();
    return this.file ? this.file.save(this.state, () => !this.stopped) : Promise.resolve();
  }

  /** Virtual time of the next due work (Infinity when idle); recomputed by schedule(). */
  private nextDue = -Infinity;

  /** Moves all due work forward to virtual now; persists when anything changed. */
  tick(): void {
    const now = this.now();
    // Fast path for the common GET: nothing is due yet, so there is nothing to scan.
    if (now < this.nextDue) return;
    // Every scheduler runs (no short-circuit): each one's due work is done in this tick.
    const changed = this.schedulers.map((s) => s.advance(this, now)).some(Boolean);
    if (changed) this.commit();
    else this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const due = this.schedulers.map((s) => s.nextDue(this)).filter((d): d is number => d !== undefined);
    this.nextDue = due.length === 0 ? Infinity : Math.min(...due);
    if (due.length === 0) return;
    const delay = Math.min(this.clock.wallDelayUntil(Math.min(...due)), 2 ** 31 - 1);
    this.timer = setTimeout(() => this.tick(), Math.max(1, Math.ceil(delay)));
    this.timer.unref?.();
  }

  replaceState(state: TwinState): void {
    this.nextDue = -Infinity;
    this.state = state;
    this.commit();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.pending = undefined;
    this.state.virtualMs = this.now();
    this.file?.saveSync(this.state);
  }
}
