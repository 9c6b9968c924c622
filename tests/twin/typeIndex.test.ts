// The twin's type index answers ofType exactly as a scan of state.resources would: same resources,
// same order, after sets, removals, a type change under one key and a state handed over whole.
import { ArmResource, emptyState, key } from "../../twin/store";
import { Twin } from "../../twin/twin";

const NIC = "Microsoft.Network/networkInterfaces";
const VM = "Microsoft.Compute/virtualMachines";
const rg = "/subscriptions/s/resourceGroups/rg/providers";
const nic = (n: string): ArmResource => ({ id: `${rg}/Microsoft.Network/networkInterfaces/${n}`, name: n, type: NIC, properties: {} });
const vm = (n: string): ArmResource => ({ id: `${rg}/Microsoft.Compute/virtualMachines/${n}`, name: n, type: VM, properties: {} });

/** What ofType answered before the index: a scan of every resource. */
const scan = (twin: Twin, type: string) => Object.values(twin.state.resources).filter((r) => r.type.toLowerCase() === type.toLowerCase());
const names = (rs: ArmResource[]) => rs.map((r) => r.name);

test("ofType matches a scan of state.resources through sets, removals and a type change", () => {
  const twin = new Twin({ schedulers: [] });
  for (const n of ["a", "b", "c"]) twin.set(nic(n));
  twin.set(vm("v1"));
  expect(names(twin.ofType(NIC))).toEqual(["a", "b", "c"]);
  // built now: later changes must keep it current, case-insensitively
  twin.set(nic("d"));
  twin.set({ ...nic("b"), properties: { changed: true } });
  twin.remove(nic("a").id.toUpperCase());
  expect(names(twin.ofType(NIC.toLowerCase()))).toEqual(names(scan(twin, NIC)));
  expect(twin.ofType(NIC).find((r) => r.name === "b")?.properties.changed).toBe(true);
  // removed then set again: last, as in the object
  twin.set(nic("a"));
  expect(names(twin.ofType(NIC))).toEqual(["b", "c", "d", "a"]);
  // the same key under another type moves between types and keeps the object's order
  twin.set({ ...nic("c"), type: VM });
  expect(names(twin.ofType(NIC))).toEqual(names(scan(twin, NIC)));
  expect(names(twin.ofType(VM))).toEqual(names(scan(twin, VM)));
  expect(names(twin.ofType(VM))).toEqual(["c", "v1"]);
  expect(twin.ofType("Microsoft.Storage/storageAccounts")).toEqual([]);
});

test("a fresh array each time: a caller sorting or filtering it does not change the twin", () => {
  const twin = new Twin({ schedulers: [] });
  for (const n of ["b", "a"]) twin.set(nic(n));
  twin.ofType(NIC).sort((x, y) => x.name.localeCompare(y.name));
  expect(names(twin.ofType(NIC))).toEqual(["b", "a"]);
});

test("a state handed over whole (fixture load, reset) is indexed afresh", () => {
  const twin = new Twin({ schedulers: [] });
  twin.set(nic("old"));
  expect(names(twin.ofType(NIC))).toEqual(["old"]);
  const st = emptyState(twin.now());
  for (const r of [nic("x"), vm("v"), nic("y")]) st.resources[key(r.id)] = r;
  twin.replaceState(st);
  expect(names(twin.ofType(NIC))).toEqual(["x", "y"]);
  twin.remove(nic("x").id);
  expect(names(twin.ofType(NIC))).toEqual(["y"]);
});
