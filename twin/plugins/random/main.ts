// Entry point of the stand-in `pulumi-resource-random` (twin/plugins/bin).
import * as pulumiProvider from "@pulumi/pulumi/provider";
import { requestedPluginVersion } from "../common/packageVersion";
import { RandomStandIn } from "./provider";

pulumiProvider.main(new RandomStandIn(requestedPluginVersion("@pulumi/random")), process.argv.slice(2));
