// Conformance of the stand-in azure-native plugin with azure-native 3.x, on ordinary azure-native
// programs that are not the drill's components (tests/e2e/programs/conformance/*), through the real CLI
// on one twin: each case asserts the plan (`pulumi preview --json` step ops) and what the twin holds.
// What azure-native does is read from its provider source (twin/plugins/README.md names the files).
import { E2ETwin, PulumiWorkspace, startTwinForE2E, twinArm, twinModeEnv } from "./harness";

const SUB = "11111111-1111-1111-1111-111111111111";
const API = { network: "2024-05-01", storage: "2024-01-01", compute: "2024-11-01" };

interface Step {
  op: string;
  urn: string;
}

interface LogEntry {
  seq: number;
  method: string;
  path: string;
}

/** `name → ops` of a preview plan, `same` steps left out, urns shortened to the resource name. */
async function plan(ws: PulumiWorkspace): Promise<Record<string, string[]>> {
  const r = await ws.pulumi(["preview", "--json"]);
  if (r.code !== 0) throw new Error(r.output);
  const steps = (JSON.parse(r.stdout) as { steps?: Step[] }).steps ?? [];
  const out: Record<string, string[]> = {};
  for (const s of steps) {
    if (s.op === "same") continue;
    const name = s.urn.split("::").pop() as string;
    (out[name] ??= []).push(s.op);
  }
  return out;
}

