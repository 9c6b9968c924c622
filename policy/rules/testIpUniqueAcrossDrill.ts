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
import { describeClaim, fixFor, ipClaimsOf, IpClaim } from "../lib/testIps";
import { PreviewReader } from "../lib/unknowns";

export const testIpUniqueAcrossDrill: StackValidationPolicy = {
    name: "test-ip-unique-across-drill",
    description:
        "No test IP is pinned by two TestFailovers of the drill (the directory copy included): the second test failover would fail on a taken address.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const reader = new PreviewReader();
        const read = reader.read.bind(reader);
        const byIp = new Map<number, { resource: string; urn: string; claim: IpClaim }[]>();
        for (const r of args.resources) {
            if (!isTestFailover(r.type, r.props)) continue;
            const subnets = read(() => testSubnetsOf(r.props));
            for (const claim of ipClaimsOf(r.props, subnets, read)) {
                if (claim.value === undefined) continue;
                const holders = byIp.get(claim.value) ?? [];
                holders.push({ resource: r.name, urn: r.urn, claim });
                byIp.set(claim.value, holders);
            }
        }
        for (const [, holders] of byIp) {
            const resources = [...new Set(holders.map((h) => h.resource))];
            if (resources.length < 2) continue;
            // Report on the resource that is not the directory copy where possible (it is the one to move).
            const last = holders[holders.length - 1];
            const perResource = resources.map((name) => {
                const first = holders.find((h) => h.resource === name)!;
                return `"${name}" ${describeClaim(first.claim)}`;
            });
            reportViolation(
                violation(
                    `"${last.resource}", item "${last.claim.item}"`,
                    `test IP ${last.claim.ip} is pinned by more than one test failover of the drill: ${perResource.join("; ")}`,
                    `give each VM its own test address: ${fixFor(last.claim)}`,
                ),
                last.urn,
            );
        }
        reader.finish();
    },
};
