import { API_VERSIONS, parseProtectedItemId, protectedItemId, recoveryPlanMemberIds, vaultPath } from "../../../components/contract";
import { CONTAINER, FABRIC, SUB, itemId, recoveryPlan } from "../fixtures";

const vault = { subscriptionId: SUB, resourceGroup: "contoso-dr", name: "contoso-asr-vault" };

describe("protected item ids", () => {
  it("splits an ASR id (capital S and all)", () => {
    expect(parseProtectedItemId(itemId("guid-1"))).toEqual({
      subscriptionId: SUB,
      resourceGroup: "contoso-dr",
      vaultName: "contoso-asr-vault",
      fabricName: FABRIC,
      protectionContainerName: CONTAINER,
      name: "guid-1",
    });
    expect(parseProtectedItemId("/subscriptions/s/resourceGroups/rg")).toBeUndefined();
    expect(parseProtectedItemId(`${itemId("guid-1")}/recoveryPoints/p`)).toBeUndefined();
  });

  it("builds an item id under the vault path", () => {
    expect(vaultPath(vault)).toBe(
      `/subscriptions/${SUB}/resourceGroups/contoso-dr/providers/Microsoft.RecoveryServices/vaults/contoso-asr-vault`,
    );
    const id = protectedItemId(vault, "f", "c", "n");
    expect(id.startsWith(`${vaultPath(vault)}/replicationFabrics/f/`)).toBe(true);
    expect(parseProtectedItemId(id)).toMatchObject({ fabricName: "f", protectionContainerName: "c", name: "n" });
  });
});

describe("recoveryPlanMemberIds", () => {
  it("lists the items in group order, each once (ASR repeats them across group kinds)", () => {
    const plan = recoveryPlan("rp", [["sql"], ["app", "web", "sql"]]);
    expect(recoveryPlanMemberIds(plan)).toEqual([itemId("sql"), itemId("app"), itemId("web")]);
    expect(recoveryPlanMemberIds({ id: "x", name: "empty" })).toEqual([]);
    expect(recoveryPlanMemberIds(undefined)).toEqual([]);
  });
});

describe("api-versions", () => {
  it("are the dated versions the drill was written against", () => {
    for (const v of Object.values(API_VERSIONS)) expect(v).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
