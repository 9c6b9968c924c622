import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import { isolationSecurityRules, type AllowRule } from "./nsgRules";
import {
  BASTION_SUBNET_NAME,
  bastionNeedsSubnet,
  bastionRuleSource,
  bastionSubnetPrefix,
  bastionTargetRules,
  type BastionSku,
} from "./bastionAccess";
import { BastionHost, bastionSubnetNsg } from "./bastion";
import { sameArmId, virtualNetworkId } from "./contract";
import { nsgName } from "./naming";

/** What the isolation check needs of each in-scope item (an ItemSettingsSnapshot fits). */
export interface ItemRecoveryNetwork {
  friendlyName: string;
  productionRecoveryNetworkId?: string;
}

/**
 * Why a test network must be refused, or undefined: it is the production recovery network of an
 * in-scope item (a test failover into it would put test VMs next to production after a failover).
 * ARM ids compare case-insensitively.
 */
export function isolationProblem(
  testNetworkId: string,
  items: ItemRecoveryNetwork[],
  configKey = "failover-drill:testNetwork.vnetName",
): string | undefined {
  const clashes = items.filter((item) => sameArmId(item.productionRecoveryNetworkId, testNetworkId));
  if (clashes.length === 0) return undefined;
  const names = clashes.map((c) => c.friendlyName).join(", ");
  return (
    `${configKey}: the test network ${testNetworkId} is the production recovery network of ${names}; ` +
    `a test failover must go to an isolated network. Choose another vnetName/resource group in ${configKey.replace(/\.[^.]+$/, "")}.`
  );
}

export interface IsolatedTestNetworkArgs {
  /** Subscription the network is deployed to (for its ARM id, known before it exists). */
  subscriptionId: string;
  location: string;
  /** A resource group the component creates... */
  resourceGroupName?: string;
  /** ...or an existing one it only uses. Exactly one of the two. */
  existingResourceGroupName?: string;
  /** The VNet name; subnets are named as in production so ASR's recovery subnet names resolve. */
  vnetName: string;
  addressSpace: string[];
  subnets: { name: string; prefix: string }[];
  /** Reviewed exceptions to "no Internet in either direction". */
  allowList?: AllowRule[];
  /** The directory copy's IP(s); the VNet's DNS servers when set. */
  dnsServers?: string[];
  /** In-scope items; the network is refused when it is one of their production recovery networks. */
  items?: ItemRecoveryNetwork[];
  /** A way in for people: Azure Bastion (default none). */
  access?: { bastion?: { sku: BastionSku; subnetPrefix?: string } };
  tags?: Record<string, string>;
}

export interface TestSubnet {
  id: string;
  addressPrefix: string;
}

/**
 * The isolated network test VMs fail over into: a VNet with the production subnet names, an NSG on every
 * subnet that denies the Internet both ways except the allow-list, no peerings and no gateway, and DNS
 * pointing at the copy of Active Directory/DNS when there is one. With `access.bastion`, an Azure Bastion
 * (bastion.ts) and RDP/SSH into the test subnets from its subnet only.
 */
export class IsolatedTestNetwork extends pulumi.ComponentResource {
  readonly resourceGroupName: pulumi.Output<string>;
  readonly vnetId: pulumi.Output<string>;
  readonly vnetName: pulumi.Output<string>;
  /** Subnet name → id and prefix. */
  readonly subnets: pulumi.Output<Record<string, TestSubnet>>;
  /** Subnet name → NSG id. */
  readonly networkSecurityGroupIds: Record<string, pulumi.Output<string>>;
  /** The ARM id the VNet has (computed from config, so it is known in preview). */
  readonly expectedVnetId: string;
  /** The Bastion host, when `access.bastion` is set. */
  readonly bastion?: BastionHost;
  /** The AzureBastionSubnet prefix, when the SKU has one. */
  readonly bastionSubnetPrefix?: string;

