// Azure Bastion for the isolated test network: the one way in that keeps the test VMs without public IPs
// and the test subnets closed to the Internet. The AzureBastionSubnet (with its own NSG) is one of the
// VNet's inline subnets, so its NSG is created before the VNet (`BastionSubnetNsg`); the Standard public IP
// and the Bastion host need the VNet, so they come after it (`BastionHost`). The rules are in
// bastionAccess.ts; isolatedTestNetwork.ts wires both.
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import {
  BASTION_SUBNET_NAME,
  bastionNeedsPublicIp,
  bastionNeedsSubnet,
  bastionSubnetSecurityRules,
  type BastionSku,
} from "./bastionAccess";
import { nsgName } from "./naming";

export { bastionConnectUrl } from "./bastionAccess";

export interface BastionSubnetNsgArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  vnetName: string;
  tags?: Record<string, string>;
}

/** The AzureBastionSubnet's NSG with exactly Microsoft's required rules. */
export function bastionSubnetNsg(
  name: string,
  args: BastionSubnetNsgArgs,
  opts: pulumi.CustomResourceOptions,
): network.NetworkSecurityGroup {
  return new network.NetworkSecurityGroup(
    name,
    {
      networkSecurityGroupName: nsgName(args.vnetName, BASTION_SUBNET_NAME),
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      securityRules: bastionSubnetSecurityRules(),
      tags: args.tags,
    },
    opts,
  );
}

export interface BastionHostArgs {
  sku: BastionSku;
  resourceGroupName: pulumi.Input<string>;
  location: string;
  vnetName: string;
  /** The test VNet's id (the Developer SKU attaches to it; the others to its AzureBastionSubnet). */
  vnetId: pulumi.Input<string>;
  tags?: Record<string, string>;
}

/**
 * The Bastion host, with its Standard static public IP where the SKU needs one. That public IP is the
 * only one a drill may own (policy `test-network-isolated`).
 */
export class BastionHost extends pulumi.ComponentResource {
  readonly bastionHostId: pulumi.Output<string>;
  readonly bastionHostName: pulumi.Output<string>;
  /** The public IP's id, when the SKU has one. */
  readonly publicIpId?: pulumi.Output<string>;

  constructor(name: string, args: BastionHostArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("failover-drill:drill:BastionHost", name, {}, opts);
    let publicIp: network.PublicIPAddress | undefined;
    if (bastionNeedsPublicIp(args.sku)) {
      publicIp = new network.PublicIPAddress(
        `${name}-pip`,
        {
          publicIpAddressName: `${args.vnetName}-bastion-pip`,
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          sku: { name: "Standard", tier: "Regional" },
          publicIPAllocationMethod: "Static",
          tags: args.tags,
        },
        { parent: this },
      );
    }
    const subnetId = pulumi.interpolate`${args.vnetId}/subnets/${BASTION_SUBNET_NAME}`;
    const host = new network.BastionHost(
      `${name}-host`,
      {
        bastionHostName: `${args.vnetName}-bastion`,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: args.sku },
        ...(bastionNeedsSubnet(args.sku)
          ? { ipConfigurations: [{ name: "bastion-ipconfig", subnet: { id: subnetId }, publicIPAddress: { id: publicIp!.id } }] }
          : { virtualNetwork: { id: args.vnetId } }),
        tags: args.tags,
      },
      { parent: this },
    );
    this.bastionHostId = host.id;
    this.bastionHostName = host.name;
    this.publicIpId = publicIp?.id;
    this.registerOutputs({ bastionHostId: this.bastionHostId, bastionHostName: this.bastionHostName, publicIpId: this.publicIpId });
  }
}
