// Where the checkout is and the environment every Pulumi command of the project runs in
// (scripts/pulumiEnv.js), found from this file whether it runs from scripts/lib (jest) or dist/scripts/lib.
import * as fs from "fs";
import * as path from "path";

function findRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "scripts", "pulumiEnv.js")) && fs.existsSync(path.join(d, "Pulumi.yaml"))) return d;
    if (path.dirname(d) === d) throw new Error(`cannot find the failover-drill checkout above ${dir}`);
  }
}
// pulumiEnv.js is plain JS (setup.js needs it before anything is compiled), so it is not in dist/.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain-JS file outside dist/, found from the checkout root at run time
const pulumiEnvModule = require(path.join(findRoot(__dirname), "scripts", "pulumiEnv.js")) as typeof import("../pulumiEnv");

export const { ROOT, TOOLS_BIN, pulumiEnv } = pulumiEnvModule;
