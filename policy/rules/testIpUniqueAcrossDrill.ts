// The cross-resource half of test-ip-valid: a test IP must be unique across the whole drill, the
// directory copy's TestFailover included ("An address that is not available makes a failover fail").
//
// A resource policy sees one resource, so this is a stack policy. validateStack sees *outputs*; for the
// TestFailover dynamic resource those are its inputs during preview (the Node dynamic provider does not
// support provider previews, so the engine returns the inputs as the planned state: sdk/go/common/
// resource/plugin/provider_plugin.go Create/Update) and inputs + results after `up` (TestFailoverOutputs
// extends TestFailoverInputs). Either way `items`, `testSubnets` and `expected` are there.
import { StackValidationPolicy } from "@pulumi/policy";
import { violation } from "../lib/messages";
import { isTestFailover, testSubnetsOf } from "../lib/testFailover";
import { describeClaim, fixFor, ipClaimsOf, IpClaim, ownerKey } from "../lib/testIps";
import { PreviewReader } from "../lib/unknowns";

export const testIpUniqueAcrossDrill: StackValidationPolicy = {
  name: "test-ip-unique-across-drill",
  description:
    "No test IP is wanted by two VMs of the drill (pinned, expected, or an item's own recovery IP, which a test failover reuses when free; the directory copy included).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const reader = new PreviewReader();
    const read = reader.read.bind(reader);
    const byIp = new Map<number, { resource: string; urn: string; claim: IpClaim }[]>();
    for (const r of args.resources) {
      if (!isTestFailover(r.type, r.props)) continue;
      const subnets = read(() => testSubnetsOf(r.props));
      for (const claim of ipClaimsOf(r.props, subnets, read, { recoveryIps: true })) {
        if (claim.value === undefined) continue;
        const holders = byIp.get(claim.value) ?? [];
        holders.push({ resource: r.name, urn: r.urn, claim });
        byIp.set(claim.value, holders);
      }
    }
    for (const [, holders] of byIp) {
      const resources = [...new Set(holders.map((h) => h.resource))];
      // One VM (a NIC) may claim an address several ways (expected IP = its own recovery IP).
      const owners = new Map<string, (typeof holders)[number]>();
      for (const h of holders) {
        const key = `${h.resource}\u0000${ownerKey(h.claim)}`;
        if (!owners.has(key)) owners.set(key, h);
      }
      // Within one TestFailover, pinned and expected IPs are test-ip-valid's; recovery IPs only this rule sees.
      const reuse = owners.size > 1 && holders.some((h) => h.claim.source === "recoveryStaticIp");
      if (resources.length < 2 && !reuse) continue;
      const distinct = [...owners.values()];
      // Report on the last claimant (the application rather than the directory copy where both are).
      const last = distinct[distinct.length - 1];
      reportViolation(
        violation(
          `"${last.resource}", item "${last.claim.item}"`,
          `test IP ${last.claim.ip} is wanted by more than one VM of the drill: ${distinct.map((h) => `"${h.resource}" ${describeClaim(h.claim)}`).join("; ")}`,
          `give each VM its own test address: ${fixFor(last.claim)}`,
        ),
        last.urn,
      );
    }
    reader.finish();
  },
};
