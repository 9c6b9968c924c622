// The runner's own refusals, each printed as one line and mapped to its exit code by the entry points
// (scripts/drill.ts DrillExit): bad input is refused before anything is written; a start-up failure is
// the machine's, not the drill's.

/**
 * Unknown stack, a bad `failover-drill:arm` section, the wrong plugins on PATH, no credential; an
 * evidence store the drill cannot keep its evidence in. `exitCode` is set when the problem has its own
 * code (the evidence store's, 14); otherwise the entry point uses the bad-input code.
 */
export class BadInputError extends Error {
  override name = "BadInputError";
  constructor(
    message: string,
    readonly exitCode?: number,
  ) {
    super(message);
  }
}

/** A local endpoint, Azurite or the CLI could not be started (port in use, missing build, ...). */
export class StartupError extends Error {
  override name = "StartupError";
}

/** The first meaningful line of a child process's failure (no Node stack trace). */
export function firstLine(text: string): string {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const useful = lines.find((l) => /EADDRINUSE|EACCES|Error:|error:/.test(l)) ?? lines[0] ?? text;
  if (/EADDRINUSE/.test(useful)) {
    const address = /\d+\.\d+\.\d+\.\d+:\d+/.exec(useful);
    return `the address is already in use${address ? ` (${address[0]})` : ""}`;
  }
  return useful.replace(/^Error:\s*/, "");
}
