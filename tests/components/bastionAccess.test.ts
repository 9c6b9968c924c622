import {
  bastionAccessProblems,
  bastionConnectUrl,
  bastionNeedsPublicIp,
  bastionNeedsSubnet,
  bastionRuleSource,
  bastionSubnetSecurityRules,
  bastionTargetRules,
  carveBastionSubnet,
} from "../../components/bastionAccess";
import { drillConfigProblems } from "../../components/config";
import { isolationSecurityRules } from "../../components/nsgRules";
import { validRawConfig } from "./fixtures";

const tn = (access: unknown, extra: Record<string, unknown> = {}) => ({
  addressSpace: ["10.10.0.0/16"],
  subnets: [
    { name: "snet-identity", prefix: "10.10.0.0/24" },
    { name: "snet-app", prefix: "10.10.1.0/26" },
  ],
  access,
  ...extra,
});

describe("what each Bastion SKU needs (Microsoft Learn: configuration settings)", () => {
  it("Basic and Standard need an AzureBastionSubnet and a public IP; Developer neither", () => {
    expect([bastionNeedsSubnet("Basic"), bastionNeedsSubnet("Standard"), bastionNeedsSubnet("Developer")]).toEqual([true, true, false]);
    expect([bastionNeedsPublicIp("Basic"), bastionNeedsPublicIp("Standard"), bastionNeedsPublicIp("Developer")]).toEqual([
      true,
      true,
      false,
    ]);
  });
});

describe("carveBastionSubnet", () => {
  it("takes the first /26 that overlaps no test subnet", () => {
    expect(carveBastionSubnet(["10.10.0.0/16"], ["10.10.0.0/24", "10.10.1.0/26"])).toBe("10.10.1.64/26");
  });
  it("skips address spaces smaller than /26 and gives undefined when nothing is free", () => {
    expect(carveBastionSubnet(["10.0.0.0/27", "10.1.0.0/24"], [])).toBe("10.1.0.0/26");
    expect(carveBastionSubnet(["10.10.0.0/24"], ["10.10.0.0/24"])).toBeUndefined();
  });
});

describe("bastionAccessProblems", () => {
  const texts = (raw: unknown) => bastionAccessProblems(raw).map((p) => `${p.path.join(".")}: ${p.expectation}`);

  it("accepts a /26 and a /25 for Basic/Standard, and no prefix when one is free", () => {
    expect(texts(tn({ bastion: { sku: "Standard", subnetPrefix: "10.10.2.0/26" } }))).toEqual([]);
    expect(texts(tn({ bastion: { sku: "Basic", subnetPrefix: "10.10.2.0/25" } }))).toEqual([]);
    expect(texts(tn({ bastion: { sku: "Basic" } }))).toEqual([]);
  });

  it("refuses a /27 (boundary: /26 is the smallest)", () => {
    expect(texts(tn({ bastion: { sku: "Standard", subnetPrefix: "10.10.2.0/27" } }))).toEqual([
      "access.bastion.subnetPrefix: is smaller than /26; Azure Bastion Standard needs an AzureBastionSubnet of /26 or larger",
    ]);
  });

  it("refuses a prefix outside the address space or on a test subnet", () => {
    expect(texts(tn({ bastion: { sku: "Basic", subnetPrefix: "10.20.0.0/26" } }))[0]).toMatch(/not inside the address space 10.10.0.0\/16/);
    expect(texts(tn({ bastion: { sku: "Basic", subnetPrefix: "10.10.1.0/26" } }))[0]).toMatch(
      /overlaps testNetwork.subnets\[1\].prefix 10.10.1.0\/26/,
    );
  });

  it("refuses a subnet prefix for the Developer SKU, which needs none", () => {
    expect(texts(tn({ bastion: { sku: "Developer", subnetPrefix: "10.10.2.0/26" } }))[0]).toMatch(
      /Developer SKU needs no AzureBastionSubnet/,
    );
    expect(texts(tn({ bastion: { sku: "Developer" } }))).toEqual([]);
  });

  it("says when no /26 is left and how to fix it", () => {
    const full = tn(
      { bastion: { sku: "Basic" } },
      { addressSpace: ["10.10.0.0/24"], subnets: [{ name: "snet-app", prefix: "10.10.0.0/24" }] },
    );
    expect(texts(full)[0]).toMatch(/^access.bastion: needs a free \/26 .* widen addressSpace or set subnetPrefix/);
  });

  it("refuses a test subnet named AzureBastionSubnet and allow-list priorities the Bastion rules use", () => {
    const raw = tn(
      { bastion: { sku: "Basic" } },
      {
        subnets: [{ name: "AzureBastionSubnet", prefix: "10.10.0.0/24" }],
        allowList: [{ name: "x", direction: "Inbound", remoteAddress: "192.0.2.1", priority: 3900 }],
      },
    );
    expect(texts(raw)).toEqual([
      "subnets.0.name: is reserved for Azure Bastion; set testNetwork.access.bastion instead of declaring the subnet",
      "allowList.0.priority: is taken by the Bastion RDP/SSH rules (3900, 3901 inbound); choose another priority",
    ]);
  });

  it("Developer's RDP/SSH rules take the same priorities, so the allow-list may not use them either", () => {
    const raw = tn(
      { bastion: { sku: "Developer" } },
      { allowList: [{ name: "x", direction: "Inbound", remoteAddress: "192.0.2.1", priority: 3901 }] },
    );
    expect(texts(raw)).toEqual([
      "allowList.0.priority: is taken by the Bastion RDP/SSH rules (3900, 3901 inbound); choose another priority",
    ]);
  });

  it("the test subnets' RDP/SSH source: the AzureBastionSubnet, or 168.63.129.16 for Developer (Learn, quickstart-developer-sku)", () => {
    expect(bastionRuleSource("Basic", "10.10.255.0/26")).toBe("10.10.255.0/26");
    expect(bastionRuleSource("Standard", "10.10.255.0/25")).toBe("10.10.255.0/25");
    expect(bastionRuleSource("Developer", undefined)).toBe("168.63.129.16/32");
    expect(() => bastionRuleSource("Basic", undefined)).toThrow(/AzureBastionSubnet/);
  });

  it("reaches the drill config parser with the full config path", () => {
    const cfg = validRawConfig();
    (cfg.testNetwork as Record<string, unknown>).access = { bastion: { sku: "Basic", subnetPrefix: "10.10.9.0/28" } };
    expect(drillConfigProblems(cfg)).toEqual([
      'failover-drill:testNetwork.access.bastion.subnetPrefix: "10.10.9.0/28" is smaller than /26; Azure Bastion Basic needs an AzureBastionSubnet of /26 or larger',
    ]);
    (cfg.testNetwork as Record<string, unknown>).access = { bastion: { sku: "Premium" } };
    expect(drillConfigProblems(cfg)[0]).toMatch(
      /^failover-drill:testNetwork.access.bastion.sku: "Premium" is not one of "Developer", "Basic", "Standard"/,
    );
  });
});

