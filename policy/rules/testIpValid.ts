// Seed rule: "A target IP may be set; without one the VM uses DHCP. An address that is not available
// makes a failover fail; a test failover may reuse the same address if it is free in the test network,
// else takes another free one." Azure reserves the first four and the last address of every subnet.
//
// This policy checks one TestFailover before its step runs (so it blocks even `pulumi up --skip-preview`
// before anything is triggered): each pinned test IP lies in the test subnet the NIC lands in, is not
// Azure-reserved, agrees with the expected IP, and no two NICs of this TestFailover share an address.
// Uniqueness across TestFailovers (the directory copy against the applications) needs every resource at
// once: that is the stack policy test-ip-unique-across-drill.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { staticIpProblem, parseCidr, cidrContainsIp } from "failover-drill-contract";
import { list, violation, where } from "../lib/messages";
import { isTestFailover, testSubnetsOf } from "../lib/testFailover";
import { describeClaim, fixFor, ipClaimsOf, IpClaim, ownerKey } from "../lib/testIps";
import { PreviewReader } from "../lib/unknowns";

const SUBNETS_KEY = "failover-drill:testNetwork.subnets";

export const testIpValid: ResourceValidationPolicy = {
  name: "test-ip-valid",
  description:
    "Each configured or expected test IP lies in its test subnet, is not one of the five addresses Azure reserves (first four, last), and is unique within the drill.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!isTestFailover(args.type, args.props)) return;
    const reader = new PreviewReader();
    const read = reader.read.bind(reader);
    const subnets = read(() => testSubnetsOf(args.props));
    const claims = ipClaimsOf(args.props, subnets, read);

    for (const claim of claims) {
      const at = where(args.name, claim.item, claim.nic);
      const label = claim.source === "expected" ? "expected IP" : "test failover IP";
      if (claim.value === undefined) {
        reportViolation(violation(at, `${label} "${claim.ip}" is not an IPv4 address`, fixFor(claim)));
        continue;
      }
      if (!subnets) continue; // unknown in preview: checked again before the step runs
      if (claim.subnet) {
        const problem = staticIpProblem(claim.subnet.addressPrefix, claim.ip);
        if (problem) {
          const lands = claim.subnetFallback
            ? ` (the test network has no subnet named "${claim.recoverySubnetName ?? ""}", so ASR uses the first subnet alphabetically, "${claim.subnet.name}")`
            : ` (test subnet "${claim.subnet.name}")`;
          reportViolation(
            violation(
              at,
              `${label}: ${problem}${lands}`,
              `${fixFor(claim)} to a free address inside ${claim.subnet.addressPrefix}, or fix ${SUBNETS_KEY}`,
            ),
          );
        }
      } else {
        // An expected IP for a VM that is not among the items: it must still be usable in some subnet.
        const home = subnets.find((s) => s.cidr && cidrContainsIp(s.cidr, claim.value!));
        const problem = home
          ? staticIpProblem(home.addressPrefix, claim.ip)
          : `${claim.ip} is in none of the test subnets (${subnets.map((s) => `${s.name} ${s.addressPrefix}`).join(", ") || "none declared"})`;
        if (problem) {
          reportViolation(violation(at, `${label}: ${problem}`, `${fixFor(claim)}, or fix ${SUBNETS_KEY}`));
        }
      }
    }

    // The expected IP is what verification compares against: it must be the address the NIC gets.
    const tfoByOwner = new Map<string, IpClaim>();
    for (const c of claims) if (c.source === "tfoStaticIp") tfoByOwner.set(ownerKey(c), c);
    for (const c of claims) {
      if (c.source !== "expected" || c.value === undefined) continue;
      const pinned = tfoByOwner.get(ownerKey(c));
      if (pinned && pinned.value !== undefined && pinned.value !== c.value) {
        reportViolation(
          violation(
            where(args.name, c.item, c.nic),
            `expected IP ${c.ip} differs from the NIC's test failover IP ${pinned.ip}, so verification would fail`,
            `make failover-drill:expected (friendlyName "${c.item}") ip and the NIC's test failover IP in "Compute and Network" the same`,
          ),
        );
      }
    }

    // Unique within this TestFailover: one address, one NIC.
    const byIp = new Map<number, IpClaim[]>();
    for (const c of claims) {
      if (c.value === undefined) continue;
      byIp.set(c.value, [...(byIp.get(c.value) ?? []), c]);
    }
    for (const [, same] of byIp) {
      const owners = new Map<string, IpClaim>();
      for (const c of same) if (!owners.has(ownerKey(c))) owners.set(ownerKey(c), c);
      if (owners.size < 2) continue;
      const holders = [...owners.values()];
      reportViolation(
        violation(
          where(args.name, holders[1].item, holders[1].nic),
          `test IP ${same[0].ip} is used more than once in this drill: ${holders.map(describeClaim).join("; ")}`,
          `give each VM its own address (${list(holders.map((h) => h.item))}): ${fixFor(holders[1])}`,
        ),
      );
    }
    // Subnet prefixes that are not CIDRs would silently skip checks: say so.
    for (const s of subnets ?? []) {
      if (!parseCidr(s.addressPrefix)) {
        reportViolation(
          violation(
            where(args.name),
            `test subnet "${s.name}" has prefix "${s.addressPrefix}", which is not an IPv4 CIDR`,
            `fix ${SUBNETS_KEY}`,
          ),
        );
      }
    }
    reader.finish();
  },
};
