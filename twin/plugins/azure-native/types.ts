// THE type table of the stand-in azure-native plugin: one entry per azure-native resource type and per
// invoke the drill program uses. Everything type-specific lives here; mapping.ts/provider.ts are generic.
//
// Where the api-versions come from: @pulumi/azure-native 3.28.0 uses one default API version per
// resource/function and states it in the doc comment of each generated module, e.g.
// node_modules/@pulumi/azure-native/network/virtualNetwork.js: "Uses Azure REST API version 2024-05-01".
// Each entry's `apiVersionSource` names the file the version was read from (check with
// `grep -o 'Uses Azure REST API version [0-9-]*' node_modules/@pulumi/azure-native/<module>/<file>.js`).
// Path templates are the ARM paths of the same API versions (azure-rest-api-specs; they are also the
// `id` formats documented in each module's import section).

export type LroMode = "sync" | "azure-async-operation" | "location";

/**
 * How an object (the resource body or a sub-resource inside it) is flattened by azure-native: keys in
 * `top` stay at the object's top level in ARM, every other key goes under `properties` (when `flatten`),
 * `rename` maps SDK names to ARM names (x-ms-client-name), `children` describes nested objects/arrays.
 */
export interface ShapeSpec {
  top: string[];
  flatten: boolean;
  rename?: Record<string, string>;
  children?: Record<string, ShapeSpec>;
}

export interface ResourceSpec {
  kind: "resource";
  token: string;
  /** ARM path with {placeholders}; {subscriptionId} comes from the provider, the rest from inputs. */
  path: string;
  apiVersion: string;
  apiVersionSource: string;
  /** Path parameters (input names) in path order; the last one is the resource's own name. */
  pathParams: string[];
  /** The own-name parameter is auto-named from the Pulumi name when not given (as azure-native does). */
  autoName?: { maxLength: number; lowerAlnum?: boolean };
  /** SDK inputs the SDK itself marks required ("Missing required property …"). */
  required: string[];
  /** Inputs whose change means a new resource (besides path parameters). */
  replaceOnChanges: string[];
  body: ShapeSpec;
  /** How ARM answers PUT and DELETE (the client follows whatever headers come back; this documents the expectation). */
  lro: { put: LroMode; delete: LroMode };
  /** Has a `location` input that defaults to the resource group's location when omitted. */
  locationFromResourceGroup?: boolean;
  /**
   * Array inputs whose items are also standalone resources (a VNet's `subnets`, an NSG's
   * `securityRules`): azure-native sends `[]` on create when the program leaves them unset and, on
   * update, copies the live value into the PUT (`MaintainSubResourcePropertiesIfNotSet`), so children
   * declared as separate resources survive a change of the parent. The SDK marks exactly these with
   * "These are also available as standalone resources" (tests/twin/plugins/mapping.test.ts checks it).
   */
  maintainSubResources?: string[];
}

export interface InvokeSpec {
  kind: "invoke";
  token: string;
  path: string;
  apiVersion: string;
  apiVersionSource: string;
  pathParams: string[];
  /** Optional inputs sent as query parameters (e.g. `expand` → `$expand`). */
  query?: Record<string, string>;
  required: string[];
  /** Response shape (how to flatten the ARM body back to azure-native outputs); "none" keeps `properties` nested. */
  body: ShapeSpec;
}

/** A resource id reference or a sub-resource we never need to look into. */
const REF: ShapeSpec = { top: ["id"], flatten: true };
/** Network sub-resources in arrays (subnets, rules, delegations, peerings): name/id/type/etag on top. */
const SUB = ["id", "name", "type", "etag"];

const SECURITY_RULE: ShapeSpec = { top: SUB, flatten: true };
const NSG_REF: ShapeSpec = {
  top: ["id", "location", "tags", "etag"],
  flatten: true,
  children: { securityRules: SECURITY_RULE, defaultSecurityRules: SECURITY_RULE },
};
const SUBNET_BODY: ShapeSpec = {
  top: SUB,
  flatten: true,
  children: {
    networkSecurityGroup: NSG_REF,
    routeTable: { top: ["id", "location", "tags", "etag"], flatten: true },
    natGateway: { top: ["id", "location", "tags", "etag", "sku", "zones"], flatten: true },
    delegations: { top: SUB, flatten: true },
    serviceEndpointPolicies: { top: ["id", "location", "tags", "etag"], flatten: true },
    ipAllocations: REF,
  },
};
const TRACKED = ["location", "tags"];

/** No flattening at all: the ARM body is the SDK shape (ASR objects keep `properties`). */
const AS_IS: ShapeSpec = { top: [], flatten: false };

