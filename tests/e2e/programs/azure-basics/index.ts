// A small azure-native program for the stand-in plugins' e2e test: a resource group, a VNet with two
// inline subnets (one behind an NSG), the NSG, a storage account with a random suffix and a blob
// container, an availability set, and the invokes the drill program uses. Config knobs let the test
// change a tag (update), a path parameter (replace) and provoke ARM validation errors.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as authorization from "@pulumi/azure-native/authorization";
import * as compute from "@pulumi/azure-native/compute";
import * as network from "@pulumi/azure-native/network";
import * as recoveryservices from "@pulumi/azure-native/recoveryservices";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";

const config = new pulumi.Config();
const location = config.get("location") ?? "westeurope";
const tags = { purpose: "e2e", tag: config.get("tag") ?? "v1" };

const rg = new resources.ResourceGroup("rg", { resourceGroupName: config.get("rgName") ?? "e2e-basics-rg", location, tags });

const nsg = new network.NetworkSecurityGroup("nsg", {
  resourceGroupName: rg.name,
  networkSecurityGroupName: config.get("nsgName") ?? "basics-nsg",
  location,
  securityRules: [
    {
      name: "deny-internet-outbound",
      priority: 4000,
      direction: network.SecurityRuleDirection.Outbound,
      access: network.SecurityRuleAccess.Deny,
      protocol: network.SecurityRuleProtocol.Asterisk,
      sourceAddressPrefix: "*",
      sourcePortRange: "*",
      destinationAddressPrefix: "Internet",
      destinationPortRange: "*",
    },
  ],
  tags,
});

const vnet = new network.VirtualNetwork("vnet", {
  resourceGroupName: rg.name,
  virtualNetworkName: "basics-vnet",
  location,
  addressSpace: { addressPrefixes: ["10.30.0.0/16"] },
  subnets: [
    { name: "snet-a", addressPrefix: "10.30.1.0/24", networkSecurityGroup: { id: nsg.id } },
    { name: "snet-b", addressPrefix: config.get("subnetB") ?? "10.30.2.0/24" },
  ],
  dhcpOptions: { dnsServers: ["10.30.1.4"] },
  tags,
});

const suffix = new random.RandomString("suffix", { length: 8, upper: false, special: false, lower: true, numeric: true });
const account = new storage.StorageAccount("account", {
  resourceGroupName: rg.name,
  accountName: suffix.result.apply((s) => `${config.get("storagePrefix") ?? "basics"}${s}`),
  location,
  kind: storage.Kind.StorageV2,
  sku: { name: storage.SkuName.Standard_LRS },
  enableHttpsTrafficOnly: true,
  minimumTlsVersion: storage.MinimumTlsVersion.TLS1_2,
  allowBlobPublicAccess: false,
  encryption: {
    keySource: storage.KeySource.Microsoft_Storage,
    requireInfrastructureEncryption: true,
    services: { blob: { enabled: true, keyType: "Account" } },
  },
  tags,
});
const container = new storage.BlobContainer("evidence", {
  resourceGroupName: rg.name,
  accountName: account.name,
  containerName: "drill-evidence",
  publicAccess: storage.PublicAccess.None,
});

const avset = new compute.AvailabilitySet("avset", {
  resourceGroupName: rg.name,
  availabilitySetName: "basics-avset",
  location,
  sku: { name: "Aligned" },
  platformFaultDomainCount: 2,
  platformUpdateDomainCount: 5,
  tags,
});

// Invokes, resolved after the resources exist (output forms wait for their inputs).
const vnetRead = network.getVirtualNetworkOutput({ resourceGroupName: rg.name, virtualNetworkName: vnet.name });
const accountRead = storage.getStorageAccountOutput({ resourceGroupName: rg.name, accountName: account.name });
const avsetRead = compute.getAvailabilitySetOutput({ resourceGroupName: rg.name, availabilitySetName: avset.name });
const client = authorization.getClientConfigOutput();
const plan = recoveryservices.getReplicationRecoveryPlanOutput({
  resourceGroupName: "contoso-dr",
  resourceName: "contoso-asr-vault",
  recoveryPlanName: "rp-contoso-tier1",
});

export const resourceGroupName = rg.name;
export const resourceGroupState = rg.properties.provisioningState;
export const vnetId = vnet.id;
export const vnetType = vnet.type;
export const vnetApiVersion = vnet.azureApiVersion;
export const subnets = vnet.subnets.apply((s) =>
  (s ?? []).map((x) => ({ name: x.name, addressPrefix: x.addressPrefix, nsg: x.networkSecurityGroup?.id })),
);
export const nsgId = nsg.id;
export const nsgRuleNames = nsg.securityRules.apply((r) => (r ?? []).map((x) => `${x.name}:${x.access}:${x.priority}`));
export const storageAccountName = account.name;
export const storageHttpsOnly = account.enableHttpsTrafficOnly;
export const blobEndpoint = account.primaryEndpoints.blob;
export const containerName = container.name;
export const containerPublicAccess = container.publicAccess;
export const availabilitySetId = avset.id;
export const availabilitySetSku = avset.sku.apply((s) => s?.name);
export const suffixResult = suffix.result;
export const invokedVnetPrefixes = vnetRead.apply((v) => v.addressSpace?.addressPrefixes);
export const invokedAccountKind = accountRead.kind;
export const invokedAvsetFaultDomains = avsetRead.platformFaultDomainCount;
export const subscriptionId = client.subscriptionId;
export const recoveryPlanName = plan.name;
export const recoveryPlanGroups = plan.properties.apply((p) => (p.groups ?? []).length);
