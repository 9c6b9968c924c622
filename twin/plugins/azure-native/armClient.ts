// A small ARM client for the twin: bearer token, retries (429 honouring Retry-After, 5xx and resets a few
// times), and long-running operations (Azure-AsyncOperation / Location + Retry-After) followed to the end.
// It only ever talks to the endpoint in FAILOVER_DRILL_ARM_ENDPOINT and refuses Azure's public clouds.
import { armErrorMessage } from "./mapping";

export const DEFAULT_TWIN_TOKEN = "failover-drill-twin";
/** The Contoso fixture's subscription, used when nothing else names one. */
export const DEFAULT_SUBSCRIPTION_ID = "11111111-1111-1111-1111-111111111111";

const REAL_ARM_HOSTS = [
  /(^|\.)management\.azure\.com$/i,
  /(^|\.)management\.(chinacloudapi\.cn|usgovcloudapi\.net|microsoftazure\.de)$/i,
  /\.azure\.com$/i,
];

export class ArmError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface ArmClientOptions {
  endpoint: string;
  token: string;
  /** Attempts for 429/5xx/network errors (default 5). */
  maxAttempts?: number;
  /** Upper bound of one wait between polls or retries, ms (default 30 s). */
  maxWaitMs?: number;
  /** Overall limit of one long-running operation, ms (default 30 min). */
  lroTimeoutMs?: number;
  fetchImpl?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export interface ArmResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** The endpoint/token from the environment; throws a clear error when the endpoint is missing or is real Azure. */
export function armOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ArmClientOptions {
  const endpoint = env.FAILOVER_DRILL_ARM_ENDPOINT;
  if (!endpoint) {
    throw new Error(
      "the stand-in azure-native plugin (twin/plugins) only talks to the Azure twin, and FAILOVER_DRILL_ARM_ENDPOINT is not set. " +
        "Start the twin and set FAILOVER_DRILL_ARM_ENDPOINT=http://127.0.0.1:<port>, or take twin/plugins/bin off PATH to use the real azure-native plugin against Azure.",
    );
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`FAILOVER_DRILL_ARM_ENDPOINT=${endpoint} is not a URL (expected http://127.0.0.1:<port>)`);
  }
  if (REAL_ARM_HOSTS.some((re) => re.test(url.hostname))) {
    throw new Error(
      `FAILOVER_DRILL_ARM_ENDPOINT=${endpoint} is a real Azure endpoint; the stand-in azure-native plugin only talks to the twin`,
    );
  }
  return { endpoint: endpoint.replace(/\/+$/, ""), token: env.FAILOVER_DRILL_TWIN_TOKEN || DEFAULT_TWIN_TOKEN };
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class ArmClient {
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  constructor(readonly opts: ArmClientOptions) {
    this.fetchImpl = opts.fetchImpl ?? fetch;
    this.sleep = opts.sleep ?? defaultSleep;
  }

  url(pathOrUrl: string, apiVersion?: string, query: Record<string, string> = {}): string {
    const u = /^https?:\/\//.test(pathOrUrl) ? new URL(pathOrUrl) : new URL(this.opts.endpoint + pathOrUrl);
    const base = new URL(this.opts.endpoint);
    if (u.host !== base.host) {
      // Polling URLs must stay on the twin.
      throw new Error(`refusing to follow ${u.origin} (not the twin at ${base.origin})`);
    }
    if (apiVersion && !u.searchParams.has("api-version")) u.searchParams.set("api-version", apiVersion);
    // OData parameters keep their literal `$` (as the Azure SDKs send them).
    const extra = Object.entries(query).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
    const s = u.toString();
    return extra.length === 0 ? s : `${s}${u.search ? "&" : "?"}${extra.join("&")}`;
  }

  private retryAfterMs(headers: Headers, fallbackMs: number): number {
    const ra = headers.get("retry-after");
    const secs = ra !== null ? Number(ra) : NaN;
    const ms = Number.isFinite(secs) ? secs * 1000 : fallbackMs;
    return Math.min(Math.max(ms, 0), this.opts.maxWaitMs ?? 30_000);
  }

  /** One request with retries for 429 (Retry-After), 5xx and network errors. Non-2xx answers are returned, not thrown. */
  async request(method: string, url: string, body?: unknown): Promise<ArmResponse> {
    const attempts = this.opts.maxAttempts ?? 5;
    let lastErr: unknown;
    for (let i = 1; i <= attempts; i++) {
      let res: Response;
      try {
        res = await this.fetchImpl(url, {
          method,
          headers: {
            Authorization: `Bearer ${this.opts.token}`,
            "Content-Type": "application/json",
            Accept: "application/json",
            "User-Agent": "failover-drill-standin-azure-native",
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (err) {
        lastErr = err;
        if (i < attempts) await this.sleep(Math.min(500 * 2 ** (i - 1), this.opts.maxWaitMs ?? 30_000));
        continue;
      }
      const text = await res.text();
      let parsed: any = undefined;
      if (text.length > 0) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      }
      if ((res.status === 429 || res.status >= 500) && i < attempts) {
        await this.sleep(this.retryAfterMs(res.headers, 1000 * 2 ** (i - 1)));
        lastErr = new ArmError(armErrorMessage(res.status, parsed, `${method} ${url}`), res.status);
        continue;
      }
      return { status: res.status, body: parsed, headers: res.headers };
    }
    if (lastErr instanceof ArmError) throw lastErr;
    throw new Error(`${method} ${url} failed after ${attempts} attempts: ${lastErr instanceof Error ? lastErr.message : String(lastErr)}`);
  }

  private fail(res: ArmResponse, what: string): never {
    const err = res.body?.error ?? res.body;
    throw new ArmError(armErrorMessage(res.status, res.body, what), res.status, typeof err?.code === "string" ? err.code : undefined);
  }

  async get(path: string, apiVersion: string, query: Record<string, string> = {}): Promise<any | undefined> {
    const res = await this.request("GET", this.url(path, apiVersion, query));
    if (res.status === 404) return undefined;
    if (res.status >= 400) this.fail(res, `reading ${path}`);
    return res.body;
  }

  /** PUT and wait until the resource is provisioned; returns the final resource body. */
  async put(path: string, apiVersion: string, body: unknown): Promise<any> {
    const res = await this.request("PUT", this.url(path, apiVersion), body);
    if (res.status >= 400) this.fail(res, `creating or updating ${path}`);
    await this.followLro(res, `creating or updating ${path}`);
    const final = await this.get(path, apiVersion);
    if (final === undefined)
      throw new ArmError(`creating or updating ${path}: the resource does not exist after the operation completed`, 404);
    const state = final?.properties?.provisioningState;
    if (typeof state === "string" && /^(failed|canceled)$/i.test(state)) {
      throw new ArmError(`creating or updating ${path}: provisioningState ${state}`, 200, "ProvisioningFailed");
    }
    return final;
  }

  /** DELETE and wait until gone; a resource that is already gone is success. */
  async delete(path: string, apiVersion: string): Promise<void> {
    const res = await this.request("DELETE", this.url(path, apiVersion));
    if (res.status === 404 || res.status === 204) return;
    if (res.status >= 400) this.fail(res, `deleting ${path}`);
    await this.followLro(res, `deleting ${path}`, true);
  }

  /** Follows Azure-AsyncOperation (status document) or Location (202 until done) until the operation ends. */
  async followLro(first: ArmResponse, what: string, isDelete = false): Promise<void> {
    const aao = first.headers.get("azure-asyncoperation");
    const loc = first.headers.get("location");
    if (!aao && !loc) return;
    if (first.status !== 201 && first.status !== 202 && !(first.status === 200 && aao)) return;
    const deadline = Date.now() + (this.opts.lroTimeoutMs ?? 30 * 60_000);
    let wait = this.retryAfterMs(first.headers, 1000);
    while (Date.now() < deadline) {
      await this.sleep(wait);
      if (aao) {
        const st = await this.request("GET", this.url(aao));
        if (st.status === 404 && isDelete) return;
        if (st.status >= 400) this.fail(st, `${what} (polling the operation)`);
        const status = String(st.body?.status ?? "");
        if (/^succeeded$/i.test(status)) return;
        if (/^(failed|canceled|cancelled)$/i.test(status)) {
          const e = st.body?.error ?? { code: `Operation${status}`, message: `the operation ended ${status}` };
          throw new ArmError(armErrorMessage(200, { error: e }, what), 200, e.code);
        }
        wait = this.retryAfterMs(st.headers, 1000);
      } else {
        const st = await this.request("GET", this.url(loc!));
        if (st.status === 202) {
          wait = this.retryAfterMs(st.headers, 1000);
          continue;
        }
        if (st.status === 404 && isDelete) return;
        if (st.status >= 400) this.fail(st, what);
        return;
      }
    }
    throw new ArmError(`${what}: the operation did not finish in time`, 408, "OperationTimedOut");
  }
}