const STORAGE_ACCOUNT_BODY: ShapeSpec = {
  top: [...TRACKED, "sku", "kind", "identity", "extendedLocation"],
  flatten: true,
  // x-ms-client-name in the Microsoft.Storage spec: the SDK name → the ARM name.
  rename: { enableHttpsTrafficOnly: "supportsHttpsTrafficOnly", networkRuleSet: "networkAcls", enableNfsV3: "isNfsV3Enabled" },
  children: {
    encryption: {
      top: [],
      flatten: false,
      rename: { keyVaultProperties: "keyvaultproperties", encryptionIdentity: "identity" },
    },
    privateEndpointConnections: { top: SUB, flatten: true },
  },
};
const AVAILABILITY_SET_BODY: ShapeSpec = { top: [...TRACKED, "sku"], flatten: true };
const VNET_BODY: ShapeSpec = {
  top: [...TRACKED, "id", "extendedLocation", "etag"],
  flatten: true,
  children: { subnets: SUBNET_BODY, virtualNetworkPeerings: { top: SUB, flatten: true } },
};
const NSG_BODY: ShapeSpec = {
  top: [...TRACKED, "id", "etag"],
  flatten: true,
  children: { securityRules: SECURITY_RULE, defaultSecurityRules: SECURITY_RULE, subnets: SUBNET_BODY },
};

const PUBLIC_IP_BODY: ShapeSpec = {
  top: [...TRACKED, "id", "etag", "sku", "zones", "extendedLocation"],
  flatten: true,
  children: { ipConfiguration: { top: SUB, flatten: true } },
};
const BASTION_HOST_BODY: ShapeSpec = {
  top: [...TRACKED, "id", "etag", "sku", "zones"],
  flatten: true,
  children: { ipConfigurations: { top: SUB, flatten: true, children: { subnet: REF, publicIPAddress: REF } }, virtualNetwork: REF },
};

const RG = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}";
const ASR_VAULT = `${RG}/providers/Microsoft.RecoveryServices/vaults/{resourceName}`;
const AN = "node_modules/@pulumi/azure-native/";

