// Microsoft: run the test failover "into an isolated network"; the seed: "a production recovery network
// that must never be used for tests". An isolated test network has no peerings, no gateway (no path to
// on-premises or production), is not any item's production recovery network, and every subnet has an
// NSG that denies Internet inbound. The one way in it accepts is Azure Bastion (testNetwork.access.bastion):
// an AzureBastionSubnet whose NSG lets HTTPS in from the Internet (Microsoft's required AllowHttpsInbound),
// a Bastion host on it, and that host's public IP — the only public IP a drill may own.
//
// The facts are spread over several resources (VNet, Subnet, NSG, SecurityRule, gateway, peering,
// TestFailover), so this is a stack policy; see lib/network.ts for how resources are linked while ids
// are still unknown in preview.
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { quote, violation } from "../lib/messages";
import {
  dependsOn,
  GATEWAY_TYPE,
  internetInboundOpening,
  knownString,
  nsgCandidates,
  PEERING_TYPE,
  securityRulesOf,
  subnetsOf,
  testVirtualNetworks,
  vnetMatchesId,
  vnetName,
} from "../lib/network";
import { isTestFailover, itemsOf, sameArmId } from "../lib/testFailover";
import { asArray, PreviewReader } from "../lib/unknowns";
import { nsgName } from "failover-drill-contract";
import { BASTION_HOST_TYPE, BASTION_SUBNET_NAME, isBastionHttpsRule, NIC_TYPE, PUBLIC_IP_TYPE, publicIpUsers } from "../lib/bastion";

const NETWORK_KEY = "failover-drill:testNetwork";

export const testNetworkIsolated: StackValidationPolicy = {
  name: "test-network-isolated",
  description:
    "The test network is isolated: no peerings, no GatewaySubnet or virtual network gateway, not any item's production recovery network, an NSG denying Internet inbound on every subnet (the AzureBastionSubnet may let HTTPS in), and no public IP but its Azure Bastion's.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const reader = new PreviewReader();
    const resources = args.resources;
    const vnets = testVirtualNetworks(reader, resources);
    const bastions = resources.filter((r) => r.type === BASTION_HOST_TYPE);

    // 1. Never the production recovery network.
    for (const tf of resources.filter((r) => isTestFailover(r.type, r.props))) {
      const testNetworkId = knownString(reader, () => tf.props.testNetworkId);
      for (const { item, name } of itemsOf(tf.props, reader.read.bind(reader))) {
        reader.check(() => {
          const production = item.productionRecoveryNetworkId;
          if (!production) return;
          const clash = (testNetworkId && sameArmId(testNetworkId, production)) || vnets.some((v) => vnetMatchesId(reader, v, production));
          if (clash) {
            reportViolation(
              violation(
                `"${tf.name}", item "${name}"`,
                `the test network ${quote(testNetworkId ?? production)} is the item's production recovery network ${quote(production)}; test VMs would join production`,
                `point ${NETWORK_KEY} (resource group and name) at a separate, isolated virtual network`,
              ),
              tf.urn,
            );
          }
        });
      }
    }

    for (const vnet of vnets) {
      const name = vnetName(reader, vnet);
      // 2. No peerings, inline or as VirtualNetworkPeering resources.
      reader.check(() => {
        const peerings = asArray(vnet.props.virtualNetworkPeerings);
        if (peerings.length > 0) {
          const names = peerings.map((p, i) => String(p?.name ?? `virtualNetworkPeerings[${i}]`));
          reportViolation(
            violation(
              `virtual network "${vnet.name}"`,
              `has peering(s) ${names.map((n) => `"${n}"`).join(", ")}`,
              `remove virtualNetworkPeerings: a test network must not reach other networks (${NETWORK_KEY})`,
            ),
            vnet.urn,
          );
        }
      });
      for (const p of resources.filter((r) => r.type === PEERING_TYPE)) {
        const local = knownString(reader, () => p.props.virtualNetworkName);
        const remote = knownString(reader, () => p.props.remoteVirtualNetwork?.id);
        const linked =
          (local && local.toLowerCase() === name.toLowerCase()) || (remote && vnetMatchesId(reader, vnet, remote)) || dependsOn(p, vnet);
        if (linked) {
          reportViolation(
            violation(
              `virtual network peering "${p.name}"`,
              `peers the test network "${name}" with another network`,
              `delete the peering: a test network must not reach other networks`,
            ),
            p.urn,
          );
        }
      }

      // 3. No GatewaySubnet, and 4. an NSG denying Internet inbound on every subnet.
      for (const subnet of subnetsOf(reader, vnet, resources)) {
        const at = `virtual network "${vnet.name}", subnet "${subnet.name}"`;
        if (subnet.name.toLowerCase() === "gatewaysubnet") {
          reportViolation(
            violation(
              at,
              "is a GatewaySubnet, which exists only to connect a gateway to other networks",
              `remove it from ${NETWORK_KEY}.subnets`,
            ),
            subnet.declaredBy.urn,
          );
          continue;
        }
        if (!subnet.nsg.present) {
          reportViolation(
            violation(
              at,
              "has no network security group",
              `associate an NSG that denies Internet inbound with every subnet of ${NETWORK_KEY}`,
            ),
            subnet.declaredBy.urn,
          );
          continue;
        }
        const nsgs = ownNsg(reader, name, subnet.name, subnet.nsg.id, nsgCandidates(reader, subnet, resources));
        if (nsgs.length === 0) {
          if (subnet.nsg.id) {
            reportViolation(
              violation(
                at,
                `uses NSG ${quote(subnet.nsg.id)}, which this drill does not declare, so its rules cannot be checked`,
                `let the drill create the subnet's NSG (${NETWORK_KEY})`,
              ),
              subnet.declaredBy.urn,
            );
          }
          continue;
        }
        // Bastion's public endpoint (HTTPS from the Internet) is allowed only on its own subnet, with a Bastion declared.
        const bastionSubnet = subnet.name.toLowerCase() === BASTION_SUBNET_NAME.toLowerCase() && bastions.length > 0;
        for (const nsg of nsgs) checkNsg(reader, nsg, at, resources, reportViolation, bastionSubnet);
      }
    }

    // 3b. No virtual network gateway anywhere in a drill stack.
    for (const g of resources.filter((r) => r.type === GATEWAY_TYPE)) {
      reportViolation(
        violation(
          `virtual network gateway "${g.name}"`,
          "a drill must not declare a VPN/ExpressRoute gateway: it connects the test network to on-premises or production",
          "remove the gateway from the drill",
        ),
        g.urn,
      );
    }
    // 5. No public IP but the one a Bastion host uses; no NIC with a public IP.
    for (const pip of resources.filter((r) => r.type === PUBLIC_IP_TYPE)) {
      const users = publicIpUsers(reader, pip, bastions);
      if (users.length === 1) continue;
      reportViolation(
        violation(
          `public IP "${pip.name}"`,
          users.length === 0
            ? "is not the public IP of the drill's Azure Bastion; a public IP in a drill exposes the test network to the Internet"
            : `is used by ${users.length} Bastion hosts`,
          `remove it; to reach test VMs set ${NETWORK_KEY}.access.bastion`,
        ),
        pip.urn,
      );
    }
    for (const nic of resources.filter((r) => r.type === NIC_TYPE)) {
      reader.check(() => {
        const withPip = asArray(nic.props.ipConfigurations).filter((c) => c?.publicIPAddress !== undefined && c?.publicIPAddress !== null);
        if (withPip.length === 0) return;
        reportViolation(
          violation(
            `network interface "${nic.name}"`,
            "has a public IP address",
            `remove publicIPAddress from its ipConfigurations; to reach test VMs set ${NETWORK_KEY}.access.bastion`,
          ),
          nic.urn,
        );
      });
    }
    reader.finish();
  },
};

