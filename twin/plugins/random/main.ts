// Entry point of the stand-in `pulumi-resource-random` (twin/plugins/bin).
import * as pulumiProvider from "@pulumi/pulumi/provider";
import { requestedPluginVersion } from "../common/packageVersion";
import { RandomStandIn } from "./provider";

// A failure to start (no port, bad arguments) ends the plugin with one line on stderr, which the engine
// shows, as the azure-native stand-in's entry point does, instead of an unhandled rejection's stack.
pulumiProvider.main(new RandomStandIn(requestedPluginVersion("@pulumi/random")), process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`pulumi-resource-random (stand-in): ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
