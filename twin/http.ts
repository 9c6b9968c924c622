// Shapes and route helpers shared by the ARM and ASR routers and the resource handlers (here, not in
// either router, so that neither router imports the other's helpers back).
import type { Json } from "./json";
import { ArmError, badRequest } from "./errors";

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

export function noProvider(type: string, ctx: RequestCtx): ArmError {
  return badRequest(
    "NoRegisteredProviderFound",
    `No registered resource provider found for location 'westeurope' and API version '${ctx.apiVersion}' for type '${type}'.`,
  );
}

export function methodNotAllowed(ctx: RequestCtx): ArmError {
  return new ArmError(405, "MethodNotAllowed", `The requested resource does not support http method '${ctx.method}'.`);
}

export function requireMethod(ctx: RequestCtx, methods: string[]): void {
  if (!methods.includes(ctx.method)) throw methodNotAllowed(ctx);
}