/**
 * In preview the NSG ids are unknown and an inline subnet's NSG comes from the VNet's `subnets` dependencies,
 * which list every subnet's NSG. The drill names each subnet's NSG `<vnet>-<subnet>-nsg` (components/naming.ts),
 * (or, in a preview of a new NSG, the logical name `<component>-<subnet>-nsg`), so when exactly one candidate
 * carries that name it is the subnet's own; otherwise every candidate is checked.
 * Without this the AzureBastionSubnet's HTTPS rule would be read as a rule of every test subnet.
 */
function ownNsg(
  reader: PreviewReader,
  vnet: string,
  subnet: string,
  knownId: string | undefined,
  candidates: PolicyResource[],
): PolicyResource[] {
  if (knownId || candidates.length < 2) return candidates;
  const wanted = nsgName(vnet, subnet).toLowerCase();
  const own = candidates.filter(
    (n) =>
      (knownString(reader, () => n.props.networkSecurityGroupName) ?? knownString(reader, () => n.props.name))?.toLowerCase() === wanted,
  );
  if (own.length === 1) return own;
  // azure-native's planned outputs of a new NSG carry neither its name input nor a known `name`
  // (PreviewOutputs: output-only properties are unknown), so fall back to the logical name the
  // component gives it, `<component>-<subnet>-nsg`.
  const byLogicalName = candidates.filter((n) => n.name.toLowerCase().endsWith(`-${subnet.toLowerCase()}-nsg`));
  return byLogicalName.length === 1 ? byLogicalName : candidates;
}

function checkNsg(
  reader: PreviewReader,
  nsg: PolicyResource,
  at: string,
  resources: PolicyResource[],
  reportViolation: (message: string, urn?: string) => void,
  bastionSubnet = false,
): void {
  const rules = securityRulesOf(reader, nsg, resources).filter((r) => !(bastionSubnet && isBastionHttpsRule(r)));
  const opening = internetInboundOpening(rules);
  if (opening) {
    reportViolation(
      violation(
        `${at}, NSG "${nsg.name}"`,
        `security rule "${opening.name}" (priority ${opening.priority}) allows inbound ${opening.protocol} from ${opening.sources.join(", ") || "*"} to port(s) ${opening.destinationPorts.join(", ") || "*"}, so the test network is reachable from the Internet`,
        `remove the rule or narrow its source to specific addresses in ${NETWORK_KEY}.allowList, and keep a Deny rule for source Internet`,
      ),
      nsg.urn,
    );
  }
}
