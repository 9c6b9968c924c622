import { assignNsgPriorities, isolationSecurityRules, NSG_DENY_INTERNET_PRIORITY } from "../../components/nsgRules";

describe("assignNsgPriorities", () => {
  it("numbers each direction from 100", () => {
    const r = assignNsgPriorities([{ direction: "Inbound" }, { direction: "Outbound" }, { direction: "Inbound" }]);
    expect(r.priorities).toEqual([100, 100, 101]);
    expect(r.duplicates).toEqual([]);
  });

  it("keeps explicit priorities and skips them when numbering", () => {
    const r = assignNsgPriorities([
      { direction: "Inbound", priority: 100 },
      { direction: "Inbound" },
      { direction: "Inbound", priority: 101 },
    ]);
    expect(r.priorities).toEqual([100, 102, 101]);
  });

  it("reports an explicit priority used twice in one direction, not across directions", () => {
    expect(
      assignNsgPriorities([
        { direction: "Inbound", priority: 300 },
        { direction: "Outbound", priority: 300 },
      ]).duplicates,
    ).toEqual([]);
    expect(
      assignNsgPriorities([
        { direction: "Inbound", priority: 300 },
        { direction: "Inbound", priority: 300 },
      ]).duplicates,
    ).toEqual([{ index: 1, other: 0, priority: 300 }]);
  });

  it("reports automatic priorities that would reach the deny rules", () => {
    const rules = Array.from({ length: NSG_DENY_INTERNET_PRIORITY - 100 + 1 }, () => ({ direction: "Outbound" as const }));
    const r = assignNsgPriorities(rules);
    expect(r.overflow).toEqual([{ index: rules.length - 1, priority: NSG_DENY_INTERNET_PRIORITY }]);
  });
});

describe("isolationSecurityRules", () => {
  it("denies the Internet both ways when there is no allow-list", () => {
    expect(isolationSecurityRules([])).toEqual([
      expect.objectContaining({
        name: "deny-internet-inbound",
        direction: "Inbound",
        access: "Deny",
        priority: 4000,
        sourceAddressPrefix: "Internet",
      }),
      expect.objectContaining({
        name: "deny-internet-outbound",
        direction: "Outbound",
        access: "Deny",
        priority: 4000,
        destinationAddressPrefix: "Internet",
      }),
    ]);
  });

  it("turns an allow-list entry into an Allow rule between the remote address and the VNet", () => {
    const [inbound, outbound] = isolationSecurityRules([
      { name: "rdp", direction: "Inbound", protocol: "Tcp", remoteAddress: "192.0.2.10", ports: "3389", priority: 150 },
      { name: "kms", direction: "Outbound", protocol: "Tcp", remoteAddress: "AzureCloud", ports: "1688" },
    ]);
    expect(inbound).toMatchObject({
      priority: 150,
      access: "Allow",
      sourceAddressPrefix: "192.0.2.10",
      destinationAddressPrefix: "VirtualNetwork",
      destinationPortRange: "3389",
      sourcePortRange: "*",
    });
    expect(outbound).toMatchObject({
      priority: 100,
      access: "Allow",
      sourceAddressPrefix: "VirtualNetwork",
      destinationAddressPrefix: "AzureCloud",
      destinationPortRange: "1688",
    });
    expect(inbound.description).toBe("Drill allow-list: inbound Tcp 3389 from 192.0.2.10");
  });

  it("refuses clashing priorities (config validation reports them first)", () => {
    expect(() =>
      isolationSecurityRules([
        { name: "a", direction: "Inbound", protocol: "Tcp", remoteAddress: "192.0.2.1", ports: "22", priority: 200 },
        { name: "b", direction: "Inbound", protocol: "Tcp", remoteAddress: "192.0.2.2", ports: "22", priority: 200 },
      ]),
    ).toThrow(/allow-list rule b: priority 200/);
  });
});
