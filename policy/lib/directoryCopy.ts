// The directory copy: the TestFailover(s) with role "directory-copy" and the test IP(s) of the DC/DNS
// VMs, which the test network's DNS servers must point to.
import { PolicyResource } from "@pulumi/policy";
import { formatIpv4 } from "failover-drill-contract";
import { isTestFailover, testSubnetsOf } from "./testFailover";
import { ipClaimsOf } from "./testIps";
import { PreviewReader } from "./unknowns";

export function testFailoversByRole(
  reader: PreviewReader,
  resources: PolicyResource[],
): { directoryCopies: PolicyResource[]; applications: PolicyResource[] } {
  const directoryCopies: PolicyResource[] = [];
  const applications: PolicyResource[] = [];
  for (const r of resources) {
    if (!isTestFailover(r.type, r.props)) continue;
    const role = reader.read(() => r.props.role as unknown);
    if (role === "directory-copy") directoryCopies.push(r);
    else if (role === "application") applications.push(r);
  }
  return { directoryCopies, applications };
}

/** The DC copy's test IPs (expected IPs and pinned test failover IPs), normalised and deduplicated. */
export function directoryCopyIps(reader: PreviewReader, directoryCopies: PolicyResource[]): string[] {
  const ips = new Set<number>();
  for (const dc of directoryCopies) {
    const subnets = reader.read(() => testSubnetsOf(dc.props));
    for (const c of ipClaimsOf(dc.props, subnets, reader.read.bind(reader))) {
      if (c.value !== undefined) ips.add(c.value);
    }
  }
  return [...ips].sort((a, b) => a - b).map(formatIpv4);
}
