// The environment every Pulumi command of this project runs in: the project-local CLI first on PATH,
// a local file state backend, a passphrase secrets provider for local stacks, and nothing that waits on
// the network (no update check, no automatic plugin download).
// Plain CommonJS so scripts/setup.js can use it on a fresh clone before anything is compiled.
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const TOOLS_BIN = process.env.FAILOVER_DRILL_TOOLS_DIR
  ? path.resolve(process.env.FAILOVER_DRILL_TOOLS_DIR)
  : path.join(ROOT, ".tools", "bin");
const PULUMI_VERSION = "v3.248.0";
/** Passphrase of the local stacks' secrets provider; a local backend holds only throw-away drill state. */
const LOCAL_PASSPHRASE = "failover-drill-local";

/**
 * @param {{ backendDir?: string, extraPath?: string[], base?: NodeJS.ProcessEnv }} [opts]
 * @returns {NodeJS.ProcessEnv}
 */
function pulumiEnv(opts = {}) {
  const base = opts.base ?? process.env;
  const backendDir = opts.backendDir ?? path.join(ROOT, ".pulumi-state");
  // The file backend refuses a folder that does not exist.
  if (base.PULUMI_BACKEND_URL === undefined) fs.mkdirSync(backendDir, { recursive: true });
  const env = {
    ...base,
    PATH: [...(opts.extraPath ?? []), TOOLS_BIN, base.PATH ?? ""].join(path.delimiter),
    PULUMI_HOME: base.PULUMI_HOME ?? path.join(ROOT, ".pulumi-home"),
    PULUMI_BACKEND_URL: base.PULUMI_BACKEND_URL ?? `file://${backendDir}`,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  if (env.PULUMI_CONFIG_PASSPHRASE === undefined && env.PULUMI_CONFIG_PASSPHRASE_FILE === undefined) {
    env.PULUMI_CONFIG_PASSPHRASE = LOCAL_PASSPHRASE;
  }
  return env;
}

module.exports = { ROOT, TOOLS_BIN, PULUMI_VERSION, LOCAL_PASSPHRASE, pulumiEnv };
