import { armIdName, idSegment, isUnder, lastSegment, parseArmId, sameArmId, virtualNetworkId } from "../../../components/contract";

describe("ARM ids", () => {
  it("computes a VNet's id before it exists", () => {
    expect(virtualNetworkId("sub", "rg", "vnet")).toBe(
      "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet",
    );
  });

  it("compares ARM ids case-insensitively, ignoring a trailing slash and surrounding blanks", () => {
    expect(sameArmId("/Subscriptions/S/resourceGroups/RG/x", "/subscriptions/s/resourcegroups/rg/x/")).toBe(true);
    expect(sameArmId(" /subscriptions/s/a ", "/subscriptions/s/a")).toBe(true);
    expect(sameArmId("/subscriptions/s/a", "/subscriptions/s/b")).toBe(false);
    expect(sameArmId(undefined, "/subscriptions/s/a")).toBe(false);
    expect(sameArmId(null, null)).toBe(false);
  });

  it("parses ARM ids", () => {
    expect(parseArmId("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a")).toEqual({
      subscriptionId: "s",
      resourceGroup: "rg",
      provider: "Microsoft.Network",
      segments: [
        ["virtualNetworks", "v"],
        ["subnets", "a"],
      ],
    });
    expect(parseArmId("/subscriptions/s/resourceGroups/rg")).toBeUndefined();
    expect(parseArmId("not an id")).toBeUndefined();
    expect(armIdName("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/availabilitySets/as1")).toBe("as1");
  });

  it("reads a segment, the last segment and containment", () => {
    const nic = "/Subscriptions/s/resourceGroups/Contoso-Recovery/providers/Microsoft.Network/networkInterfaces/app01-test-nic";
    expect(idSegment(nic, "resourcegroups")).toBe("Contoso-Recovery");
    expect(idSegment(nic, "virtualMachines")).toBeUndefined();
    expect(lastSegment(`${nic}/`)).toBe("app01-test-nic");
    expect(isUnder(nic, "/subscriptions/s/resourceGroups/contoso-recovery/")).toBe(true);
    expect(isUnder(nic, "/subscriptions/s/resourceGroups/contoso")).toBe(false);
  });
});
