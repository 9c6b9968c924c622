// Names the program gives and the policy pack recognises (one definition, so the two cannot drift).

/** Azure's required name of the Bastion subnet (learn.microsoft.com/azure/bastion/configuration-settings). */
export const BASTION_SUBNET_NAME = "AzureBastionSubnet";

/** The drill's NSG of one test subnet. */
export function nsgName(vnetName: string, subnetName: string): string {
  return `${vnetName}-${subnetName}-nsg`.slice(0, 80).replace(/[-.]+$/, "");
}
