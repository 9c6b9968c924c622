// ARM request routing and the generic resource lifecycle (GET/PUT/PATCH/DELETE/list, async
// modes, canonical ids). Type-specific rules live in the kinds listed in resourceTypes.ts.
import type { Twin } from "../twin";
import type { ArmResource, Json } from "../store";
import { ArmError, badRequest, conflict, notFound, rgNotFound } from "../errors";
import { methodNotAllowed, noProvider, requireMethod, type Reply, type RequestCtx } from "../http";
import { ArmPath, parseArmPath } from "./path";
import { KIND_BY_KEY, isAsrNamespace } from "./resourceTypes";
import { ResourceKind, isCustom } from "./kind";
import { asyncHeaders, getOperationResult, getOperationStatus, startOperation } from "./operations";
import { lookup, page, parentIdOf } from "./lookup";
import { VM_SIZES, skuBody, vmSizeBody } from "./vmSizes";
import { computeUsages } from "./usages";
import { routeAsr } from "../asr/router";

const RG_NAME = /^[-\w._()]{1,90}$/;

export function routeArm(twin: Twin, ctx: RequestCtx): Reply {
  const p = parseArmPath(ctx.path);
  if (!p) throw new ArmError(404, "InvalidRequestUri", `The request URI '${ctx.path}' is not a valid Azure Resource Manager URI.`);
  if (p.other) return routeSubscriptionOther(twin, ctx, p.other);
  if (p.subscriptionProvider) return routeSubscriptionProvider(twin, ctx, p, p.subscriptionProvider);
  if (p.rgCollection) {
    requireMethod(ctx, ["GET"]);
    const rgs = twin
      .ofType("Microsoft.Resources/resourceGroups")
      .filter((r) => r.id.split("/")[2].toLowerCase() === p.subscriptionId.toLowerCase());
    return { status: 200, body: page(rgs, ctx, twin.state.settings.pageSize) };
  }
  if (!p.resourceGroup) {
    requireMethod(ctx, ["GET"]);
    return {
      status: 200,
      body: {
        id: `/subscriptions/${p.subscriptionId}`,
        subscriptionId: p.subscriptionId,
        displayName: "Twin subscription",
        state: "Enabled",
      },
    };
  }
  if (!p.namespace) {
    if (p.leaf) {
      if (p.leaf.toLowerCase() !== "resources") throw noProvider(p.leaf, ctx);
      requireMethod(ctx, ["GET"]);
      const rg = requireRg(twin, p);
      return {
        status: 200,
        body: page(
          twin.under(rg.id).filter((r) => r.id.split("/").length === 9),
          ctx,
          twin.state.settings.pageSize,
        ),
      };
    }
    return resourceGroup(twin, ctx, p);
  }
  if (isAsrNamespace(p.namespace)) {
    requireRg(twin, p);
    return routeAsr(twin, ctx, p);
  }
  const rg = requireRg(twin, p);
  const ns = p.namespace.toLowerCase();
  if (p.types.length === 0) {
    const kind = kindFor(`${ns}/${(p.leaf ?? "").toLowerCase()}`, ctx, p.leaf ?? "");
    requireMethod(ctx, ["GET"]);
    return { status: 200, body: renderPage(twin, ctx, kind, page(listTop(twin, rg, kind), ctx, twin.state.settings.pageSize)) };
  }
  const typeKey = `${ns}/${p.types.map((t) => t.toLowerCase()).join("/")}`;
  const kind = kindFor(typeKey, ctx, p.types.join("/"));
  const id = canonicalId(twin, rg, kind, p);
  if (p.leaf) {
    const childKey = `${typeKey}/${p.leaf.toLowerCase()}`;
    const childEntry = KIND_BY_KEY.get(childKey);
    const res = lookup(twin, id);
    if (!res) throw notFound(kind.type, p.names[p.names.length - 1], rg.name);
    if (childEntry && !isCustom(childEntry)) {
      requireMethod(ctx, ["GET"]);
      return { status: 200, body: page(listChildren(twin, res, childEntry), ctx, twin.state.settings.pageSize) };
    }
    const action = kind.actions?.[p.leaf.toLowerCase()];
    if (!action) throw noProvider(`${kind.type}/${p.leaf}`, ctx);
    requireMethod(ctx, action.methods);
    return action.run(twin, ctx, res);
  }
  switch (ctx.method) {
    case "GET": {
      const res = lookup(twin, id);
      if (!res) throw notFound(kind.type, p.names[p.names.length - 1], rg.name);
      return { status: 200, body: kind.render ? kind.render(twin, ctx, res) : res };
    }
    case "PUT":
      return put(twin, ctx, kind, rg, id, p);
    case "PATCH":
      if (!kind.patch) throw methodNotAllowed(ctx);
      return patch(twin, ctx, kind, id, rg);
    case "DELETE":
      return del(twin, ctx, kind, id);
    default:
      throw methodNotAllowed(ctx);
  }
}

