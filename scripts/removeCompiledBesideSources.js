// postpack of the packages that run from TypeScript sources here (components/contract, policy/): their
// prepack compiles X.js and X.d.ts beside every X.ts so the packed tarball loads without ts-node; this
// removes exactly those again, so in the repository the sources are what runs (a stale X.js would win
// over X.ts in Node's and jest's resolution).
"use strict";
const fs = require("fs");
const path = require("path");

function clean(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) clean(full);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      const base = full.slice(0, -".ts".length);
      for (const compiled of [`${base}.js`, `${base}.d.ts`, `${base}.js.map`]) fs.rmSync(compiled, { force: true });
    }
  }
}

clean(path.resolve(process.argv[2] ?? "."));
