// The clouds: Resource Manager endpoint, token scope, authority host and blob suffix of each, and that
// the credential code and the evidence upload take them from here (no hard-coded public-cloud scope).
import * as fs from "fs";
import * as path from "path";
import { AzureAuthorityHosts } from "@azure/identity";
import { blobEndpoint, CLOUD_NAMES, CLOUDS, cloudNamed } from "../../components/clouds";
import { azureEvidenceTarget } from "../../scripts/lib/evidence";

describe("clouds", () => {
  it.each([
    ["AzureCloud", "https://management.azure.com", AzureAuthorityHosts.AzurePublicCloud, "blob.core.windows.net"],
    ["AzureUSGovernment", "https://management.usgovcloudapi.net", AzureAuthorityHosts.AzureGovernment, "blob.core.usgovcloudapi.net"],
    ["AzureChinaCloud", "https://management.chinacloudapi.cn", AzureAuthorityHosts.AzureChina, "blob.core.chinacloudapi.cn"],
  ] as const)("%s: Resource Manager, its token scope, Entra authority and blob suffix", (name, arm, authority, blob) => {
    const c = CLOUDS[name];
    expect(c.resourceManagerEndpoint).toBe(arm);
    expect(c.resourceManagerScope).toBe(`${arm}/.default`);
    expect(c.authorityHost).toBe(authority);
    expect(c.blobEndpointSuffix).toBe(blob);
    expect(blobEndpoint(name, "contosodrill12345678")).toBe(`https://contosodrill12345678.${blob}`);
  });

  it("has exactly the three clouds, AzureCloud by default", () => {
    expect(Object.keys(CLOUDS).sort()).toEqual([...CLOUD_NAMES].sort());
    expect(cloudNamed(undefined).name).toBe("AzureCloud");
  });

  it("the evidence upload's blob endpoint follows the cloud", () => {
    const store = {
      storageAccountId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct",
      accountName: "acct",
      container: "c",
    };
    const credential = { getToken: async () => null };
    expect(azureEvidenceTarget(store, "AzureChinaCloud", credential).blobEndpoint).toBe("https://acct.blob.core.chinacloudapi.cn");
    expect(azureEvidenceTarget(store, undefined, credential).blobEndpoint).toBe("https://acct.blob.core.windows.net");
  });

  it("no credential code outside clouds.ts hard-codes a cloud's scope or host", () => {
    const root = path.join(__dirname, "..", "..");
    for (const file of [
      "components/asr/armClient.ts",
      "scripts/lib/evidence.ts",
      "scripts/lib/preflight.ts",
      "scripts/lib/drillWorld.ts",
    ]) {
      const text = fs.readFileSync(path.join(root, file), "utf8");
      expect({
        file,
        hits: text.match(/management\.(azure\.com|usgovcloudapi|chinacloudapi)|login\.(microsoftonline|chinacloudapi)|blob\.core\./g),
      }).toEqual({ file, hits: null });
    }
  });
});