function kindFor(typeKey: string, ctx: RequestCtx, shown: string): ResourceKind {
  const k = KIND_BY_KEY.get(typeKey);
  if (!k || isCustom(k)) throw noProvider(shown, ctx);
  return k;
}

function requireRg(twin: Twin, p: ArmPath): ArmResource {
  const rg = twin.get(`/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}`);
  if (!rg) throw rgNotFound(p.resourceGroup ?? "");
  return rg;
}

/** Canonical id: stored casing for existing parents and instances, table casing for types. */
function canonicalId(twin: Twin, rg: ArmResource, kind: ResourceKind, p: ArmPath): string {
  const [ns, ...types] = splitType(kind.type);
  let id = `${rg.id}/providers/${ns}`;
  for (let i = 0; i < types.length; i++) {
    const candidate = `${id}/${types[i]}/${p.names[i]}`;
    const existing = lookup(twin, candidate);
    id = existing ? existing.id : candidate;
  }
  return id;
}

function splitType(type: string): string[] {
  const parts = type.split("/");
  return [parts[0], ...parts.slice(1)];
}

/** Lists render each resource as its GET does (e.g. VMs with `$expand=instanceView`), page by page. */
function renderPage(twin: Twin, ctx: RequestCtx, kind: ResourceKind, body: { value: ArmResource[]; nextLink?: string }) {
  if (!kind.render) return body;
  return { ...body, value: body.value.map((r) => kind.render!(twin, ctx, r)) };
}

function listTop(twin: Twin, rg: ArmResource, kind: ResourceKind): ArmResource[] {
  const prefix = rg.id.toLowerCase() + "/";
  return twin.ofType(kind.type).filter((r) => r.id.toLowerCase().startsWith(prefix));
}

function listChildren(twin: Twin, parent: ArmResource, kind: ResourceKind): ArmResource[] {
  if (kind.inline) return [...((parent.properties?.[kind.inline] as ArmResource[]) ?? [])];
  const prefix = parent.id.toLowerCase() + "/";
  return twin.ofType(kind.type).filter((r) => r.id.toLowerCase().startsWith(prefix));
}

function operationInProgress(twin: Twin, id: string): boolean {
  const k = id.toLowerCase();
  return Object.values(twin.state.operations).some((o) => o.status === "InProgress" && o.resourceId.toLowerCase() === k);
}

function requireObjectBody(ctx: RequestCtx): Record<string, Json> {
  if (ctx.body === undefined || ctx.body === null || typeof ctx.body !== "object" || Array.isArray(ctx.body)) {
    throw badRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: expected a JSON object.");
  }
  return ctx.body as Record<string, Json>;
}

