// What a resource type handler provides. The generic CRUD (crud.ts) does routing, ids, async
// modes and paging; a kind only validates/normalises and enforces cross-resource rules.
import type { Twin } from "../twin";
import type { ArmResource, Json } from "../store";
import type { Reply, RequestCtx } from "../http";
import type { ArmPath } from "./path";

export type AsyncMode = "sync" | "aao" | "location";

export interface PutArgs {
  twin: Twin;
  ctx: RequestCtx;
  id: string;
  name: string;
  body: Json;
  existing?: ArmResource;
  /** Parent resource for child types (the VNet of a subnet). */
  parent?: ArmResource;
  resourceGroup: ArmResource;
}

export interface ResourceKind {
  /** Canonical type, e.g. "Microsoft.Network/virtualNetworks/subnets". */
  type: string;
  /** Child stored inside the parent's `properties[inline]` array (subnets, peerings, rules). */
  inline?: string;
  putMode: AsyncMode;
  deleteMode: AsyncMode;
  /** Virtual seconds an async PUT/DELETE takes. */
  seconds: number;
  /** provisioningState while an async PUT runs ("Updating" for NRP, "Creating" for compute). */
  creatingState?: string;
  /** Tracked (top-level, located) resources require `location`. */
  tracked: boolean;
  /** Validates the body against the estate and returns the stored resource (without id/name/type). */
  build(a: PutArgs): ArmResource;
  /** After the resource was stored (keep back-references in sync). */
  afterPut?(twin: Twin, res: ArmResource, prev?: ArmResource): void;
  /** Throws an ArmError when the resource may not be deleted (in use). */
  beforeDelete?(twin: Twin, res: ArmResource): void;
  afterDelete?(twin: Twin, res: ArmResource): void;
  /** Custom GET rendering (e.g. $expand=instanceView). */
  render?(twin: Twin, ctx: RequestCtx, res: ArmResource): Json;
  /** POST/GET actions on an instance, keyed by lower-case leaf name. */
  actions?: Record<string, { methods: string[]; run(twin: Twin, ctx: RequestCtx, res: ArmResource): Reply }>;
  /** PATCH supported (tags / properties merge). */
  patch?: boolean;
  /** Child types listed under an instance, lower-case leaf → type key. */
}

/** A type handled entirely by its own code (the ASR surface). */
export interface CustomKind {
  type: string;
  custom(twin: Twin, ctx: RequestCtx, p: ArmPath): Reply;
}

export type KindEntry = ResourceKind | CustomKind;

export const isCustom = (k: KindEntry): k is CustomKind => "custom" in k;
