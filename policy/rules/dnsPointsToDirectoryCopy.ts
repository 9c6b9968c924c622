// Microsoft: "To test fully, the test environment needs a copy of Active Directory and DNS: test-fail-over
// the replicated DC/DNS VM first into the isolated network, set the test network's DNS servers to its IP,
// then the applications." Without that, test VMs resolve nothing in the domain (or resolve production).
//
// Levels: one policy has one enforcement level, so the rule is two policies. This one is mandatory and
// applies when a directory copy is declared; directory-copy-recommended (advisory) warns when none is.
import { StackValidationPolicy } from "@pulumi/policy";
import { parseIpv4, formatIpv4 } from "failover-drill-contract";
import { list, violation } from "../lib/messages";
import { directoryCopyIps, testFailoversByRole } from "../lib/directoryCopy";
import { testVirtualNetworks } from "../lib/network";
import { asArray, PreviewReader } from "../lib/unknowns";

const DC_KEY = "failover-drill:directoryCopy.items[].testIp";

export const dnsPointsToDirectoryCopy: StackValidationPolicy = {
  name: "dns-points-to-directory-copy",
  description: "When the drill declares a directory copy, the test network's DNS servers are exactly the DC copy's test IP(s).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const reader = new PreviewReader();
    const { directoryCopies } = testFailoversByRole(reader, args.resources);
    if (directoryCopies.length === 0) {
      reader.finish();
      return; // directory-copy-recommended covers drills without one
    }
    const dcIps = directoryCopyIps(reader, directoryCopies);
    // A partly unknown set of DC IPs would give false mismatches: wait until it is known.
    if (reader.sawUnknown) reader.finish();
    if (dcIps.length === 0) {
      {
        reportViolation(
          violation(
            `"${directoryCopies[0].name}"`,
            "the directory copy pins no test IP (no expected IP, no test failover IP), so the test network's DNS cannot point at it",
            `set the DC's test IP in ${DC_KEY} (and its test failover IP in "Compute and Network")`,
          ),
          directoryCopies[0].urn,
        );
      }
      reader.finish();
      return;
    }
    for (const vnet of testVirtualNetworks(reader, args.resources)) {
      reader.check(() => {
        const raw = asArray<string>(vnet.props.dhcpOptions?.dnsServers).map(String);
        const normalised = raw.map((s) => {
          const v = parseIpv4(s.trim());
          return v === undefined ? s : formatIpv4(v);
        });
        const missing = dcIps.filter((ip) => !normalised.includes(ip));
        const extra = normalised.filter((ip) => !dcIps.includes(ip));
        if (missing.length === 0 && extra.length === 0) return;
        const now = raw.length === 0 ? "Azure-provided DNS (no dnsServers)" : `DNS servers ${list(raw)}`;
        const detail = [
          missing.length ? `missing the DC copy IP(s) ${list(missing)}` : "",
          extra.length ? `with server(s) ${list(extra)} that are not the DC copy` : "",
        ]
          .filter(Boolean)
          .join(" and ");
        reportViolation(
          violation(
            `virtual network "${vnet.name}"`,
            `uses ${now}, ${detail}; test VMs would not resolve the domain through the directory copy`,
            `set dhcpOptions.dnsServers to ${list(dcIps)} (the DC copy IPs from ${DC_KEY})`,
          ),
          vnet.urn,
        );
      });
    }
    reader.finish();
  },
};
