// Entry point of the stand-in `pulumi-resource-azure-native` (twin/plugins/bin): serves the Pulumi
// provider protocol with @pulumi/pulumi/provider's server. GetPluginInfo reports the version the
// installed @pulumi/azure-native requests, so the engine accepts this plugin for it.
import * as pulumiProvider from "@pulumi/pulumi/provider";
import { requestedPluginVersion } from "../common/packageVersion";
import { AzureNativeStandIn } from "./provider";

pulumiProvider.main(new AzureNativeStandIn({ version: requestedPluginVersion("@pulumi/azure-native") }), process.argv.slice(2));
