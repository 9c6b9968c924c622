// The report with a Bastion (issue 18): each test VM gets a "connect" link to its portal Bastion blade and
// the isolation proof names the Bastion; without one neither appears. On report schema v2 (the fixture is
// a recorded v2 report).
import * as fs from "fs";
import * as path from "path";
import { bastionFromState, renderHtml, renderMarkdown, type DrillReport } from "../../../scripts/report/drillReport";

const recorded = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "contoso-tier1.report.json"), "utf8")) as DrillReport;
const BASTION = {
  id: "/subscriptions/s/resourceGroups/contoso-drill-rg/providers/Microsoft.Network/bastionHosts/contoso-drill-vnet-bastion",
  name: "contoso-drill-vnet-bastion",
  sku: "Basic",
};

describe("drill report with Azure Bastion", () => {
  const vms = recorded.testFailovers.flatMap((f) => f.vms);

  it("finds the Bastion host in the stack state", () => {
    expect(
      bastionFromState([
        { type: "azure-native:network:VirtualNetwork", outputs: {} },
        { type: "azure-native:network:BastionHost", outputs: { id: BASTION.id, name: BASTION.name, sku: { name: "Basic" } } },
      ]),
    ).toEqual(BASTION);
    expect(bastionFromState([{ type: "azure-native:network:VirtualNetwork", outputs: {} }])).toBeUndefined();
  });

  it("Markdown: a connect link per test VM and the Bastion in the isolation section", () => {
    const md = renderMarkdown({ ...recorded, bastion: BASTION });
    expect(vms.length).toBeGreaterThan(0);
    for (const vm of vms) expect(md).toContain(`[connect](https://portal.azure.com/#@/resource${vm.testVmId}/bastionHost)`);
    expect(md).toMatch(/## Isolation proof\n\nAccess: Azure Bastion `contoso-drill-vnet-bastion` \(Basic SKU\)/);
  });

  it("HTML: a connect column and the isolation paragraph", () => {
    const html = renderHtml({ ...recorded, bastion: BASTION });
    expect(html).toContain("<th>connect</th>");
    expect((html.match(/>connect<\/a>/g) ?? []).length).toBe(vms.length);
    expect(html).toContain('id="bastion"');
  });

  it("without a Bastion: no connect column, no isolation section", () => {
    expect(renderMarkdown(recorded)).not.toMatch(/\[connect\]|Azure Bastion/);
    expect(renderHtml(recorded)).not.toContain("<th>connect</th>");
    expect(renderHtml(recorded)).not.toContain('id="bastion"');
  });
});
