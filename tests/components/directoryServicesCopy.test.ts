import * as pulumi from "@pulumi/pulumi";
import type { DirectoryServicesCopy as DscClass, DomainControllerItem } from "../../components/directoryServicesCopy";
import { TEST_FAILOVER_TYPE, type ItemSettingsSnapshot } from "../../components/drillTypes";
import { Harness, installMocks, settle, value } from "./mockHarness";
import { itemId } from "./fixtures";

let harness: Harness;
let mod: typeof import("../../components/directoryServicesCopy");

beforeAll(async () => {
  harness = await installMocks();
  mod = await import("../../components/directoryServicesCopy");
});

function dc(friendlyName: string, guid: string, testIp: string, tfoStaticIp?: string): DomainControllerItem {
  const snapshot: ItemSettingsSnapshot = {
    protectedItemId: itemId(guid),
    friendlyName,
    protectionState: "Protected",
    recoveryVmName: friendlyName,
    recoveryVmSize: "Standard_D2s_v3",
    nics: [
      {
        nicId: `${guid}-nic0`,
        name: "adapter0",
        isPrimary: true,
        recoverySubnetName: "snet-identity",
        ...(tfoStaticIp ? { tfoStaticIp } : {}),
      },
    ],
    useManagedDisks: "true",
    replicationStorageSseEnabled: false,
  };
  return {
    ref: { fabricName: "fab", protectionContainerName: "cloud", name: guid, friendlyName, id: itemId(guid) },
    snapshot,
    testIp,
    expected: { size: "Standard_D2s_v3" },
  };
}

const common = {
  drillId: "contoso-tier1",
  vault: { subscriptionId: "11111111-1111-1111-1111-111111111111", resourceGroup: "contoso-dr", name: "contoso-asr-vault" },
  arm: { endpoint: "http://127.0.0.1:8443", credentialMode: "staticToken" as const, tokenVariable: "FAILOVER_DRILL_ARM_TOKEN" },
  testNetworkId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/contoso-drill-vnet",
  testSubnets: [{ name: "snet-identity", addressPrefix: "10.10.1.0/24" }],
  notes: "drill notes",
  timeouts: { testFailoverMinutes: 60, cleanupMinutes: 30 },
};

describe("DirectoryServicesCopy", () => {
  let copy: DscClass;
  beforeAll(async () => {
    copy = new mod.DirectoryServicesCopy("dc-copy", {
      ...common,
      domainControllers: [dc("DC01", "guid-dc01", "10.10.1.4", "10.10.1.4"), dc("DC02", "guid-dc02", "10.10.1.5", "10.10.1.5")],
    });
    await value(copy.dcIps);
    await value(copy.testFailover.id);
    await settle();
  });

  it("declares one TestFailover of role directory-copy as its child", () => {
    const component = harness.one("failover-drill:drill:DirectoryServicesCopy", "dc-copy");
    const tfo = harness.one(TEST_FAILOVER_TYPE, "dc-copy-tfo");
    expect(tfo.parent).toBe(component.urn);
    expect(tfo.inputs.role).toBe("directory-copy");
    expect(tfo.inputs.drillId).toBe("contoso-tier1");
  });

  it("test-fails-over the DC items into the isolated network at the latest application-consistent point", () => {
    const tfo = harness.one(TEST_FAILOVER_TYPE, "dc-copy-tfo").inputs;
    expect(tfo.scope).toEqual({
      kind: "protectedItems",
      items: [
        expect.objectContaining({ friendlyName: "DC01", id: itemId("guid-dc01") }),
        expect.objectContaining({ friendlyName: "DC02" }),
      ],
    });
    expect(tfo.testNetworkId).toBe(common.testNetworkId);
    expect(tfo.testSubnets).toEqual(common.testSubnets);
    expect(tfo.failoverDirection).toBe("PrimaryToRecovery");
    expect(tfo.recoveryPointType).toBe("LatestApplicationConsistent");
    expect(tfo.items.map((i: ItemSettingsSnapshot) => i.friendlyName)).toEqual(["DC01", "DC02"]);
    expect(tfo.notes).toBe("drill notes");
    expect(tfo.arm).toEqual(common.arm);
  });

  it("expects each copy at its configured IP", () => {
    const tfo = harness.one(TEST_FAILOVER_TYPE, "dc-copy-tfo").inputs;
    expect(tfo.expected).toEqual([
      { friendlyName: "DC01", ip: "10.10.1.4", size: "Standard_D2s_v3" },
      { friendlyName: "DC02", ip: "10.10.1.5", size: "Standard_D2s_v3" },
    ]);
  });

  it("outputs the DC copy IPs and exposes the TestFailover for dependsOn", async () => {
    expect(await value(copy.dcIps)).toEqual(["10.10.1.4", "10.10.1.5"]);
    expect(copy.testFailover).toBeInstanceOf(pulumi.CustomResource);
  });

  it("honours another recovery point type when configured", async () => {
    const other = new mod.DirectoryServicesCopy("dc-latest", {
      ...common,
      recoveryPointType: "Latest",
      domainControllers: [dc("DC01", "guid-dc01", "10.10.1.4", "10.10.1.4")],
    });
    await value(other.testFailover.id);
    await settle();
    expect(harness.one(TEST_FAILOVER_TYPE, "dc-latest-tfo").inputs.recoveryPointType).toBe("Latest");
  });

  it("refuses an empty DC list", () => {
    expect(() => new mod.DirectoryServicesCopy("none", { ...common, domainControllers: [] })).toThrow(
      /failover-drill:directoryCopy\.items/,
    );
  });
});

describe("dcAddressWarning", () => {
  it("is quiet when the item's test failover IP is the configured one", () => {
    expect(mod.dcAddressWarning(dc("DC01", "g", "10.10.1.4", "10.10.1.4"))).toBeUndefined();
  });
  it("warns when the item would get another address", () => {
    expect(mod.dcAddressWarning(dc("DC01", "g", "10.10.1.4", "10.10.1.9"))).toBe(
      "DC01: its primary NIC's test failover IP is 10.10.1.9, not the configured directory copy IP 10.10.1.4; the test network's DNS would point at the wrong address",
    );
  });
  it("warns when the item has no static IP (DHCP)", () => {
    expect(mod.dcAddressWarning(dc("DC01", "g", "10.10.1.4"))).toMatch(
      /no static test failover IP.*set the item's test failover IP to 10\.10\.1\.4/,
    );
  });
  it("falls back to the failover IP when no test failover IP is set", () => {
    const item = dc("DC01", "g", "10.10.1.4");
    item.snapshot.nics[0].recoveryStaticIp = "10.10.1.4";
    expect(mod.dcAddressWarning(item)).toBeUndefined();
  });
});
