// A small ARM HTTP client on @azure/core-rest-pipeline: credentials, the allowlist (as the last policy
// before the wire), retries that know which requests are safe to repeat, nextLink paging, and a request
// counter. Site Recovery, Compute and Network calls are built on it in asrClient.ts.
//
// Retry rules (Azure SDK guideline names: maxRetries, retryDelayInMs, maxRetryDelayInMs):
// - 429: wait Retry-After (retry-after-ms / x-ms-retry-after-ms / Retry-After seconds or date) and retry.
//   The service refused the request, so even a POST is safe to repeat.
// - 408, 5xx and transport failures (reset, timeout): exponential backoff with jitter (or Retry-After
//   when given). A GET is simply repeated. A POST is ambiguous — the service may have accepted it — so
//   before repeating it the caller's `confirmAccepted` check runs (item/plan state, job list): a test
//   failover is never started twice.
import type { ArmConnection } from "../contract";
import { abortableSleep } from "../contract";
import { cloudNamed } from "../clouds";
import { assertAllowed } from "./allowlist";

// Only types are imported at module scope; the runtime modules are required lazily so that nothing
// heavy is loaded (or captured) before a client is actually built.
import type { HttpClient, Pipeline, PipelinePolicy, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export interface ArmRetryOptions {
  /** Retries after the first attempt. Default 6. */
  maxRetries?: number;
  /** Base delay of the exponential backoff. Default 1000 ms. */
  retryDelayInMs?: number;
  /** Cap of the exponential backoff (a server's Retry-After is honoured as given). Default 60000 ms. */
  maxRetryDelayInMs?: number;
}

export interface ArmClientOptions extends ArmRetryOptions, ArmConnection {
  /** Per-request timeout. Default 120000 ms. */
  requestTimeoutInMs?: number;
  /** Replaces the HTTP client (tests). */
  httpClient?: HttpClient;
  /** Replaces the timer (tests). */
  sleep?: (ms: number, abortSignal?: AbortSignal) => Promise<void>;
  /** Called for retries and other notable events; never receives headers or tokens. */
  onEvent?: (message: string) => void;
}

export interface ArmRequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  abortSignal?: AbortSignal;
  /**
   * For POSTs only: called before an ambiguous POST (timeout, reset, 5xx) is repeated. Return a
   * response-like value when the service did accept the first attempt; the POST is then not repeated.
   */
  confirmAccepted?: () => Promise<ArmResponse | undefined>;
}

export interface ArmResponse<T = unknown> {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: T | undefined;
  /** True when the value came from `confirmAccepted` instead of the POST's own response. */
  confirmedByRead?: boolean;
}

/** An ARM error with the request named (never its headers) and ARM's own error code. */
export class ArmError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly statusCode: number | undefined,
    readonly code: string | undefined,
    detail: string,
  ) {
    super(`${method} ${path} failed${statusCode ? ` (${statusCode}${code ? ` ${code}` : ""})` : ""}: ${detail}`);
    this.name = "ArmError";
  }
}

export interface ArmRequestStats {
  total: number;
  byRule: Record<string, number>;
  retries: number;
}

/** Milliseconds the server asked us to wait, from the Azure SDK's three headers, or undefined. */
export function retryAfterInMs(headers: Record<string, string> | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  for (const h of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const v = headers[h];
    if (v !== undefined && v !== "" && Number.isFinite(Number(v))) return Math.max(0, Number(v));
  }
  const ra = headers["retry-after"];
  if (ra === undefined || ra === "") return undefined;
  // The recordings show the header listed twice ("30, 30"); take the first value.
  const first = ra.split(",")[0].trim();
  if (/^\d+(\.\d+)?$/.test(first)) return Number(first) * 1000;
  const date = Date.parse(ra);
  if (!Number.isNaN(date)) return Math.max(0, date - now);
  return undefined;
}

const RETRIABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

