// The tamper-evidence manifest: SHA-256 of each report file, written last, in the format `sha256sum`
// reads (`<hex>  <file>`), so anyone can check a downloaded copy with `sha256sum -c manifest.sha256`.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

export const MANIFEST_FILE = "manifest.sha256";

export function sha256Of(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** Writes <dir>/manifest.sha256 for `files` (names inside dir) and returns its text. */
export function writeManifest(dir: string, files: string[]): string {
  const text = files.map((f) => `${sha256Of(path.join(dir, f))}  ${f}\n`).join("");
  fs.writeFileSync(path.join(dir, MANIFEST_FILE), text);
  return text;
}

/** Each manifest line checked against the files in `dir`: [] when everything matches. */
export function verifyManifest(dir: string, manifestText = fs.readFileSync(path.join(dir, MANIFEST_FILE), "utf8")): string[] {
  const problems: string[] = [];
  const lines = manifestText.split("\n").filter(Boolean);
  if (lines.length === 0) problems.push("the manifest lists no file");
  for (const line of lines) {
    const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (!m) {
      problems.push(`not a sha256sum line: ${line}`);
      continue;
    }
    const file = path.join(dir, m[2]);
    if (!fs.existsSync(file)) problems.push(`${m[2]}: missing`);
    else if (sha256Of(file) !== m[1]) problems.push(`${m[2]}: SHA-256 differs from the manifest`);
  }
  return problems;
}
