#!/usr/bin/env node
// `failover-drill drill|janitor|policy-check [flags]`: the drill runner's commands as one executable, so a
// project that installed the package runs `npx failover-drill drill --stack <name>` where this repository
// runs `npm run drill -- --stack <name>`. Each command is the compiled runner script (dist/scripts/), run
// as its own Node process because each starts itself only as the main module; flags pass through
// unchanged and its exit code is this one's (the exit-code table of README.md holds for both).
"use strict";
const { spawn } = require("child_process");
const path = require("path");

const COMMANDS = {
  drill: { script: "drill.js", what: "gate → up → report → evidence → destroy → confirmation (exit 0 only when the drill passed)" },
  janitor: { script: "janitor.js", what: "what is in test failover now, and clean up what a drill left behind" },
  "policy-check": { script: "policyCheck.js", what: "the policy gate alone: pulumi preview --policy-pack, nothing triggered" },
};
const USAGE_EXIT = 2;

function usage() {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    "usage: failover-drill <command> [flags]   (failover-drill <command> --help for its flags)",
    "",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.what}`),
    "",
  ].join("\n");
}

const [command, ...rest] = process.argv.slice(2);
if (command === undefined || command === "--help" || command === "-h" || command === "help") {
  process.stdout.write(usage());
  process.exit(command === undefined ? USAGE_EXIT : 0);
}
const entry = COMMANDS[command];
if (!entry) {
  process.stderr.write(
    `failover-drill: unknown command ${JSON.stringify(command)}; expected one of ${Object.keys(COMMANDS).join(", ")}\n\n${usage()}`,
  );
  process.exit(USAGE_EXIT);
}
const script = path.join(__dirname, "..", "dist", "scripts", entry.script);
const child = spawn(process.execPath, [script, ...rest], { stdio: "inherit" });
// Ctrl-C reaches the child through the terminal's process group; a signal sent to this process alone is
// passed on, so the runner can still confirm its cleanup.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + (signal === "SIGINT" ? 2 : 15) : 1)));
