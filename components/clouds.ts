// The Azure clouds a drill can run in, and what differs between them: the Resource Manager endpoint,
// the token scope for it (`<resource manager endpoint>/.default`, as the Azure SDKs build it), the
// Microsoft Entra authority host and the blob endpoint suffix of storage accounts.
//
// Values: resourceManagerEndpointUrl and storageEndpointSuffix of Azure, AzureUSGovernment and
// AzureChina in Microsoft's Azure/ms-rest-azure-env (lib/azureEnvironment.ts); authority hosts as
// @azure/identity's AzureAuthorityHosts names them (read from the package here, not copied).
import type { AzureAuthorityHosts } from "@azure/identity";
import type { CloudName as ContractCloudName } from "./contract/drillTypes";

export const CLOUD_NAMES = ["AzureCloud", "AzureUSGovernment", "AzureChinaCloud"] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];
// The contract (components/contract/drillTypes.ts) copies this union because it has no dependencies;
// these two lines stop compiling when the lists differ.
const _contractNamesAreClouds: readonly CloudName[] = [] as ContractCloudName[];
const _cloudsAreContractNames: readonly ContractCloudName[] = CLOUD_NAMES;
export const DEFAULT_CLOUD: CloudName = "AzureCloud";

export interface AzureCloud {
  name: CloudName;
  /** Azure Resource Manager, without a trailing slash. */
  resourceManagerEndpoint: string;
  /** The scope a token for Resource Manager is requested for. */
  resourceManagerScope: string;
  /** Where Microsoft Entra ID issues tokens for this cloud (DefaultAzureCredential's authorityHost). */
  authorityHost: `${AzureAuthorityHosts}`;
  /** `<account>.<suffix>` is a storage account's blob endpoint host. */
  blobEndpointSuffix: string;
}

function cloud(
  name: CloudName,
  resourceManagerEndpoint: string,
  authorityHost: `${AzureAuthorityHosts}`,
  blobEndpointSuffix: string,
): AzureCloud {
  return { name, resourceManagerEndpoint, resourceManagerScope: `${resourceManagerEndpoint}/.default`, authorityHost, blobEndpointSuffix };
}

export const CLOUDS: Readonly<Record<CloudName, AzureCloud>> = {
  AzureCloud: cloud("AzureCloud", "https://management.azure.com", "https://login.microsoftonline.com", "blob.core.windows.net"),
  AzureUSGovernment: cloud(
    "AzureUSGovernment",
    "https://management.usgovcloudapi.net",
    "https://login.microsoftonline.us",
    "blob.core.usgovcloudapi.net",
  ),
  AzureChinaCloud: cloud(
    "AzureChinaCloud",
    "https://management.chinacloudapi.cn",
    "https://login.chinacloudapi.cn",
    "blob.core.chinacloudapi.cn",
  ),
};

export function cloudNamed(name: CloudName | undefined): AzureCloud {
  return CLOUDS[name ?? DEFAULT_CLOUD];
}

/** `https://<account>.blob.<suffix>`: a storage account's blob endpoint in this cloud. */
export function blobEndpoint(cloudName: CloudName | undefined, accountName: string): string {
  return `https://${accountName}.${cloudNamed(cloudName).blobEndpointSuffix}`;
}
