// A small client for the /_twin/ admin API, for tests and scripts.
import type { FaultSpec } from "./faults";
import type { RequestLogEntry } from "./requestLog";

export type FaultInput = Omit<FaultSpec, "id" | "fired">;

export class TwinAdminClient {
  constructor(readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/_twin/${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new Error(`twin admin ${method} ${path}: ${res.status} ${text}`);
    return parsed as T;
  }

  health() {
    return this.call<{ status: string; virtualTime: string; speed: number; resources: number; jobs: number }>("GET", "health");
  }
  reset() {
    return this.call<{ status: string }>("POST", "reset");
  }
  /** Loads a fixture object, or a fixture file by path. */
  loadFixture(fixture: object | string) {
    return this.call<{ status: string }>("POST", "fixture", typeof fixture === "string" ? { path: fixture } : fixture);
  }
  async requests(since = 0): Promise<RequestLogEntry[]> {
    return (await this.call<{ value: RequestLogEntry[] }>("GET", `requests?since=${since}`)).value;
  }
  clearRequests() {
    return this.call<{ status: string }>("DELETE", "requests");
  }
  addFault(fault: Partial<FaultInput> & { kind: FaultInput["kind"] }) {
    return this.call<FaultSpec>("POST", "faults", fault);
  }
  async faults(): Promise<FaultSpec[]> {
    return (await this.call<{ value: FaultSpec[] }>("GET", "faults")).value;
  }
  clearFaults() {
    return this.call<{ status: string }>("DELETE", "faults");
  }
  clock() {
    return this.call<{ now: string; nowMs: number; speed: number }>("GET", "clock");
  }
  /** Jumps virtual time forward (jobs due in that span complete). */
  advanceClock(seconds: number) {
    return this.call<{ now: string; speed: number }>("POST", "clock", { advanceSeconds: seconds });
  }
}