  constructor(name: string, args: IsolatedTestNetworkArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("failover-drill:drill:IsolatedTestNetwork", name, {}, opts);

    if ((args.resourceGroupName === undefined) === (args.existingResourceGroupName === undefined)) {
      throw new Error(
        `IsolatedTestNetwork ${name}: give exactly one of resourceGroupName (created) or existingResourceGroupName (used as is)`,
      );
    }
    if (args.subnets.length === 0) throw new Error(`IsolatedTestNetwork ${name}: at least one subnet is needed`);
    const rgName = (args.resourceGroupName ?? args.existingResourceGroupName)!;
    this.expectedVnetId = virtualNetworkId(args.subscriptionId, rgName, args.vnetName);
    const refusal = isolationProblem(this.expectedVnetId, args.items ?? []);
    if (refusal) throw new Error(refusal);

    let resourceGroupName: pulumi.Output<string>;
    if (args.resourceGroupName !== undefined) {
      const rg = new resources.ResourceGroup(
        `${name}-rg`,
        { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags },
        { parent: this },
      );
      resourceGroupName = rg.name;
    } else {
      resourceGroupName = pulumi.output(args.existingResourceGroupName!);
    }

    // With a Bastion, every test subnet lets RDP/SSH in from the Bastion only: its own subnet, or for the
    // Developer SKU (no subnet in the VNet) the platform address Microsoft documents for it.
    const bastion = args.access?.bastion;
    const bastionPrefix =
      bastion && bastionNeedsSubnet(bastion.sku)
        ? bastionSubnetPrefix(
            args.addressSpace,
            args.subnets.map((s) => s.prefix),
            bastion.subnetPrefix,
          )
        : undefined;
    const bastionRules = bastion ? bastionTargetRules(bastionRuleSource(bastion.sku, bastionPrefix)) : [];
    const securityRules = isolationSecurityRules([...(args.allowList ?? []), ...bastionRules]);
    const nsgs = args.subnets.map(
      (subnet) =>
        new network.NetworkSecurityGroup(
          `${name}-${subnet.name}-nsg`,
          {
            networkSecurityGroupName: nsgName(args.vnetName, subnet.name),
            resourceGroupName,
            location: args.location,
            securityRules,
            tags: args.tags,
          },
          { parent: this },
        ),
    );

    const bastionNsg = bastionPrefix
      ? bastionSubnetNsg(
          `${name}-${BASTION_SUBNET_NAME}-nsg`,
          { resourceGroupName, location: args.location, vnetName: args.vnetName, tags: args.tags },
          { parent: this },
        )
      : undefined;

    const vnet = new network.VirtualNetwork(
      `${name}-vnet`,
      {
        virtualNetworkName: args.vnetName,
        resourceGroupName,
        location: args.location,
        addressSpace: { addressPrefixes: args.addressSpace },
        // Inline subnets, each with its NSG: no peerings and no gateway subnet, ever.
        subnets: [
          ...args.subnets.map((subnet, i) => ({
            name: subnet.name,
            addressPrefix: subnet.prefix,
            networkSecurityGroup: { id: nsgs[i].id },
          })),
          ...(bastionPrefix && bastionNsg
            ? [{ name: BASTION_SUBNET_NAME, addressPrefix: bastionPrefix, networkSecurityGroup: { id: bastionNsg.id } }]
            : []),
        ],
        ...(args.dnsServers && args.dnsServers.length > 0 ? { dhcpOptions: { dnsServers: args.dnsServers } } : {}),
        tags: args.tags,
      },
      { parent: this },
    );

    if (bastion) {
      this.bastion = new BastionHost(
        `${name}-bastion`,
        { sku: bastion.sku, resourceGroupName, location: args.location, vnetName: args.vnetName, vnetId: vnet.id, tags: args.tags },
        { parent: this },
      );
      this.bastionSubnetPrefix = bastionPrefix;
    }

    this.resourceGroupName = resourceGroupName;
    this.vnetId = vnet.id;
    this.vnetName = vnet.name;
    this.subnets = vnet.id.apply((id) =>
      Object.fromEntries(args.subnets.map((s) => [s.name, { id: `${id}/subnets/${s.name}`, addressPrefix: s.prefix }])),
    );
    this.networkSecurityGroupIds = Object.fromEntries(args.subnets.map((s, i) => [s.name, nsgs[i].id]));

    this.registerOutputs({
      resourceGroupName: this.resourceGroupName,
      vnetId: this.vnetId,
      vnetName: this.vnetName,
      subnets: this.subnets,
      networkSecurityGroupIds: this.networkSecurityGroupIds,
      bastionHostId: this.bastion?.bastionHostId,
    });
  }
}
