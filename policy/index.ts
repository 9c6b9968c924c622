// The failover-drill CrossGuard policy pack: `pulumi preview --policy-pack policy` blocks an unsafe
// drill before the TestFailover dynamic resource triggers anything in Azure Site Recovery.
// Policies live one per file under rules/ and are exported separately so tests can import them
// without starting the policy server (constructing a PolicyPack starts it).
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./rules";

new PolicyPack("failover-drill", {
  description:
    "Guardrails for Azure Site Recovery (Hyper-V/VMM to Azure) test failovers: managed disks and availability sets, SSE replication storage, test IPs, VM names, network isolation, the AD/DNS copy, drill storage and tags.",
  enforcementLevel: "advisory",
  policies,
});
