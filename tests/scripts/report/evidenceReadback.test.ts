// What the report reads back from ARM (scripts/report/evidenceReadback.ts), against canned ARM bodies in
// the shapes the API returns: the recovery point a job used, the failing task of a failed job, the
// isolation proof.
import { ArmReadError, type ArmReader } from "../../../scripts/report/armReader";
import { readIsolation, readItemHealth, readJobs } from "../../../scripts/report/evidenceReadback";

const VAULT = { subscriptionId: "s", resourceGroup: "rg", name: "v" };
const V = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v";
const ITEM = `${V}/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/app01`;
const NET = "/subscriptions/s/resourceGroups/drill/providers/Microsoft.Network/virtualNetworks/drill-vnet";

function fakeArm(bodies: Record<string, unknown>): ArmReader & { calls: string[] } {
  const calls: string[] = [];
  const get = async <T>(p: string): Promise<T> => {
    calls.push(p);
    const key = p.split("?")[0];
    if (!(key in bodies)) throw new ArmReadError(404, p, '{"error":{"code":"NotFound"}}');
    return bodies[key] as T;
  };
  return { calls, get, list: async <T>(p: string) => (await get<{ value: T[] }>(p)).value ?? [] };
}

describe("readJobs", () => {
  it("takes the recovery point each item used from TestFailoverJobDetails and its type from the item's recovery points", async () => {
    const arm = fakeArm({
      [`${V}/replicationJobs/job-1`]: {
        name: "job-1",
        properties: {
          state: "Succeeded",
          scenarioName: "TestFailover",
          customDetails: {
            instanceType: "TestFailoverJobDetails",
            protectedItemDetails: [
              {
                name: "app01",
                friendlyName: "APP01",
                recoveryPointId: `${ITEM}/recoveryPoints/rp-1`,
                recoveryPointTime: "2026-11-26T07:45:00Z",
              },
            ],
          },
        },
      },
      [`${ITEM}/recoveryPoints`]: {
        value: [
          {
            id: `${ITEM}/recoveryPoints/rp-1`,
            properties: { recoveryPointTime: "2026-11-26T07:45:00Z", recoveryPointType: "CrashConsistent" },
          },
        ],
      },
    });
    const r = await readJobs(arm, VAULT, ["job-1"], new Map([["app01", "LatestProcessed (requested)"]]));
    expect(r.points.get("app01")).toEqual({
      id: `${ITEM}/recoveryPoints/rp-1`,
      name: "rp-1",
      time: "2026-11-26T07:45:00Z",
      type: "CrashConsistent",
    });
    expect(r.jobOfItem.get("app01")).toBe("job-1");
    expect(r.causes).toEqual([]);
  });

  it("names the failing leaf task of a failed job with every error line; an unreadable job is a gap, not a crash", async () => {
    const arm = fakeArm({
      [`${V}/replicationJobs/job-2`]: {
        name: "job-2",
        properties: {
          state: "Failed",
          scenarioName: "TestFailover",
          customDetails: { protectedItemDetails: [] },
          tasks: [
            {
              name: "Group2",
              state: "Failed",
              groupTaskCustomDetails: {
                childTasks: [
                  {
                    name: "VmTfoPrepareTestVm",
                    friendlyName: "APP01: Prepare the test VM",
                    state: "Failed",
                    errors: [
                      {
                        serviceErrorDetails: {
                          code: "28031",
                          message: "The IP address is not available.",
                          possibleCauses: "It is in use.",
                          recommendedAction: "Pick a free address.",
                        },
                      },
                    ],
                  },
                ],
              },
            },
          ],
          errors: [{ serviceErrorDetails: { code: "28031", message: "The IP address is not available." } }],
        },
      },
    });
    const r = await readJobs(arm, VAULT, ["job-2", "job-gone"], new Map());
    expect(r.causes).toEqual([
      {
        source: "job",
        subject: 'job job-2 (TestFailover), task VmTfoPrepareTestVm "APP01: Prepare the test VM"',
        lines: ["task VmTfoPrepareTestVm failed", "28031: The IP address is not available.", "It is in use.", "Pick a free address."],
      },
    ]);
    expect(r.gaps).toEqual([expect.stringMatching(/^job job-gone could not be read back: GET .* answered 404/)]);
  });
});

