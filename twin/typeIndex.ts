// The twin's resources by canonical type (lower case), so cross-resource checks (free IPs in a subnet,
// NICs of a VM, a vault's items) read the resources of one type instead of scanning the whole estate:
// a 1,000-VM drill holds ~5,000 resources, and these checks run on every test VM created or removed.
// The index follows `state.resources` (the source of truth, the object persisted): built from it on
// first use, in its order, and rebuilt when the twin is handed another resources object.
import { ArmResource } from "./store";

export class TypeIndex {
  private byType = new Map<string, Map<string, ArmResource>>();
  private source?: Record<string, ArmResource>;

  /** The resources of one type, in the order `state.resources` holds them (a fresh array). */
  ofType(resources: Record<string, ArmResource>, type: string): ArmResource[] {
    this.follow(resources);
    return [...(this.byType.get(type.toLowerCase())?.values() ?? [])];
  }

  /** After `resources[k] = res`: re-files the key under the resource's type. */
  set(resources: Record<string, ArmResource>, k: string, res: ArmResource, previous: ArmResource | undefined): void {
    if (this.source !== resources) return; // not built for this object yet: the next read builds it
    // A key that changes type keeps its place in `resources`; rebuilding keeps the index in that order.
    if (previous && previous.type.toLowerCase() !== res.type.toLowerCase()) this.source = undefined;
    else this.bucket(res.type).set(k, res);
  }

  /** After `delete resources[k]`. */
  remove(resources: Record<string, ArmResource>, k: string, previous: ArmResource | undefined): void {
    if (this.source !== resources || !previous) return;
    this.bucket(previous.type).delete(k);
  }

  private follow(resources: Record<string, ArmResource>): void {
    if (this.source === resources) return;
    this.byType = new Map();
    for (const [k, r] of Object.entries(resources)) this.bucket(r.type).set(k, r);
    this.source = resources;
  }

  private bucket(type: string): Map<string, ArmResource> {
    const t = type.toLowerCase();
    let b = this.byType.get(t);
    if (!b) this.byType.set(t, (b = new Map()));
    return b;
  }
}
