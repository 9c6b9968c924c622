// The console of a large drill: the provider reports every VM's every task state and every verified VM on
// its own line, so a 1,000-VM `up` would print ~6,000 of them (12 VMs printed 72 of 138 lines). The runner
// folds those per-VM lines by kind — test failover, task (or "verified"), state: the first few of a kind are
// printed as they come, the rest are counted and summed up at most every 10 s and when the operation ends.
// Everything else (failures included: a failed task or check is never folded) passes through unchanged.

// `[drill x application] [test failover of recovery plan rp-1]   VM00007: Creating test virtual machine: InProgress`
const TASK =
  /^(?<prefix>(?:\S+: )?\[[^\]]+\] \[[^\]]+\])\s{3,}(?<vm>[^:\s][^:]*): (?<task>.+): (?<state>InProgress|Succeeded)(?: \([^)]*\))?$/;
// `[drill x application] VM00001 → VM00001-test: Standard_D2s_v3 running 10.20.0.4 all checks passed, running after 70.7 s`
const VERIFIED = /^(?<prefix>(?:\S+: )?\[[^\]]+\]) (?<vm>\S+) → \S+: .* all checks passed\b/;

export interface ProgressFolderOptions {
  /** Lines of one kind printed as they come before the rest are counted (default 10). */
  verbatimPerKind?: number;
  /** At most one running summary per kind in this interval (default 10 s). */
  summaryEveryMs?: number;
  now?: () => number;
}

interface Kind {
  label: string;
  seen: number;
  printed: number;
  lastVm: string;
  lastSummaryAt: number;
  summarized: number;
}

export class ProgressFolder {
  private readonly kinds = new Map<string, Kind>();
  private readonly verbatim: number;
  private readonly every: number;
  private readonly now: () => number;

  constructor(
    private readonly print: (line: string) => void,
    opts: ProgressFolderOptions = {},
  ) {
    this.verbatim = opts.verbatimPerKind ?? 10;
    this.every = opts.summaryEveryMs ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  line(text: string): void {
    const m = TASK.exec(text) ?? VERIFIED.exec(text);
    if (!m?.groups) return this.print(text);
    const label = m.groups.task
      ? `${m.groups.prefix} ${m.groups.task}: ${m.groups.state}`
      : `${m.groups.prefix} verified, all checks passed`;
    const kind = this.kinds.get(label) ?? { label, seen: 0, printed: 0, lastVm: "", lastSummaryAt: this.now(), summarized: 0 };
    this.kinds.set(label, kind);
    kind.seen++;
    kind.lastVm = m.groups.vm;
    if (kind.printed < this.verbatim) {
      kind.printed++;
      kind.summarized = kind.seen;
      return this.print(text);
    }
    if (this.now() - kind.lastSummaryAt >= this.every) this.summarize(kind, "so far");
  }

  /** Sums up every kind with lines not yet shown (call when the operation ends). */
  flush(): void {
    for (const kind of this.kinds.values()) if (kind.seen > kind.summarized) this.summarize(kind, "in all");
    this.kinds.clear();
  }

  private summarize(kind: Kind, when: string): void {
    this.print(`${kind.label} — ${kind.seen} VMs ${when} (${kind.seen - kind.printed} not listed, the last ${kind.lastVm})`);
    kind.summarized = kind.seen;
    kind.lastSummaryAt = this.now();
  }
}