describe("readIsolation", () => {
  const subnet = (name: string, nsg?: string) => ({ name, properties: nsg ? { networkSecurityGroup: { id: nsg } } : {} });
  const NSG = "/subscriptions/s/resourceGroups/drill/providers/Microsoft.Network/networkSecurityGroups/nsg-1";
  const nsgBody = {
    name: "nsg-1",
    properties: {
      securityRules: [
        {
          name: "deny-internet-inbound",
          properties: {
            direction: "Inbound",
            access: "Deny",
            priority: 4000,
            protocol: "*",
            sourceAddressPrefix: "Internet",
            destinationAddressPrefix: "*",
            destinationPortRange: "*",
          },
        },
        {
          name: "deny-internet-outbound",
          properties: {
            direction: "Outbound",
            access: "Deny",
            priority: 4000,
            protocol: "*",
            sourceAddressPrefix: "*",
            destinationAddressPrefix: "Internet",
            destinationPortRanges: ["80", "443"],
          },
        },
      ],
    },
  };
  const NIC = "/subscriptions/s/resourceGroups/rec/providers/Microsoft.Network/networkInterfaces/APP01-test-nic";

  it("proves an isolated network: no peering, no public IP, every subnet behind an NSG that denies the Internet both ways", async () => {
    const arm = fakeArm({
      [NET]: { properties: { dhcpOptions: { dnsServers: ["10.10.1.4"] }, virtualNetworkPeerings: [], subnets: [subnet("snet-app", NSG)] } },
      [NSG]: nsgBody,
      [NIC]: {
        name: "APP01-test-nic",
        properties: { ipConfigurations: [{ name: "ipconfig1", properties: { privateIPAddress: "10.10.3.10" } }] },
      },
    });
    const proof = await readIsolation(arm, NET, [NIC], () => "2026-11-26T08:10:00Z");
    expect(proof).toMatchObject({ readAt: "2026-11-26T08:10:00Z", peerings: [], publicIps: [], dnsServers: ["10.10.1.4"], isolated: true });
    expect(proof.nsgRules[1]).toMatchObject({ name: "deny-internet-outbound", destination: "Internet", ports: "80,443" });
  });

  it("is not isolated with a peering, a public IP, or a subnet without an NSG, and says which", async () => {
    const arm = fakeArm({
      [NET]: {
        properties: {
          virtualNetworkPeerings: [
            { name: "to-prod", properties: { remoteVirtualNetwork: { id: "/x/prod-vnet" }, peeringState: "Connected" } },
          ],
          subnets: [subnet("snet-app", NSG), subnet("snet-open")],
        },
      },
      [NSG]: nsgBody,
      [NIC]: {
        name: "APP01-test-nic",
        properties: { ipConfigurations: [{ name: "ipconfig1", properties: { publicIPAddress: { id: "/x/pip-1" } } }] },
      },
    });
    const proof = await readIsolation(arm, NET, [NIC]);
    expect(proof).toMatchObject({
      peerings: ["to-prod: /x/prod-vnet (Connected)"],
      publicIps: ["APP01-test-nic/ipconfig1: /x/pip-1"],
      isolated: false,
      error: "subnets without a network security group: snet-open",
    });
    expect((await readIsolation(fakeArm({}), NET, [])).error).toMatch(/^could not read the isolation proof: GET .* answered 404/);
  });
  it("reads the test NICs with one list per resource group, and a NIC the list lacks by its own GET", async () => {
    const RG = "/subscriptions/s/resourceGroups/rec";
    const nic = (n: number, pip?: string) => ({
      id: `${RG}/providers/Microsoft.Network/networkInterfaces/APP${n}-test-nic`,
      name: `APP${n}-test-nic`,
      properties: { ipConfigurations: [{ name: "ipconfig1", properties: pip ? { publicIPAddress: { id: pip } } : {} }] },
    });
    const listed = Array.from({ length: 120 }, (_, n) => nic(n, n === 77 ? "/x/pip-77" : undefined));
    const lateNic = nic(500, "/x/pip-500");
    const arm = fakeArm({
      [NET]: { properties: { virtualNetworkPeerings: [], subnets: [subnet("snet-app", NSG)] } },
      [NSG]: nsgBody,
      [`${RG}/providers/Microsoft.Network/networkInterfaces`]: { value: listed },
      [lateNic.id]: lateNic,
    });
    const proof = await readIsolation(arm, NET, [...listed.map((n, i) => (i % 2 ? n.id.replace("APP", "app") : n.id)), lateNic.id]);
    expect(proof.publicIps).toEqual(["APP77-test-nic/ipconfig1: /x/pip-77", "APP500-test-nic/ipconfig1: /x/pip-500"]);
    const nicCalls = arm.calls.filter((c) => /networkInterfaces/i.test(c));
    expect(nicCalls.map((c) => c.split("?")[0])).toEqual([`${RG}/providers/Microsoft.Network/networkInterfaces`, lateNic.id]);
  });
});

