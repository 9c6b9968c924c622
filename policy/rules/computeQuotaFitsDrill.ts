// Failure predictor: a test failover fails when the recovery subscription has no vCPU quota left for the
// test VM's size family or in the region ("Operation could not be completed as it results in exceeding
// approved <family> Cores quota"). The drill's target sizes are summed per family and in total and
// compared with Microsoft.Compute/locations/{location}/usages, as read at preview. Exactly full passes.
import { StackValidationPolicy } from "@pulumi/policy";
import { violation } from "../lib/messages";
import { itemsOf } from "../lib/testFailover";
import { pendingTestFailovers, recoveryRegionFacts } from "../lib/recoveryRegion";
import { PreviewReader } from "../lib/unknowns";

interface Demand {
  vCpus: number;
  items: string[];
}

export const computeQuotaFitsDrill: StackValidationPolicy = {
  name: "compute-quota-fits-drill",
  description:
    "The drill's test VMs fit the recovery subscription's vCPU quota per VM family and in total (Microsoft.Compute usages of the recovery region).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const reader = new PreviewReader();
    const facts = recoveryRegionFacts(reader, args.resources);
    if (!facts) return reader.finish();
    const sizes = new Map(facts.sizes.map((s) => [s.name.toLowerCase(), s]));
    const byFamily = new Map<string, Demand>();
    const total: Demand = { vCpus: 0, items: [] };
    let urn: string | undefined;
    for (const tf of pendingTestFailovers(reader, args.resources)) {
      for (const { item, name } of itemsOf(tf.props, reader.read.bind(reader))) {
        reader.check(() => {
          const size = sizes.get(String(item.recoveryVmSize).toLowerCase());
          if (!size?.family || size.vCpus === undefined) return; // size unknown in the region: not ours to predict
          const d = byFamily.get(size.family) ?? { vCpus: 0, items: [] };
          d.vCpus += size.vCpus;
          d.items.push(`${name} (${size.name}, ${size.vCpus} vCPUs)`);
          byFamily.set(size.family, d);
          total.vCpus += size.vCpus;
          total.items.push(name);
          urn = tf.urn;
        });
      }
    }
    const check = (usageName: string, demand: Demand, what: string) => {
      const u = facts.usages.find((x) => x.name.toLowerCase() === usageName.toLowerCase());
      if (!u || demand.vCpus === 0) return;
      const free = u.limit - u.currentValue;
      if (demand.vCpus <= free) return;
      reportViolation(
        violation(
          `${what} in ${facts.location}, items ${demand.items.join(", ")}`,
          `the test VMs need ${demand.vCpus} vCPUs of "${u.localizedName}" but only ${Math.max(0, free)} of ${u.limit} are free (${u.currentValue} in use); ASR would fail creating the test VMs`,
          `request a quota increase of at least ${demand.vCpus - free} for "${u.localizedName}" in ${facts.location} (Azure portal > Quotas > Compute), or choose smaller sizes in Replicated items > <VM> > "Compute and Network", or drill fewer items at once`,
        ),
        urn,
      );
    };
    for (const [family, demand] of byFamily) check(family, demand, `VM family ${family}`);
    check("cores", total, "total regional vCPUs");
    reader.finish();
  },
};
