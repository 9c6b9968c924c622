// Resolving an id to a stored resource, including inline children (a subnet lives inside its
// VNet's properties.subnets, as in ARM's own payloads).
import type { Twin } from "../twin";
import type { ArmResource } from "../store";

export function parentIdOf(id: string): string {
  return id.split("/").slice(0, -2).join("/");
}

export function lookup(twin: Twin, id: string): ArmResource | undefined {
  const direct = twin.get(id);
  if (direct) return direct;
  const parent = twin.get(parentIdOf(id));
  const prop = id.split("/").slice(-2)[0];
  const arr = parent?.properties?.[prop];
  if (!Array.isArray(arr)) return undefined;
  const k = id.toLowerCase();
  return arr.find((c: ArmResource) => typeof c?.id === "string" && c.id.toLowerCase() === k);
}

/** The resource-group id part of any resource id. */
export function rgIdOf(id: string): string {
  return id.split("/").slice(0, 5).join("/");
}

export function nameOf(id: string): string {
  const parts = id.split("/");
  return parts[parts.length - 1];
}

export function sameId(a: unknown, b: unknown): boolean {
  return typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
}

/**
 * Paged list body: {value, nextLink}; the nextLink carries the offset in `tokenParam` (`$skiptoken` for
 * ARM lists; Site Recovery's protected-item lists name it `skipToken`, as the service's nextLink does).
 */
export function page<T>(
  items: T[],
  ctx: { baseUrl: string; path: string; query: URLSearchParams },
  size: number,
  tokenParam = "$skiptoken",
) {
  const start = Math.max(0, Number(ctx.query.get(tokenParam) ?? ctx.query.get("$skiptoken") ?? ctx.query.get("$skipToken") ?? 0) || 0);
  const value = items.slice(start, start + size);
  const body: { value: T[]; nextLink?: string } = { value };
  if (start + size < items.length) {
    const q = new URLSearchParams(ctx.query);
    q.delete("$skipToken");
    q.delete("$skiptoken");
    q.set(tokenParam, String(start + size));
    body.nextLink = `${ctx.baseUrl}${ctx.path}?${q.toString()}`;
  }
  return body;
}