describe("readJobs at scale", () => {
  it("lists each item's recovery points once, at most 8 lists in flight", async () => {
    const items = Array.from(
      { length: 40 },
      (_, n) => `${V}/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/app${n}`,
    );
    let inFlight = 0;
    let most = 0;
    const calls: string[] = [];
    const arm: ArmReader = {
      get: async <T>(p: string) => {
        calls.push(p);
        return {
          name: "job-1",
          properties: {
            state: "Succeeded",
            customDetails: {
              protectedItemDetails: items.map((id, n) => ({ friendlyName: `APP${n}`, recoveryPointId: `${id}/recoveryPoints/rp-${n}` })),
            },
          },
        } as T;
      },
      list: async <T>(p: string) => {
        calls.push(p);
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        const id = p.split("?")[0];
        const n = /app(\d+)\/recoveryPoints$/.exec(id)![1];
        return [{ id: `${id}/rp-${n}`, properties: { recoveryPointType: n === "3" ? "ApplicationConsistent" : "CrashConsistent" } }] as T[];
      },
    };
    const r = await readJobs(arm, VAULT, ["job-1"], new Map([["app5", "LatestProcessed (requested)"]]));
    expect(calls.filter((c) => c.includes("/recoveryPoints")).length).toBe(40);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(8);
    expect(r.points.get("app3")?.type).toBe("ApplicationConsistent");
    expect(r.points.get("app5")?.type).toBe("CrashConsistent");
    expect(r.points.size).toBe(40);
  });
});

describe("readItemHealth", () => {
  it("keeps each item's health errors with code, message and recommended action", async () => {
    const arm = fakeArm({
      [`${V}/replicationProtectedItems`]: {
        value: [
          {
            id: ITEM,
            name: "app01",
            properties: {
              friendlyName: "APP01",
              replicationHealth: "Critical",
              failoverHealth: "Critical",
              healthErrors: [
                {
                  errorCode: "161003",
                  errorLevel: "Error",
                  errorMessage: "Target network settings are not configured.",
                  recommendedAction: "Configure them.",
                  possibleCauses: "",
                },
              ],
            },
          },
        ],
      },
    });
    const h = await readItemHealth(arm, VAULT, () => "t");
    expect(h.get("app01")).toEqual({
      friendlyName: "APP01",
      protectedItemId: ITEM,
      replicationHealth: "Critical",
      failoverHealth: "Critical",
      healthErrors: [
        {
          code: "161003",
          level: "Error",
          message: "Target network settings are not configured.",
          recommendedAction: "Configure them.",
          possibleCauses: undefined,
        },
      ],
      healthReadAt: "t",
    });
  });
});