function put(twin: Twin, ctx: RequestCtx, kind: ResourceKind, rg: ArmResource, id: string, p: ArmPath): Reply {
  const body = requireObjectBody(ctx);
  if (rg.properties?.provisioningState === "Deleting") {
    throw conflict(
      "ResourceGroupBeingDeleted",
      `The resource group '${rg.name}' is in deprovisioning state and cannot perform this operation.`,
    );
  }
  if (operationInProgress(twin, id)) {
    throw conflict("AnotherOperationInProgress", `Another operation on this or dependent resource is in progress. Resource '${id}'.`);
  }
  const name = p.names[p.names.length - 1];
  let parent: ArmResource | undefined;
  if (p.types.length > 1) {
    parent = lookup(twin, parentIdOf(id));
    if (!parent) throw notFound(kind.type.split("/").slice(0, -1).join("/"), p.names[p.names.length - 2], rg.name);
  }
  const existing = lookup(twin, id);
  if (kind.tracked && typeof body.location !== "string" && !existing) {
    throw badRequest("LocationRequired", "The location property is required for this definition.");
  }
  const built = kind.build({ twin, ctx, id, name, body, existing, parent, resourceGroup: rg });
  const res: ArmResource = {
    ...built,
    id,
    name: existing?.name ?? name,
    type: kind.type,
  };
  if (kind.tracked) res.location = normaliseLocation(body.location ?? existing?.location);
  if (kind.tracked) res.tags = body.tags ?? existing?.tags ?? {};
  res.properties = res.properties ?? {};
  res.properties.provisioningState = kind.putMode === "sync" ? "Succeeded" : (kind.creatingState ?? "Updating");
  if (kind.inline && parent) {
    const arr: ArmResource[] = (parent.properties[kind.inline] = parent.properties[kind.inline] ?? []);
    const i = arr.findIndex((c) => c.id.toLowerCase() === id.toLowerCase());
    if (i >= 0) arr[i] = res;
    else arr.push(res);
  } else {
    twin.set(res);
  }
  kind.afterPut?.(twin, res, existing);
  const status = existing ? 200 : 201;
  if (kind.putMode === "sync") {
    twin.commit();
    return { status, body: kind.render ? kind.render(twin, ctx, res) : res };
  }
  const op = startOperation(twin, {
    kind: "put",
    resourceId: id,
    namespace: kind.type.split("/")[0],
    location: res.location ?? rg.location ?? "westeurope",
    seconds: kind.seconds,
  });
  twin.commit();
  const headers = asyncHeaders(twin, ctx, op);
  if (kind.putMode === "location") {
    // Microsoft.Storage style: 202, no body, poll Location.
    return {
      status: existing ? 200 : 202,
      body: existing ? res : undefined,
      headers: existing ? {} : { Location: headers.Location, "Retry-After": headers["Retry-After"] },
    };
  }
  return { status, body: kind.render ? kind.render(twin, ctx, res) : res, headers };
}

function patch(twin: Twin, ctx: RequestCtx, kind: ResourceKind, id: string, rg: ArmResource): Reply {
  const body = requireObjectBody(ctx);
  const existing = lookup(twin, id);
  if (!existing) throw notFound(kind.type, id.split("/").pop() ?? "", rg.name);
  if (body.tags !== undefined) existing.tags = body.tags;
  if (body.properties && typeof body.properties === "object") {
    const merged = { ...existing, properties: { ...existing.properties, ...body.properties } };
    const built = kind.build({ twin, ctx, id, name: existing.name, body: merged, existing, resourceGroup: rg });
    Object.assign(existing, built, { id: existing.id, name: existing.name, type: existing.type });
    existing.properties.provisioningState = "Succeeded";
  }
  twin.commit();
  return { status: 200, body: kind.render ? kind.render(twin, ctx, existing) : existing };
}

function del(twin: Twin, ctx: RequestCtx, kind: ResourceKind, id: string): Reply {
  const res = lookup(twin, id);
  if (!res) return { status: 204 };
  if (operationInProgress(twin, id)) {
    throw conflict("AnotherOperationInProgress", `Another operation on this or dependent resource is in progress. Resource '${id}'.`);
  }
  kind.beforeDelete?.(twin, res);
  if (kind.inline) {
    const parent = lookup(twin, parentIdOf(id));
    const arr: ArmResource[] = parent?.properties?.[kind.inline] ?? [];
    const i = arr.findIndex((c) => c.id.toLowerCase() === id.toLowerCase());
    if (i >= 0) arr.splice(i, 1);
    kind.afterDelete?.(twin, res);
    twin.commit();
    return { status: 200 };
  }
  kind.afterDelete?.(twin, res);
  if (kind.deleteMode === "sync") {
    twin.remove(id);
    for (const child of twin.under(id)) twin.remove(child.id);
    twin.commit();
    return { status: 200 };
  }
  res.properties = res.properties ?? {};
  res.properties.provisioningState = "Deleting";
  const op = startOperation(twin, {
    kind: "delete",
    resourceId: res.id,
    namespace: kind.type.split("/")[0],
    location: res.location ?? "westeurope",
    seconds: kind.seconds,
  });
  twin.commit();
  const headers = asyncHeaders(twin, ctx, op);
  return {
    status: 202,
    headers: kind.deleteMode === "location" ? { Location: headers.Location, "Retry-After": headers["Retry-After"] } : headers,
  };
}

export function normaliseLocation(loc: unknown): string {
  return typeof loc === "string" ? loc.replace(/\s+/g, "").toLowerCase() : "westeurope";
}

