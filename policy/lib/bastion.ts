// Azure Bastion in a drill stack: which public IPs belong to a Bastion host, and the one Internet-facing
// rule Microsoft requires on the AzureBastionSubnet ("AllowHttpsInbound: Inbound, Internet, *, 443, TCP",
// learn.microsoft.com/azure/bastion/bastion-nsg).
import { PolicyResource } from "@pulumi/policy";
import { BASTION_SUBNET_NAME } from "failover-drill-contract";
import { dependsOn, knownString, resourceId, SecurityRuleView } from "./network";
import { sameArmId } from "./testFailover";
import { asArray, PreviewReader } from "./unknowns";

export { BASTION_SUBNET_NAME };
export const BASTION_HOST_TYPE = "azure-native:network:BastionHost";
export const PUBLIC_IP_TYPE = "azure-native:network:PublicIPAddress";
export const NIC_TYPE = "azure-native:network:NetworkInterface";

/** Bastion's public endpoint rule: inbound TCP 443 from the Internet, allowed, nothing wider. */
export function isBastionHttpsRule(r: SecurityRuleView): boolean {
  return (
    r.direction.toLowerCase() === "inbound" &&
    r.access.toLowerCase() === "allow" &&
    r.protocol.toLowerCase() === "tcp" &&
    r.sources.length === 1 &&
    r.sources[0].toLowerCase() === "internet" &&
    r.destinationPorts.length === 1 &&
    r.destinationPorts[0] === "443"
  );
}

/** The Bastion hosts that use a public IP: by id when known, else through the dependency graph. */
export function publicIpUsers(reader: PreviewReader, pip: PolicyResource, bastions: PolicyResource[]): PolicyResource[] {
  const id = resourceId(reader, pip);
  return bastions.filter((b) => {
    const configs = reader.peek(() => asArray(b.props.ipConfigurations));
    if (id && configs.known) {
      return configs.value.some((_, i) =>
        sameArmId(
          knownString(reader, () => configs.value[i]?.publicIPAddress?.id),
          id,
        ),
      );
    }
    return dependsOn(b, pip);
  });
}
