// The request log (admin API): every request with its status, virtual and wall time.

export interface RequestLogEntry {
  seq: number;
  method: string;
  path: string;
  query: string;
  status: number;
  virtualTime: string;
  wallTime: string;
  durationMs: number;
  fault?: string;
}

const CAP = 20_000;

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  add(e: Omit<RequestLogEntry, "seq">): void {
    this.entries.push({ ...e, seq: ++this.seq });
    if (this.entries.length > CAP) this.entries.splice(0, this.entries.length - CAP);
  }

  since(seq: number): RequestLogEntry[] {
    return this.entries.filter((e) => e.seq > seq);
  }

  clear(): void {
    this.entries = [];
  }
}
