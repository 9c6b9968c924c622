// The vault's protected items read the way a list is meant to be read: the vault-wide list
// (ReplicationProtectedItems_List, paged with nextLink) once per program run, and each distinct
// availability set and replication storage account once, however many items point at it. A preview of
// 1,000 items then costs the list's pages plus a handful of reads, not 2,000 GETs (issue 19).
// Without a list reader (a caller that only has the per-item invoke), items are read one by one.
import type { ItemCatalog, ItemSettingsReaders, ProtectedItemLike, AvailabilitySetLike, StorageAccountLike } from "./itemSettings";
import { parseProtectedItemId } from "./contract";

/** fabric/container/name, lower-case: how a located item and a listed item's id are matched. */
export function itemKey(parts: { fabricName: string; protectionContainerName: string; name: string }): string {
  return `${parts.fabricName}/${parts.protectionContainerName}/${parts.name}`.toLowerCase();
}

export class VaultItemCatalog implements ItemCatalog {
  private listed?: Promise<ProtectedItemLike[]>;
  private byKey?: Promise<Map<string, ProtectedItemLike>>;
  private readonly availabilitySets = new Map<string, Promise<AvailabilitySetLike>>();
  private readonly storageAccounts = new Map<string, Promise<StorageAccountLike>>();

  constructor(private readonly readers: ItemSettingsReaders) {}

  /** Whether the vault-wide list is available (else items are read one by one). */
  get canList(): boolean {
    return this.readers.listProtectedItems !== undefined;
  }

  /** Every protected item of the vault, listed once (one request per page). */
  list(): Promise<ProtectedItemLike[]> {
    if (!this.readers.listProtectedItems) return Promise.resolve([]);
    return (this.listed ??= this.readers.listProtectedItems());
  }

  /** The listed item at fabric/container/name, or undefined when the list does not hold it (or there is no list). */
  async find(parts: { fabricName: string; protectionContainerName: string; name: string }): Promise<ProtectedItemLike | undefined> {
    if (!this.canList) return undefined;
    this.byKey ??= this.list().then((items) => {
      const map = new Map<string, ProtectedItemLike>();
      for (const it of items) {
        const p = parseProtectedItemId(it.id);
        if (p) map.set(itemKey(p), it);
      }
      return map;
    });
    return (await this.byKey).get(itemKey(parts));
  }

  /** One read per distinct availability set id (case-insensitive, as ARM ids are). */
  availabilitySet(id: string, read: () => Promise<AvailabilitySetLike>): Promise<AvailabilitySetLike> {
    return memo(this.availabilitySets, id, read);
  }

  /** One read per distinct replication storage account id. */
  storageAccount(id: string, read: () => Promise<StorageAccountLike>): Promise<StorageAccountLike> {
    return memo(this.storageAccounts, id, read);
  }
}

function memo<T>(cache: Map<string, Promise<T>>, id: string, read: () => Promise<T>): Promise<T> {
  const key = id.toLowerCase();
  let p = cache.get(key);
  if (!p) {
    p = read();
    cache.set(key, p);
  }
  return p;
}