export const RESOURCE_TYPES: ResourceSpec[] = [
  {
    kind: "resource",
    token: "azure-native:resources:ResourceGroup",
    path: RG,
    apiVersion: "2024-03-01",
    apiVersionSource: `${AN}resources/resourceGroup.js`,
    pathParams: ["resourceGroupName"],
    autoName: { maxLength: 90 },
    required: [],
    replaceOnChanges: ["location"],
    // Microsoft.Resources keeps `properties` (only provisioningState) nested in azure-native's outputs.
    body: { top: [...TRACKED, "managedBy"], flatten: false },
    lro: { put: "sync", delete: "location" },
  },
  {
    kind: "resource",
    token: "azure-native:network:VirtualNetwork",
    path: `${RG}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}`,
    apiVersion: "2024-05-01",
    apiVersionSource: `${AN}network/virtualNetwork.js`,
    pathParams: ["resourceGroupName", "virtualNetworkName"],
    autoName: { maxLength: 64 },
    required: ["resourceGroupName"],
    replaceOnChanges: ["location"],
    body: VNET_BODY,
    lro: { put: "azure-async-operation", delete: "location" },
    locationFromResourceGroup: true,
    maintainSubResources: ["subnets", "virtualNetworkPeerings"],
  },
  {
    kind: "resource",
    token: "azure-native:network:Subnet",
    path: `${RG}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}/subnets/{subnetName}`,
    apiVersion: "2024-05-01",
    apiVersionSource: `${AN}network/subnet.js`,
    pathParams: ["resourceGroupName", "virtualNetworkName", "subnetName"],
    autoName: { maxLength: 80 },
    required: ["resourceGroupName", "virtualNetworkName"],
    replaceOnChanges: [],
    body: SUBNET_BODY,
    lro: { put: "azure-async-operation", delete: "location" },
  },
  {
    kind: "resource",
    token: "azure-native:network:NetworkSecurityGroup",
    path: `${RG}/providers/Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}`,
    apiVersion: "2024-05-01",
    apiVersionSource: `${AN}network/networkSecurityGroup.js`,
    pathParams: ["resourceGroupName", "networkSecurityGroupName"],
    autoName: { maxLength: 80 },
    required: ["resourceGroupName"],
    replaceOnChanges: ["location"],
    body: NSG_BODY,
    lro: { put: "azure-async-operation", delete: "location" },
    locationFromResourceGroup: true,
    maintainSubResources: ["securityRules"],
  },
  {
    kind: "resource",
    token: "azure-native:network:SecurityRule",
    path: `${RG}/providers/Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}/securityRules/{securityRuleName}`,
    apiVersion: "2024-05-01",
    apiVersionSource: `${AN}network/securityRule.js`,
    pathParams: ["resourceGroupName", "networkSecurityGroupName", "securityRuleName"],
    autoName: { maxLength: 80 },
    required: ["access", "direction", "networkSecurityGroupName", "priority", "protocol", "resourceGroupName"],
    replaceOnChanges: [],
    body: SECURITY_RULE,
    lro: { put: "azure-async-operation", delete: "location" },
  },
  {
    kind: "resource",
    token: "azure-native:network:VirtualNetworkPeering",
    path: `${RG}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}/virtualNetworkPeerings/{virtualNetworkPeeringName}`,
    apiVersion: "2024-05-01",
    apiVersionSource: `${AN}network/virtualNetworkPeering.js`,
    pathParams: ["resourceGroupName", "virtualNetworkName", "virtualNetworkPeeringName"],
    autoName: { maxLength: 80 },
    required: ["resourceGroupName", "virtualNetworkName"],
    replaceOnChanges: [],
    body: { top: SUB, flatten: true, children: { remoteVirtualNetwork: REF } },
    lro: { put: "azure-async-operation", delete: "location" },
  },
  {
    kind: "resource",
    token: "azure-native:storage:StorageAccount",
    path: `${RG}/providers/Microsoft.Storage/storageAccounts/{accountName}`,
    apiVersion: "2024-01-01",
    apiVersionSource: `${AN}storage/storageAccount.js`,
    pathParams: ["resourceGroupName", "accountName"],
    autoName: { maxLength: 24, lowerAlnum: true },
    required: ["kind", "resourceGroupName", "sku"],
    replaceOnChanges: ["location"],
    body: STORAGE_ACCOUNT_BODY,
    lro: { put: "location", delete: "sync" },
    locationFromResourceGroup: true,
  },
  {
    kind: "resource",
    token: "azure-native:storage:BlobContainer",
    path: `${RG}/providers/Microsoft.Storage/storageAccounts/{accountName}/blobServices/default/containers/{containerName}`,
    apiVersion: "2024-01-01",
    apiVersionSource: `${AN}storage/blobContainer.js`,
    pathParams: ["resourceGroupName", "accountName", "containerName"],
    autoName: { maxLength: 63, lowerAlnum: true },
    required: ["accountName", "resourceGroupName"],
    replaceOnChanges: [],
    body: { top: ["etag"], flatten: true },
    lro: { put: "sync", delete: "sync" },
  },
  {
    kind: "resource",
    token: "azure-native:compute:AvailabilitySet",
    path: `${RG}/providers/Microsoft.Compute/availabilitySets/{availabilitySetName}`,
    apiVersion: "2024-11-01",
    apiVersionSource: `${AN}compute/availabilitySet.js`,
    pathParams: ["resourceGroupName", "availabilitySetName"],
    autoName: { maxLength: 80 },
    required: ["resourceGroupName"],
    replaceOnChanges: ["location"],
    body: AVAILABILITY_SET_BODY,
    lro: { put: "sync", delete: "sync" },
    locationFromResourceGroup: true,
  },
  {
    kind: "resource",
    token: "azure-native:network:PublicIPAddress",
    path: `${RG}/providers/Microsoft.Network/publicIPAddresses/{publicIpAddressName}`,
    apiVersion: "2024-05-01",
    apiVersionSource: `${AN}network/publicIPAddress.js`,
    pathParams: ["resourceGroupName", "publicIpAddressName"],
    autoName: { maxLength: 80 },
    required: ["resourceGroupName"],
    replaceOnChanges: ["location"],
    body: PUBLIC_IP_BODY,
    lro: { put: "azure-async-operation", delete: "location" },
    locationFromResourceGroup: true,
  },
  {
    kind: "resource",
    token: "azure-native:network:BastionHost",
    path: `${RG}/providers/Microsoft.Network/bastionHosts/{bastionHostName}`,
    apiVersion: "2024-05-01",
    apiVersionSource: `${AN}network/bastionHost.js`,
    pathParams: ["resourceGroupName", "bastionHostName"],
    autoName: { maxLength: 80 },
    required: ["resourceGroupName"],
    replaceOnChanges: ["location"],
    body: BASTION_HOST_BODY,
    lro: { put: "azure-async-operation", delete: "location" },
    locationFromResourceGroup: true,
  },
];

