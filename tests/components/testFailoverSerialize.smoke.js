// Serialization smoke test for the TestFailover dynamic provider, in PLAIN NODE (jest hides closure
// serialization failures). Run by testFailoverSerialize.test.ts; exits non-zero with a message on failure.
//
// 1. transpiles components/testFailover.ts (no ts-node here, as in the dynamic-provider plugin),
// 2. serializes its provider exactly as pulumi.dynamic.Resource does (serializeFunction(() => provider)),
// 3. checks the text captures no client, agent, schema, absolute path or token, and requires only
//    dist/components/asr/providerEntry.js relative to process.cwd(),
// 4. loads the text like the plugin (a module whose handler() returns the provider), chdirs to a fake
//    program directory and checks each method delegates to <cwd>/dist/components/asr/providerEntry.js.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const repo = path.resolve(__dirname, "..", "..");
const ts = require(path.join(repo, "node_modules", "typescript"));
const pulumi = require(path.join(repo, "node_modules", "@pulumi", "pulumi"));

function fail(msg) {
  console.error(`SERIALIZATION SMOKE FAILED: ${msg}`);
  process.exit(1);
}

(async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tfo-serialize-"));
  const src = fs.readFileSync(path.join(repo, "components", "testFailover.ts"), "utf8");
  const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const modDir = path.join(work, "components");
  fs.mkdirSync(modDir, { recursive: true });
  fs.writeFileSync(path.join(modDir, "testFailover.js"), js);
  // Resolve @pulumi/pulumi from the repo for the transpiled module.
  fs.symlinkSync(path.join(repo, "node_modules"), path.join(work, "node_modules"), "dir");
  const mod = require(path.join(modDir, "testFailover.js"));
  if (!mod.provider) fail("components/testFailover.ts does not export `provider`");

  const serialized = await pulumi.runtime.serializeFunction(() => mod.provider, { allowSecrets: true });
  const text = serialized.text;
  for (const bad of [repo, work, "@azure/", "zod", "failover-drill-twin", "Agent(", "DefaultAzureCredential", "ts-node"]) {
    if (text.includes(bad)) fail(`serialized provider contains ${JSON.stringify(bad)}`);
  }
  // Every require(...) argument, with balanced parentheses.
  const requires = [];
  for (let i = text.indexOf("require("); i >= 0; i = text.indexOf("require(", i + 1)) {
    let depth = 0;
    let j = i + "require".length;
    for (; j < text.length; j++) {
      if (text[j] === "(") depth++;
      else if (text[j] === ")" && --depth === 0) break;
    }
    requires.push(text.slice(i + "require(".length, j).trim());
  }
  const allowed = new Set(['"path"', '"fs"', "file"]);
  for (const r of requires) if (!allowed.has(r)) fail(`serialized provider requires ${r}`);
  if (!text.includes('process.cwd(), "dist", "components", "asr", "providerEntry.js"')) fail("serialized provider does not resolve dist/ from process.cwd()");
  // One loader, not a require per method (issue 17): the entry path appears once.
  if (text.split('"providerEntry.js"').length - 1 !== 1) fail("serialized provider names dist/components/asr/providerEntry.js more than once (one loader expected)");

  // Load it the way the plugin does, from a program directory that is not the repo.
  const program = fs.mkdtempSync(path.join(os.tmpdir(), "tfo-program-"));
  fs.mkdirSync(path.join(program, "dist", "components", "asr"), { recursive: true });
  fs.writeFileSync(
    path.join(program, "dist", "components", "asr", "providerEntry.js"),
    "for (const m of ['check','diff','create','read','update','delete']) exports[m] = async (...a) => ({ called: m, args: a.length, cwd: process.cwd() });",
  );
  const loaded = path.join(program, "serialized-provider.js");
  fs.writeFileSync(loaded, text);
  process.chdir(program);
  const provider = require(loaded)[serialized.exportName]();
  for (const m of ["check", "diff", "create", "read", "update", "delete"]) {
    if (typeof provider[m] !== "function") fail(`deserialized provider has no ${m}()`);
    const r = await provider[m]("a", "b", "c");
    if (!r || r.called !== m || fs.realpathSync(r.cwd) !== fs.realpathSync(program)) fail(`${m}() did not delegate to <cwd>/dist/components/asr/providerEntry.js: ${JSON.stringify(r)}`);
  }
  // 5. The real implementation, compiled to plain JS (as tsconfig.build.json does), loads without ts-node
  //    from <cwd>/dist and exports every method the shim calls.
  const real = fs.mkdtempSync(path.join(os.tmpdir(), "tfo-program-real-"));
  fs.symlinkSync(path.join(repo, "node_modules"), path.join(real, "node_modules"), "dir");
  const tsIn = (dir) => fs.readdirSync(path.join(repo, "components", dir)).filter((f) => f.endsWith(".ts")).map((f) => `components/${dir}/${f}`);
  const files = ["components/drillTypes.ts", "components/ipv4.ts", ...tsIn("contract"), ...tsIn("asr")];
  for (const f of files) {
    const out = path.join(real, "dist", f.replace(/\.ts$/, ".js"));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const code = ts.transpileModule(fs.readFileSync(path.join(repo, f), "utf8"), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
    fs.writeFileSync(out, code);
  }
  process.chdir(real);
  const impl = require(path.join(real, "dist", "components", "asr", "providerEntry.js"));
  for (const m of ["check", "diff", "create", "read", "update", "delete"]) if (typeof impl[m] !== "function") fail(`dist/components/asr/providerEntry.js does not export ${m}()`);
  const d = await provider.diff("id", { notes: "a", scope: { kind: "recoveryPlan" } }, { notes: "b", scope: { kind: "recoveryPlan" } });
  if (!d || d.changes !== true || d.replaces.length !== 0) fail(`diff through the deserialized provider and compiled implementation: ${JSON.stringify(d)}`);
  fs.rmSync(real, { recursive: true, force: true });

  console.log(`serialization smoke ok: ${text.length} chars, requires ${[...new Set(requires)].join(" ")}`);
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(program, { recursive: true, force: true });
})().catch((e) => fail(e && e.stack ? e.stack : String(e)));