describe("stand-in azure-native conformance", () => {
  let twin: E2ETwin;
  const workspaces: PulumiWorkspace[] = [];
  const get = (id: string, api: string) => twinArm(twin, "GET", `${id}?api-version=${api}`);
  /** The twin's request log (seq order). */
  const requests = async (): Promise<LogEntry[]> => {
    const body = (await twinArm(twin, "GET", "/_twin/requests")).body as { value?: LogEntry[] } | LogEntry[];
    return Array.isArray(body) ? body : (body.value ?? []);
  };
  const lastSeq = async () => (await requests()).at(-1)?.seq ?? 0;
  /** `METHOD leaf-name` of the PUTs and DELETEs since `seq`, in the order the twin received them. */
  const writesSince = async (seq: number) =>
    (await requests())
      .filter((e) => e.seq > seq && (e.method === "PUT" || e.method === "DELETE"))
      .map((e) => `${e.method} ${e.path.split("/").pop()}`);
  const ok = async (ws: PulumiWorkspace, args: string[]) => {
    const r = await ws.pulumi(args);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")}:\n${r.output}`);
    return r;
  };
  const workspace = async (program: string) => {
    const ws = new PulumiWorkspace({ program: `conformance/${program}`, ...twinModeEnv(twin) });
    workspaces.push(ws);
    await ws.init();
    return ws;
  };

  beforeAll(async () => {
    twin = await startTwinForE2E();
  });
  afterAll(async () => {
    for (const ws of workspaces) await ws.dispose();
    await twin?.stop();
  });

  describe("a parent with separately declared children (children/)", () => {
    const RG = `/subscriptions/${SUB}/resourceGroups/conformance-children-rg`;
    const VNET = `${RG}/providers/Microsoft.Network/virtualNetworks/children-vnet`;
    const NSG = `${RG}/providers/Microsoft.Network/networkSecurityGroups/children-nsg`;
    let ws: PulumiWorkspace;
    beforeAll(async () => {
      ws = await workspace("children");
    });

    it("create: the plan creates every resource, and the twin holds them", async () => {
      expect(await plan(ws)).toEqual({
        "conformance-children-e2e": ["create"],
        rg: ["create"],
        vnet: ["create"],
        "snet-a": ["create"],
        "snet-b": ["create"],
        nsg: ["create"],
        "allow-rdp": ["create"],
        "allow-https": ["create"],
      });
      await ok(ws, ["up", "--yes", "--skip-preview"]);
      expect((await get(`${VNET}/subnets/snet-b`, API.network)).status).toBe(200);
      expect((await get(`${NSG}/securityRules/allow-https`, API.network)).status).toBe(200);
    });

    it("tag-only change of the parents: the plan is `~ update` of the parents alone, and the children survive the update", async () => {
      await ok(ws, ["config", "set", "tag", "v2"]);
      // Planned outputs keep the resource group's and the VNet's `name` (azure-native's Update preview),
      // so no child sees an unknown `resourceGroupName`/`virtualNetworkName` and none plans a replace.
      expect(await plan(ws)).toEqual({ rg: ["update"], vnet: ["update"], nsg: ["update"] });
      await ok(ws, ["up", "--yes", "--skip-preview"]);
      const vnet = await get(VNET, API.network);
      expect(vnet.body.tags).toEqual({ case: "children", tag: "v2" });
      expect(vnet.body.properties.subnets.map((s: { name: string }) => s.name).sort()).toEqual(["snet-a", "snet-b"]);
      const nsg = await get(NSG, API.network);
      expect(nsg.body.tags.tag).toBe("v2");
      expect(nsg.body.properties.securityRules.map((s: { name: string }) => s.name).sort()).toEqual(["allow-https", "allow-rdp"]);
    });

    it("refresh --preview-only finds no drift, and a second preview no changes", async () => {
      await ok(ws, ["refresh", "--preview-only", "--expect-no-changes"]);
      await ok(ws, ["preview", "--expect-no-changes"]);
    });
  });

  describe("replace, out-of-band delete, ignoreChanges, deleteBeforeReplace, protect (lifecycle/)", () => {
    const RG = `/subscriptions/${SUB}/resourceGroups/conformance-lifecycle-rg`;
    const account = (name: string) => `${RG}/providers/Microsoft.Storage/storageAccounts/${name}`;
    const avset = (name: string) => `${RG}/providers/Microsoft.Compute/availabilitySets/${name}`;
    let ws: PulumiWorkspace;
    beforeAll(async () => {
      ws = await workspace("lifecycle");
      await ok(ws, ["up", "--yes", "--skip-preview"]);
    });

    it("a storage account name change replaces the account (delete first: it is explicitly named) and nothing else", async () => {
      await ok(ws, ["config", "set", "accountName", "conformancelife02"]);
      expect(await plan(ws)).toEqual({ account: ["replace"] });
      const seq = await lastSeq();
      await ok(ws, ["up", "--yes", "--skip-preview"]);
      expect(await writesSince(seq)).toEqual(["DELETE conformancelife01", "PUT conformancelife02"]);
      expect((await get(account("conformancelife01"), API.storage)).status).toBe(404);
      expect((await get(account("conformancelife02"), API.storage)).status).toBe(200);
    });

    it("ignoreChanges: a changed input it names plans nothing and the twin keeps the old value", async () => {
      await ok(ws, ["config", "set", "owner", "team-b"]);
      expect(await plan(ws)).toEqual({});
      await ok(ws, ["up", "--yes", "--skip-preview"]);
      expect((await get(avset("avset-ignored"), API.compute)).body.tags).toEqual({ owner: "team-a" });
    });

    it("deleteBeforeReplace on an auto-named resource: a location change deletes the old one before creating the new", async () => {
      const before = (await ws.outputs()).movedName as string;
      await ok(ws, ["config", "set", "movedLocation", "northeurope"]);
      expect(await plan(ws)).toEqual({ moved: ["replace"] });
      const seq = await lastSeq();
      await ok(ws, ["up", "--yes", "--skip-preview"]);
      // The engine checks a replacement again without old inputs, so azure-native's getDefaultName
      // draws a new auto-name; the option still puts the delete first.
      const after = (await ws.outputs()).movedName as string;
      expect(after).not.toBe(before);
      expect(await writesSince(seq)).toEqual([`DELETE ${before}`, `PUT ${after}`]);
      expect((await get(avset(before), API.compute)).status).toBe(404);
      expect((await get(avset(after), API.compute)).body.location).toBe("northeurope");
    });

    it("out-of-band delete: refresh drops it from the state, the next plan and up recreate it", async () => {
      expect((await twinArm(twin, "DELETE", `${account("conformancelife02")}?api-version=${API.storage}`)).status).toBeLessThan(300);
      await ok(ws, ["refresh", "--yes", "--skip-preview"]);
      expect((await ws.resources()).some((r) => r.type === "azure-native:storage:StorageAccount")).toBe(false);
      expect(await plan(ws)).toEqual({ account: ["create"] });
      await ok(ws, ["up", "--yes", "--skip-preview"]);
      expect((await get(account("conformancelife02"), API.storage)).status).toBe(200);
    });

    it("protect: destroy fails and keeps the protected resource (and its resource group); once lifted, destroy empties the twin", async () => {
      const refused = await ws.pulumi(["destroy", "--yes", "--skip-preview"]);
      expect(refused.code).not.toBe(0);
      expect(refused.output).toMatch(/protect/i);
      expect((await get(avset("avset-kept"), API.compute)).status).toBe(200);
      expect((await get(RG, "2024-03-01")).status).toBe(200);
      await ok(ws, ["config", "set", "protect", "false"]);
      await ok(ws, ["up", "--yes", "--skip-preview"]);
      await ok(ws, ["destroy", "--yes", "--skip-preview"]);
      for (const [id, api] of [
        [avset("avset-kept"), API.compute],
        [avset("avset-ignored"), API.compute],
        [account("conformancelife02"), API.storage],
      ]) {
        expect([id, (await get(id, api)).status]).toEqual([id, 404]);
      }
      expect((await get(RG, "2024-03-01")).status).toBe(404);
    });
  });
});
