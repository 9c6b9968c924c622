// In-process start of the twin (tests, scripts). Binds 127.0.0.1 only.
import * as fs from "node:fs";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { Twin } from "./twin";
import { TWIN_SCHEDULERS } from "./schedulers";
import { RequestLog } from "./requestLog";
import { createTwinServer } from "./server";
import { TwinAdminClient } from "./adminClient";
import { loadFixture } from "./admin";

export { TwinAdminClient } from "./adminClient";
export type { FaultSpec, FaultKind } from "./faults";
export type { RequestLogEntry } from "./requestLog";

export const DEFAULT_TOKEN = "failover-drill-twin";
/** The Contoso fixture (tsc does not copy .yaml into dist/, so fall back to the source tree). */
export const CONTOSO_FIXTURE =
  [path.join(__dirname, "fixtures", "contoso.yaml"), path.join(__dirname, "..", "..", "twin", "fixtures", "contoso.yaml")].find((p) =>
    fs.existsSync(p),
  ) ?? path.join(__dirname, "fixtures", "contoso.yaml");

export interface TwinStartOptions {
  port?: number;
  stateDir?: string;
  /** Fixture file path or object. Ignored when stateDir already holds state (a restart keeps it). */
  fixture?: string | object;
  speed?: number;
  token?: string;
  quiet?: boolean;
}

export interface TwinHandle {
  url: string;
  port: number;
  token: string;
  stop(): Promise<void>;
  admin: TwinAdminClient;
}

export async function startTwin(opts: TwinStartOptions = {}): Promise<TwinHandle> {
  const twin = new Twin({ stateDir: opts.stateDir, speed: opts.speed, schedulers: TWIN_SCHEDULERS });
  if (opts.fixture !== undefined) {
    if (twin.hasPersistedState) twin.fixtureSource = opts.fixture;
    else loadFixture(twin, opts.fixture);
  }
  twin.tick(); // resume jobs that were running when the twin last stopped
  const token = opts.token ?? DEFAULT_TOKEN;
  const log = new RequestLog();
  const server = createTwinServer(twin, log, { token, quiet: opts.quiet });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  return {
    url,
    port,
    token,
    admin: new TwinAdminClient(url),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      twin.stop();
      // A save still being written when stop() saved discards its temp file; let it finish first.
      await twin.durable().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