function armErrorDetail(body: unknown, fallback: string): { code?: string; message: string } {
  const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (err && (err.code || err.message)) return { code: err.code, message: err.message ?? err.code ?? fallback };
  return { message: fallback };
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

export class ArmClient {
  readonly endpoint: URL;
  readonly stats: ArmRequestStats = { total: 0, byRule: {}, retries: 0 };
  /**
   * The polling interval the service advertised (Retry-After) when it last accepted a long-running
   * operation (202). Waits that have no response of their own to read it from (an item leaving
   * MarkedForDeletion) use it, so they follow the service rather than a constant.
   */
  operationRetryAfterInMs: number | undefined;
  private readonly opts: Required<Pick<ArmClientOptions, "maxRetries" | "retryDelayInMs" | "maxRetryDelayInMs" | "requestTimeoutInMs">> &
    ArmClientOptions;
  private pipeline: Pipeline | undefined;
  private httpClient: HttpClient | undefined;

  constructor(options: ArmClientOptions) {
    this.endpoint = new URL(options.endpoint);
    this.opts = {
      maxRetries: 6,
      retryDelayInMs: 1000,
      maxRetryDelayInMs: 60_000,
      requestTimeoutInMs: 120_000,
      ...options,
    };
    // The config check (components/config.ts) refuses these too; this is the last line before a token
    // could leave the machine or travel in clear text.
    if (options.credentialMode === "staticToken") {
      if (!LOOPBACK_HOSTS.has(this.endpoint.hostname)) {
        throw new Error(
          `arm.endpoint ${JSON.stringify(options.endpoint)} is not a loopback URL; credentialMode "staticToken" sends its token only to this machine`,
        );
      }
      if (!options.tokenVariable)
        throw new Error(`credentialMode "staticToken" needs arm.tokenVariable, the environment variable that holds the token`);
    } else if (this.endpoint.protocol !== "https:") {
      throw new Error(
        `arm.endpoint ${JSON.stringify(options.endpoint)} must be https with credentialMode "default" (bearer tokens are never sent in clear text)`,
      );
    }
  }

  private get sleep() {
    return this.opts.sleep ?? abortableSleep;
  }

  private build(): { pipeline: Pipeline; httpClient: HttpClient } {
    if (this.pipeline && this.httpClient) return { pipeline: this.pipeline, httpClient: this.httpClient };
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: nothing heavy is loaded (or captured) before a client is built
    const core = require("@azure/core-rest-pipeline") as typeof import("@azure/core-rest-pipeline");
    const pipeline = core.createEmptyPipeline();
    if (this.opts.credentialMode === "staticToken") {
      const variable = this.opts.tokenVariable!;
      const staticToken: PipelinePolicy = {
        name: "drillStaticBearerToken",
        sendRequest: (req, next) => {
          // Read at call time, never stored on the client: tokens stay out of serialized state.
          req.headers.set("Authorization", `Bearer ${process.env[variable] ?? ""}`);
          return next(req);
        },
      };
      pipeline.addPolicy(staticToken);
    } else {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: @azure/identity only for the Entra ID credential mode
      const identity = require("@azure/identity") as typeof import("@azure/identity");
      // The cloud decides both where Entra ID issues the token and the Resource Manager scope it is for.
      const cloud = cloudNamed(this.opts.cloud);
      pipeline.addPolicy(
        core.bearerTokenAuthenticationPolicy({
          credential: new identity.DefaultAzureCredential({ authorityHost: cloud.authorityHost }),
          scopes: cloud.resourceManagerScope,
        }),
      );
    }
    const host = this.endpoint.host;
    const allowlist: PipelinePolicy = {
      name: "drillAllowlist",
      sendRequest: (req, next) => {
        const rule = assertAllowed(req.method, req.url, host);
        this.stats.total++;
        this.stats.byRule[rule] = (this.stats.byRule[rule] ?? 0) + 1;
        return next(req);
      },
    };
    // Last policy before the wire (policies without a phase run in insertion order).
    pipeline.addPolicy(allowlist);
    this.pipeline = pipeline;
    this.httpClient = this.opts.httpClient ?? core.createDefaultHttpClient();
    return { pipeline, httpClient: this.httpClient };
  }

  /** Absolute URL for an ARM path (or an absolute URL, e.g. a nextLink) with query parameters. */
  url(pathOrUrl: string, query?: Record<string, string | undefined>): string {
    const u = /^https?:\/\//i.test(pathOrUrl) ? new URL(pathOrUrl) : new URL(pathOrUrl, this.endpoint);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, v);
    return u.toString();
  }

  async request<T = unknown>(method: "GET" | "POST", pathOrUrl: string, options: ArmRequestOptions = {}): Promise<ArmResponse<T>> {
    const { pipeline, httpClient } = this.build();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: nothing heavy is loaded (or captured) before a client is built
    const core = require("@azure/core-rest-pipeline") as typeof import("@azure/core-rest-pipeline");
    const url = this.url(pathOrUrl, options.query);
    const path = pathOf(url);
    // Fail fast (before any retry loop) when the request is not allowed or has no credential.
    assertAllowed(method, url, this.endpoint.host);
    if (this.opts.credentialMode === "staticToken" && !process.env[this.opts.tokenVariable!]) {
      throw new ArmError(
        method,
        path,
        undefined,
        "NoCredential",
        `the environment variable ${this.opts.tokenVariable} (arm.tokenVariable) that holds the ARM token is empty or not set`,
      );
    }
    for (let attempt = 0; ; attempt++) {
      // The per-request timeout is ours, not the HTTP client's: @typespec/ts-http-runtime 0.3.6 clears its
      // own `timeout` timer only when a response arrives, so after a reset or a refused connection it stays
      // armed for the whole timeout and the process (the drill program: `pulumi up` waits for it) cannot
      // exit for up to two minutes. This timer is cleared whatever happens.
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), this.opts.requestTimeoutInMs);
      const req: PipelineRequest = core.createPipelineRequest({
        url,
        method,
        abortSignal: options.abortSignal ? AbortSignal.any([options.abortSignal, timeout.signal]) : timeout.signal,
        allowInsecureConnection: this.opts.credentialMode === "staticToken" && this.endpoint.protocol === "http:",
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
      req.headers.set("Accept", "application/json");
      if (options.body !== undefined) req.headers.set("Content-Type", "application/json");
      let res: PipelineResponse | undefined;
      let transportError: string | undefined;
      try {
        res = await pipeline.sendRequest(httpClient, req);
      } catch (e) {
        if (options.abortSignal?.aborted) throw e;
        const err = e as { name?: string; code?: string; message?: string; response?: PipelineResponse };
        if (err?.name === "AllowlistViolationError") throw e;
        if (err?.response) res = err.response;
        else if (timeout.signal.aborted) transportError = `timeout: no response within ${this.opts.requestTimeoutInMs} ms`;
        else transportError = `${err?.code ?? err?.name ?? "Error"}: ${err?.message ?? String(e)}`;
      } finally {
        clearTimeout(timer);
      }
      const headers: Record<string, string> = {};
      if (res) for (const [k, v] of res.headers) headers[k.toLowerCase()] = v;
      let body: unknown;
      if (res?.bodyAsText) {
        try {
          body = JSON.parse(res.bodyAsText);
        } catch {
          body = undefined;
        }
      }
      if (res && res.status < 400) {
        if (res.status === 202) this.operationRetryAfterInMs = retryAfterInMs(headers) ?? this.operationRetryAfterInMs;
        return { status: res.status, headers, body: body as T };
      }

      const status = res?.status;
      const retriable = transportError !== undefined || (status !== undefined && RETRIABLE_STATUS.has(status));
      const detail = transportError ?? armErrorDetail(body, res?.bodyAsText?.slice(0, 300) || `HTTP ${status}`).message;
      if (!retriable || attempt >= this.opts.maxRetries) {
        const code = transportError ? "TransportError" : armErrorDetail(body, "").code;
        throw new ArmError(method, path, status, code, attempt > 0 ? `${detail} (after ${attempt} retries)` : detail);
      }
      const backoff = Math.min(this.opts.maxRetryDelayInMs, this.opts.retryDelayInMs * 2 ** attempt * (0.8 + Math.random() * 0.4));
      const delay = retryAfterInMs(headers) ?? backoff;
      this.stats.retries++;
      this.opts.onEvent?.(
        `ARM ${method} ${path} ${transportError ? `failed (${transportError})` : `returned ${status}`}; retry ${attempt + 1}/${this.opts.maxRetries} in ${Math.round(delay)} ms`,
      );
      await this.sleep(delay, options.abortSignal);
      if (method === "POST" && status !== 429 && options.confirmAccepted) {
        // The first attempt may have been accepted: look before repeating it.
        const accepted = await options.confirmAccepted();
        if (accepted) {
          this.opts.onEvent?.(`ARM ${method} ${path}: the earlier attempt was accepted by the service; not repeating it`);
          return { ...accepted, confirmedByRead: true } as ArmResponse<T>;
        }
      }
    }
  }

  get<T = unknown>(path: string, query?: Record<string, string | undefined>, abortSignal?: AbortSignal): Promise<ArmResponse<T>> {
    return this.request<T>("GET", path, { query, abortSignal });
  }

  /** GET that returns undefined on 404 (ResourceNotFound and friends). */
  async tryGet<T = unknown>(path: string, query?: Record<string, string | undefined>): Promise<T | undefined> {
    try {
      return (await this.get<T>(path, query)).body;
    } catch (e) {
      if (e instanceof ArmError && e.statusCode === 404) return undefined;
      throw e;
    }
  }

  /** All items of a pageable collection, following nextLink (each page is one request). */
  async listAll<T = unknown>(path: string, query?: Record<string, string | undefined>, maxPages = 1000): Promise<T[]> {
    const out: T[] = [];
    let next: string | undefined = this.url(path, query);
    for (let page = 0; next && page < maxPages; page++) {
      const res: ArmResponse<{ value?: T[]; nextLink?: string | null }> = await this.get(next);
      out.push(...(res.body?.value ?? []));
      next = res.body?.nextLink || undefined;
    }
    return out;
  }

  post<T = unknown>(path: string, body: unknown, options: Omit<ArmRequestOptions, "body"> = {}): Promise<ArmResponse<T>> {
    return this.request<T>("POST", path, { ...options, body });
  }
}
