// The drill config of the running stack: every `failover-drill:*` key, parsed once by the zod schema
// (components/config.ts). The namespace is the package's, not the project's, so a user's project of any
// name reads the same keys as this repository's `Pulumi.test.yaml`.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { CONFIG_NAMESPACE, DrillConfig, parseDrillConfig, readRawDrillConfig } from "./config";
import { asReportedError } from "./userError";

// Whether a key was stored with `pulumi config set --secret`. The SDK answers it (the language host's
// secret-key list) but does not declare the function in its typings; without it nothing is refused.
const isConfigSecret = (runtimeConfig as unknown as { isConfigSecret?: (fullKey: string) => boolean }).isConfigSecret;

/** The stack's drill config; a bad one stops the program with every problem and its config path. */
export function drillConfigFromStack(): DrillConfig {
  const stackConfig = new pulumi.Config(CONFIG_NAMESPACE);
  try {
    // expectedFile is relative to the project directory (the program's working directory).
    return parseDrillConfig(
      readRawDrillConfig((key) => stackConfig.get(key)),
      {
        env: process.env,
        readFile: (file) => fs.readFileSync(path.resolve(file), "utf8"),
        ...(isConfigSecret ? { isSecret: (key: string) => isConfigSecret(`${CONFIG_NAMESPACE}:${key}`) } : {}),
      },
    );
  } catch (err) {
    throw asReportedError(err);
  }
}
