// Entry point of the stand-in `pulumi-resource-azure-native` (twin/plugins/bin): serves the Pulumi
// provider protocol (common/providerServer.ts, which passes preview and old inputs through, as
// azure-native's own server does). GetPluginInfo reports the version the installed
// @pulumi/azure-native requests, so the engine accepts this plugin for it.
import { requestedPluginVersion } from "../common/packageVersion";
import { serveProvider } from "../common/providerServer";
import { AzureNativeStandIn } from "./provider";

serveProvider(new AzureNativeStandIn({ version: requestedPluginVersion("@pulumi/azure-native") })).catch((err: unknown) => {
  process.stderr.write(`pulumi-resource-azure-native (stand-in): ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
