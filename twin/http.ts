// Shapes shared by the router and the resource handlers.
import type { Json } from "./store";

export interface Reply {
  status: number;
  body?: Json;
  headers?: Record<string, string>;
}

/** One parsed ARM request, handed to every handler. */
export interface RequestCtx {
  method: string;
  /** Path as sent (case preserved). */
  path: string;
  query: URLSearchParams;
  apiVersion: string;
  body: Json | undefined;
  /** http://127.0.0.1:<port>, used to build Location / Azure-AsyncOperation URLs. */
  baseUrl: string;
}

export const json = (status: number, body: Json, headers?: Record<string, string>): Reply => ({ status, body, headers });
