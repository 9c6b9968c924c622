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
  /** PUT/POST/PATCH: the request body (JSON), secrets redacted; over BODY_LIMIT characters it is the
   *  truncated JSON text and `bodyTruncated` is true. Headers (and so tokens) are never logged. */
  body?: unknown;
  bodyTruncated?: boolean;
}

export const BODY_LIMIT = 8192;
const SECRET_KEYS =
  /^(adminPassword|password|secret|clientSecret|accessToken|refreshToken|token|sasToken|primaryKekCertificatePfx|secondaryKekCertificatePfx|protectedSettings|customData)$/i;

/** What the log keeps of a request body: parsed JSON with secret-looking fields redacted, bounded in size. */
export function loggedBody(body: unknown, token: string): Pick<RequestLogEntry, "body" | "bodyTruncated"> {
  if (body === undefined) return {};
  let text = JSON.stringify(body, (k, v) => (k && SECRET_KEYS.test(k) && v !== null && v !== "" ? "[redacted]" : v));
  if (token && text.includes(token)) text = text.split(token).join("[redacted]");
  if (text.length > BODY_LIMIT) return { body: text.slice(0, BODY_LIMIT), bodyTruncated: true };
  return { body: JSON.parse(text) };
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
