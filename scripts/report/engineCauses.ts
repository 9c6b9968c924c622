// Full causes of a failed `pulumi up` for the report (issue 16: "each line of a multi-line engine error"):
// the engine prints each resource's error under `Diagnostics:` as
//
//   Diagnostics:
//     pulumi-nodejs:dynamic/drill:TestFailover (application):
//       error: preflight refused the test failover:
//         - APP01: health error 161003 (Error): Target network settings are not configured ...
//
// Keeping only lines that start with `error:` loses everything after the first line, which is where the
// provider puts the per-item reasons. This reads every line of each error, with the resource it belongs to.
import type { ReportCause } from "./reportSchema";

// eslint-disable-next-line no-control-regex -- the engine's ANSI colour codes (ESC [ … m); the control character is the point
const ANSI_COLOUR = /\x1b\[[0-9;]*m/g;

const indentOf = (line: string) => line.length - line.trimStart().length;

/** Each error of the engine's text output with all its lines; `error:` lines outside Diagnostics too. */
export function engineCauses(output: string): ReportCause[] {
  const lines = output.replace(/\r/g, "").replace(ANSI_COLOUR, "").split("\n");
  const causes: ReportCause[] = [];
  const start = lines.findIndex((l) => /^Diagnostics:\s*$/.test(l.trim()) && indentOf(l) === 0);
  let subject: string | undefined;
  let current: { cause: ReportCause; indent: number } | undefined;
  const close = () => {
    if (current) {
      while (current.cause.lines.length && !current.cause.lines[current.cause.lines.length - 1].trim()) current.cause.lines.pop();
      causes.push(current.cause);
    }
    current = undefined;
  };
  if (start >= 0) {
    for (let i = start + 1; i < lines.length; i++) {
      const line = lines[i];
      // The next top-level section (Resources:, Outputs:, Duration:) ends the diagnostics.
      if (line.trim() && indentOf(line) === 0) break;
      const m = /^(\s*)(error|warning|info):\s?(.*)$/.exec(line);
      if (m) {
        close();
        if (m[2] === "error") current = { cause: { source: "engine", subject, lines: [m[3]] }, indent: m[1].length };
        continue;
      }
      if (current && (!line.trim() || indentOf(line) > current.indent)) {
        current.cause.lines.push(line.trim() ? line.slice(current.indent) : "");
        continue;
      }
      const header = /^\s{1,3}(\S.*):\s*$/.exec(line);
      if (header) {
        close();
        subject = header[1];
      }
    }
    close();
  }
  // Errors printed outside the diagnostics (the CLI's own, e.g. a lock or a backend problem).
  const inDiagnostics = new Set(causes.flatMap((c) => c.lines[0] ?? ""));
  lines.forEach((line, i) => {
    if (start >= 0 && i > start) return;
    const m = /^error:\s?(.*)$/.exec(line.trim());
    if (m && !inDiagnostics.has(m[1])) causes.push({ source: "engine", lines: [m[1]] });
  });
  // The stack's summary line repeats what the resources said.
  return causes.filter(
    (c) => !(c.subject?.startsWith("pulumi:pulumi:Stack") && c.lines.length === 1 && /^update failed$/.test(c.lines[0])),
  );
}
