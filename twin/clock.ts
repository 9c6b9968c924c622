// Virtual clock: payload timestamps and job progress run on virtual time, which advances at
// `speed` × wall time, so a ~70 s test failover takes 70/speed wall seconds. Virtual time is
// frozen while the twin is down (the persisted `virtualMs` is where it resumes).

export class VirtualClock {
  private anchorVirtual: number;
  private anchorWall: number;

  constructor(
    startVirtualMs: number,
    private speedFactor: number,
  ) {
    if (!(speedFactor > 0) || !Number.isFinite(speedFactor)) throw new Error(`speed must be a positive number, got ${speedFactor}`);
    this.anchorVirtual = startVirtualMs;
    this.anchorWall = Date.now();
  }

  get speed(): number {
    return this.speedFactor;
  }

  nowMs(): number {
    return this.anchorVirtual + (Date.now() - this.anchorWall) * this.speedFactor;
  }

  nowIso(): string {
    return iso(this.nowMs());
  }

  /** Jumps virtual time forward (admin API; lets tests skip waits without timing assumptions). */
  advance(virtualMs: number): void {
    this.anchorVirtual += virtualMs;
  }

  /** Wall milliseconds until virtual time reaches `virtualMs` (0 when already past). */
  wallDelayUntil(virtualMs: number): number {
    return Math.max(0, (virtualMs - this.nowMs()) / this.speedFactor);
  }

  /** Virtual seconds expressed as wall milliseconds. */
  toWallMs(virtualSeconds: number): number {
    return (virtualSeconds * 1000) / this.speedFactor;
  }
}

/** ARM style timestamp with 7 fractional digits, as ASR returns them. */
export function iso(ms: number): string {
  const s = new Date(Math.floor(ms)).toISOString(); // 2024-01-01T00:00:00.000Z
  return s.replace(/\.(\d{3})Z$/, (_m, f: string) => `.${f}0000Z`);
}

/** Whole-second timestamp (ASR truncates job endTime to seconds). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z");
}

/** ASR's sentinel for tasks that have not started or ended. */
export const NOT_SET_TIME = "0001-01-01T00:00:00";
