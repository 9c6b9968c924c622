// Read-only ARM GETs for the report's evidence (preconditions, recovery points used, failing tasks,
// isolation proof). The same wire calls against Azure and the twin: the runner gives the endpoint and a
// token source (the drill's credential); nothing here writes.
export interface ArmReader {
  /** GET <endpoint><path>; throws ArmReadError on a non-2xx answer. */
  get<T = Record<string, unknown>>(pathOrUrl: string): Promise<T>;
  /** GET and follow nextLink. */
  list<T = Record<string, unknown>>(pathOrUrl: string): Promise<T[]>;
}

export class ArmReadError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    body: string,
  ) {
    super(`GET ${url} answered ${status}: ${body.slice(0, 500)}`);
    this.name = "ArmReadError";
  }
}

export function armReader(endpoint: string, token: () => Promise<string>, opts: { timeoutInMs?: number } = {}): ArmReader {
  const get = async <T>(pathOrUrl: string): Promise<T> => {
    const url = new URL(pathOrUrl, endpoint).toString();
    const res = await fetch(url, {
      headers: { Authorization: `Bearer ${await token()}` },
      signal: AbortSignal.timeout(opts.timeoutInMs ?? 60_000),
    });
    const text = await res.text();
    if (!res.ok) throw new ArmReadError(res.status, url, text);
    return (text ? JSON.parse(text) : {}) as T;
  };
  return {
    get,
    async list<T>(pathOrUrl: string): Promise<T[]> {
      const out: T[] = [];
      let next: string | undefined = pathOrUrl;
      while (next) {
        const page: { value?: T[]; nextLink?: string } = await get(next);
        out.push(...(page.value ?? []));
        next = page.nextLink ?? undefined;
      }
      return out;
    },
  };
}