function resourceGroup(twin: Twin, ctx: RequestCtx, p: ArmPath): Reply {
  const rgId = `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}`;
  const existing = twin.get(rgId);
  switch (ctx.method) {
    case "GET":
      if (!existing) throw rgNotFound(p.resourceGroup ?? "");
      return { status: 200, body: existing };
    case "HEAD":
      return { status: existing ? 204 : 404 };
    case "PUT": {
      const body = requireObjectBody(ctx);
      const name = p.resourceGroup ?? "";
      if (!RG_NAME.test(name) || name.endsWith(".")) {
        throw badRequest("InvalidResourceGroup", `The provided resource group name '${name}' has these invalid characters or length.`);
      }
      if (existing?.properties?.provisioningState === "Deleting") {
        throw conflict(
          "ResourceGroupBeingDeleted",
          `The resource group '${existing.name}' is in deprovisioning state and cannot perform this operation.`,
        );
      }
      if (typeof body.location !== "string" && !existing)
        throw badRequest("LocationRequired", "The location property is required for this definition.");
      const rg: ArmResource = {
        id: existing?.id ?? rgId,
        name: existing?.name ?? name,
        type: "Microsoft.Resources/resourceGroups",
        location: existing?.location ?? normaliseLocation(body.location),
        tags: body.tags ?? existing?.tags ?? {},
        properties: { provisioningState: "Succeeded" },
      };
      twin.set(rg);
      twin.commit();
      return { status: existing ? 200 : 201, body: rg };
    }
    case "PATCH": {
      if (!existing) throw rgNotFound(p.resourceGroup ?? "");
      const body = requireObjectBody(ctx);
      if (body.tags) existing.tags = body.tags;
      twin.commit();
      return { status: 200, body: existing };
    }
    case "DELETE": {
      if (!existing) throw rgNotFound(p.resourceGroup ?? "");
      if (existing.properties?.provisioningState === "Deleting") return { status: 202, headers: twin.retryAfter(15) };
      existing.properties.provisioningState = "Deleting";
      const op = startOperation(twin, {
        kind: "delete",
        resourceId: existing.id,
        namespace: "Microsoft.Resources",
        location: existing.location ?? "westeurope",
        seconds: 15,
      });
      twin.commit();
      const q = `api-version=${encodeURIComponent(ctx.apiVersion)}`;
      return {
        status: 202,
        headers: { Location: `${ctx.baseUrl}/subscriptions/${p.subscriptionId}/operationresults/${op.name}?${q}`, ...twin.retryAfter(15) },
      };
    }
    default:
      throw methodNotAllowed(ctx);
  }
}

function routeSubscriptionOther(twin: Twin, ctx: RequestCtx, other: string[]): Reply {
  if (other.length === 2 && other[0].toLowerCase() === "operationresults") {
    requireMethod(ctx, ["GET"]);
    return getOperationResult(twin, ctx, other[1]);
  }
  throw new ArmError(404, "InvalidRequestUri", `The request URI '${ctx.path}' is not a valid Azure Resource Manager URI.`);
}

function routeSubscriptionProvider(twin: Twin, ctx: RequestCtx, p: ArmPath, seg: string[]): Reply {
  requireMethod(ctx, ["GET"]);
  const lower = seg.map((s) => s.toLowerCase());
  if (lower.length === 5 && lower[1] === "locations") {
    if (lower[3] === "operations" || lower[3] === "asyncoperations") return getOperationStatus(twin, seg[4]);
    if (lower[3] === "operationresults") return getOperationResult(twin, ctx, seg[4]);
  }
  if (lower[0] === "microsoft.compute" && lower.length === 4 && lower[1] === "locations" && lower[3] === "vmsizes") {
    return { status: 200, body: { value: VM_SIZES.map(vmSizeBody) } };
  }
  if (lower[0] === "microsoft.compute" && lower.length === 4 && lower[1] === "locations" && lower[3] === "usages") {
    return { status: 200, body: computeUsages(twin, p.subscriptionId, seg[2]) };
  }
  if (lower[0] === "microsoft.compute" && lower.length === 2 && lower[1] === "skus") {
    return { status: 200, body: { value: VM_SIZES.map((s) => skuBody(s, "westeurope")) } };
  }
  if (lower.length === 2) {
    const kind = kindFor(`${lower[0]}/${lower[1]}`, ctx, seg[1]);
    const subPrefix = `/subscriptions/${p.subscriptionId}/`.toLowerCase();
    const items = twin.ofType(kind.type).filter((r) => r.id.toLowerCase().startsWith(subPrefix));
    return { status: 200, body: renderPage(twin, ctx, kind, page(items, ctx, twin.state.settings.pageSize)) };
  }
  throw noProvider(seg.join("/"), ctx);
}
