// The plugin version the installed npm package requests (package.json `pulumi.version`, else `version`):
// the engine looks plugins up by that exact version, and GetPluginInfo must report it.
import * as fs from "fs";
import * as path from "path";

export function requestedPluginVersion(npmPackage: string, from: string = process.cwd()): string {
  let file: string;
  try {
    file = require.resolve(`${npmPackage}/package.json`, { paths: [from, __dirname] });
  } catch {
    file = path.join(__dirname, "..", "..", "..", "..", "node_modules", npmPackage, "package.json");
  }
  const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { version?: string; pulumi?: { version?: string } };
  const v = pkg.pulumi?.version ?? pkg.version;
  if (!v) throw new Error(`${file} has no version`);
  return v.replace(/^v/, "");
}
