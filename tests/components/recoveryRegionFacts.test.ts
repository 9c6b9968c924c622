// The failure predictor's reads (components/recoveryRegionFacts.ts) against a fake ARM reader: what is
// requested (GETs with their api-versions) and how usages, SKUs, VMs and NIC addresses become facts.
import { readRecoveryRegionFacts, type ArmReader } from "../../components/recoveryRegionFacts";

const SUB = "/subscriptions/s1";
const VNET = `${SUB}/resourceGroups/drill-rg/providers/Microsoft.Network/virtualNetworks/drill-vnet`;
const NIC = `${SUB}/resourceGroups/drill-rg/providers/Microsoft.Network/networkInterfaces/stray-nic`;

function fakeArm(vnetExists: boolean) {
  const calls: string[] = [];
  const arm: ArmReader = {
    listAll: async <T>(path: string, query?: Record<string, string | undefined>) => {
      calls.push(`list ${path} ${JSON.stringify(query)}`);
      if (path.endsWith("/usages"))
        return [
          {
            unit: "Count",
            currentValue: 4,
            limit: 10,
            name: { value: "standardDSv3Family", localizedValue: "Standard DSv3 Family vCPUs" },
          },
        ] as T[];
      if (path.endsWith("/skus")) {
        return [
          {
            resourceType: "virtualMachines",
            name: "Standard_D2s_v3",
            family: "standardDSv3Family",
            capabilities: [{ name: "vCPUs", value: "2" }],
          },
          {
            resourceType: "virtualMachines",
            name: "Standard_E64s_v3",
            family: "standardESv3Family",
            capabilities: [{ name: "vCPUs", value: "64" }],
          },
          { resourceType: "disks", name: "Standard_D2s_v3" },
        ] as T[];
      }
      if (path.includes("/resourceGroups/missing-rg/")) throw Object.assign(new Error("ResourceGroupNotFound"), { statusCode: 404 });
      return [
        { id: `${SUB}/resourceGroups/contoso-recovery/providers/Microsoft.Compute/virtualMachines/APP01-test`, name: "APP01-test" },
      ] as T[];
    },
    tryGet: async <T>(path: string) => {
      calls.push(`get ${path}`);
      if (path === VNET) {
        if (!vnetExists) return undefined;
        return {
          properties: {
            subnets: [
              { name: "snet-app", properties: { ipConfigurations: [{ id: `${NIC}/ipConfigurations/ipconfig1` }] } },
              {
                name: "AzureBastionSubnet",
                properties: {
                  ipConfigurations: [
                    { id: `${SUB}/resourceGroups/drill-rg/providers/Microsoft.Network/bastionHosts/b/bastionHostIpConfigurations/c` },
                  ],
                },
              },
            ],
          },
        } as T;
      }
      if (path === NIC)
        return {
          id: NIC,
          properties: {
            virtualMachine: { id: "vm-1" },
            ipConfigurations: [{ properties: { privateIPAddress: "10.10.3.10", subnet: { id: `${VNET}/subnets/snet-app` } } }],
          },
        } as T;
      return undefined;
    },
  };
  return { arm, calls };
}

const query = {
  subscriptionId: "s1",
  location: "westeurope",
  sizes: ["standard_d2s_v3"],
  recoveryResourceGroups: ["contoso-recovery", "Contoso-Recovery", "missing-rg"],
  testVnetId: VNET,
  testSubnets: ["snet-app"],
};

describe("readRecoveryRegionFacts", () => {
  it("reads usages, the drill's sizes from SKUs, VMs per recovery resource group (once each) and IPs taken in the test subnets", async () => {
    const { arm, calls } = fakeArm(true);
    const facts = await readRecoveryRegionFacts(arm, query);
    expect(facts.usages).toEqual([{ name: "standardDSv3Family", localizedName: "Standard DSv3 Family vCPUs", currentValue: 4, limit: 10 }]);
    expect(facts.sizes).toEqual([{ name: "Standard_D2s_v3", family: "standardDSv3Family", vCpus: 2 }]);
    expect(facts.existingVms.map((v) => `${v.resourceGroup}/${v.name}`)).toEqual(["contoso-recovery/APP01-test"]);
    expect(facts.ipsInUse).toEqual([{ ip: "10.10.3.10", subnet: "snet-app", nicId: NIC, vmId: "vm-1" }]);
    expect(calls).toContain(`list ${SUB}/providers/Microsoft.Compute/locations/westeurope/usages {"api-version":"2024-07-01"}`);
    expect(calls).toContain(
      `list ${SUB}/providers/Microsoft.Compute/skus {"api-version":"2021-07-01","$filter":"location eq 'westeurope'"}`,
    );
    expect(calls.filter((c) => c.includes("virtualMachines"))).toHaveLength(2);
  });

  it("a test network that does not exist yet holds no address", async () => {
    const { arm, calls } = fakeArm(false);
    expect((await readRecoveryRegionFacts(arm, query)).ipsInUse).toEqual([]);
    expect(calls.filter((c) => c.startsWith("get"))).toEqual([`get ${VNET}`]);
  });
});