export const INVOKES: InvokeSpec[] = [
  {
    kind: "invoke",
    token: "azure-native:recoveryservices:getReplicationProtectedItem",
    path: `${ASR_VAULT}/replicationFabrics/{fabricName}/replicationProtectionContainers/{protectionContainerName}/replicationProtectedItems/{replicatedProtectedItemName}`,
    apiVersion: "2024-10-01",
    apiVersionSource: `${AN}recoveryservices/getReplicationProtectedItem.js`,
    pathParams: ["resourceGroupName", "resourceName", "fabricName", "protectionContainerName", "replicatedProtectedItemName"],
    required: ["resourceGroupName", "resourceName", "fabricName", "protectionContainerName", "replicatedProtectedItemName"],
    body: AS_IS,
  },
  {
    kind: "invoke",
    token: "azure-native:recoveryservices:getReplicationRecoveryPlan",
    path: `${ASR_VAULT}/replicationRecoveryPlans/{recoveryPlanName}`,
    apiVersion: "2024-10-01",
    apiVersionSource: `${AN}recoveryservices/getReplicationRecoveryPlan.js`,
    pathParams: ["resourceGroupName", "resourceName", "recoveryPlanName"],
    required: ["resourceGroupName", "resourceName", "recoveryPlanName"],
    body: AS_IS,
  },
  {
    kind: "invoke",
    token: "azure-native:storage:getStorageAccount",
    path: `${RG}/providers/Microsoft.Storage/storageAccounts/{accountName}`,
    apiVersion: "2024-01-01",
    apiVersionSource: `${AN}storage/getStorageAccount.js`,
    pathParams: ["resourceGroupName", "accountName"],
    query: { expand: "$expand" },
    required: ["resourceGroupName", "accountName"],
    body: STORAGE_ACCOUNT_BODY,
  },
  {
    kind: "invoke",
    token: "azure-native:compute:getAvailabilitySet",
    path: `${RG}/providers/Microsoft.Compute/availabilitySets/{availabilitySetName}`,
    apiVersion: "2024-11-01",
    apiVersionSource: `${AN}compute/getAvailabilitySet.js`,
    pathParams: ["resourceGroupName", "availabilitySetName"],
    required: ["resourceGroupName", "availabilitySetName"],
    body: AVAILABILITY_SET_BODY,
  },
  {
    kind: "invoke",
    token: "azure-native:network:getVirtualNetwork",
    path: `${RG}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}`,
    apiVersion: "2024-05-01",
    apiVersionSource: `${AN}network/getVirtualNetwork.js`,
    pathParams: ["resourceGroupName", "virtualNetworkName"],
    query: { expand: "$expand" },
    required: ["resourceGroupName", "virtualNetworkName"],
    body: VNET_BODY,
  },
  {
    kind: "invoke",
    token: "azure-native:network:getSubnet",
    path: `${RG}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}/subnets/{subnetName}`,
    apiVersion: "2024-05-01",
    apiVersionSource: `${AN}network/getSubnet.js`,
    pathParams: ["resourceGroupName", "virtualNetworkName", "subnetName"],
    query: { expand: "$expand" },
    required: ["resourceGroupName", "virtualNetworkName", "subnetName"],
    body: SUBNET_BODY,
  },
  {
    kind: "invoke",
    token: "azure-native:network:getNetworkSecurityGroup",
    path: `${RG}/providers/Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}`,
    apiVersion: "2024-05-01",
    apiVersionSource: `${AN}network/getNetworkSecurityGroup.js`,
    pathParams: ["resourceGroupName", "networkSecurityGroupName"],
    query: { expand: "$expand" },
    required: ["resourceGroupName", "networkSecurityGroupName"],
    body: NSG_BODY,
  },
  {
    kind: "invoke",
    token: "azure-native:resources:getResourceGroup",
    path: RG,
    apiVersion: "2024-03-01",
    apiVersionSource: `${AN}resources/getResourceGroup.js`,
    pathParams: ["resourceGroupName"],
    required: ["resourceGroupName"],
    body: { top: [...TRACKED, "managedBy"], flatten: false },
  },
];

/** `authorization.getClientConfig` has no ARM call: it reports the identity the provider runs as (see provider.ts). */
export const CLIENT_CONFIG_TOKEN = "azure-native:authorization:getClientConfig";

export const RESOURCE_BY_TOKEN = new Map(RESOURCE_TYPES.map((t) => [t.token, t]));
export const INVOKE_BY_TOKEN = new Map(INVOKES.map((t) => [t.token, t]));

/** The resource type of a URN (`urn:pulumi:stack::project::parent$type::name`). */
export function urnType(urn: string): string {
  const parts = urn.split("::");
  const qualified = parts[2] ?? "";
  return qualified.split("$").pop() ?? qualified;
}

export function urnName(urn: string): string {
  const parts = urn.split("::");
  return parts[3] ?? "";
}