describe("the Bastion subnet's NSG (Microsoft Learn: Configure NSG rules for Azure Bastion)", () => {
  const rules = bastionSubnetSecurityRules();
  const key = (r: (typeof rules)[number]) =>
    `${r.direction} ${r.protocol} ${r.sourceAddressPrefix} -> ${r.destinationAddressPrefix} ${(r.destinationPortRanges ?? [r.destinationPortRange]).join(",")}`;

  it("holds exactly the eight required rules", () => {
    expect(rules.map(key).sort()).toEqual(
      [
        "Inbound Tcp Internet -> * 443",
        "Inbound Tcp GatewayManager -> * 443",
        "Inbound Tcp AzureLoadBalancer -> * 443",
        "Inbound * VirtualNetwork -> VirtualNetwork 8080,5701",
        "Outbound * * -> VirtualNetwork 22,3389",
        "Outbound Tcp * -> AzureCloud 443",
        "Outbound * VirtualNetwork -> VirtualNetwork 8080,5701",
        "Outbound * * -> Internet 80",
      ].sort(),
    );
    expect(rules.every((r) => r.access === "Allow")).toBe(true);
  });

  it("uses unique priorities per direction", () => {
    for (const dir of ["Inbound", "Outbound"]) {
      const p = rules.filter((r) => r.direction === dir).map((r) => r.priority);
      expect(new Set(p).size).toBe(p.length);
    }
  });
});

describe("test subnet rules with a Bastion", () => {
  it("let RDP and SSH in from the Bastion subnet only and keep the Internet deny rules", () => {
    const all = isolationSecurityRules(bastionTargetRules("10.10.255.0/26"));
    const inbound = all.filter((r) => r.direction === "Inbound" && r.access === "Allow");
    expect(inbound.map((r) => `${r.sourceAddressPrefix} ${r.destinationPortRange}`)).toEqual(["10.10.255.0/26 3389", "10.10.255.0/26 22"]);
    expect(all.filter((r) => r.access === "Deny").map((r) => `${r.direction} ${r.priority}`)).toEqual(["Inbound 4000", "Outbound 4000"]);
    expect(Math.max(...inbound.map((r) => r.priority))).toBeLessThan(4000);
  });
});

describe("bastionConnectUrl", () => {
  it("opens the VM's Bastion blade in the portal", () => {
    const vm = "/subscriptions/s/resourceGroups/contoso-recovery/providers/Microsoft.Compute/virtualMachines/APP01-test";
    expect(bastionConnectUrl(vm)).toBe(`https://portal.azure.com/#@/resource${vm}/bastionHost`);
    expect(bastionConnectUrl(vm, "https://portal.azure.us/")).toBe(`https://portal.azure.us/#@/resource${vm}/bastionHost`);
  });
});
