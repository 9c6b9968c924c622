// Serialization smoke test for the TestFailover dynamic provider, in PLAIN NODE (jest hides closure
// serialization failures). Run by testFailoverSerialize.test.ts; exits non-zero with a message on failure.
//
// 1. transpiles components/testFailover.ts (no ts-node here, as in the dynamic-provider plugin),
// 2. serializes its provider exactly as pulumi.dynamic.Resource does (serializeFunction(() => provider)),
// 3. checks the text captures no client, agent, schema, token, absolute path or process.cwd(), and that its
//    only requires are "module", "path" and the package's `failover-drill/provider`,
// 4. loads the text as the plugin does (require-from-string, a module without a filename) in a user's
//    project whose node_modules holds failover-drill, checks each method delegates to its
//    failover-drill/provider, then moves the project and checks again,
// 5. from this repository (the package by self-reference through "exports"), calls diff() through the
//    compiled implementation in dist/,
// 6. from a directory without the package, checks the error names the module and what to install.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const repo = path.resolve(__dirname, "..", "..");
const ts = require(path.join(repo, "node_modules", "typescript"));
const pulumi = require(path.join(repo, "node_modules", "@pulumi", "pulumi"));
// The very loader the dynamic-provider plugin uses (node_modules/@pulumi/pulumi/cmd/dynamic-provider).
const requireFromString = require(
  require.resolve("require-from-string", { paths: [path.join(repo, "node_modules", "@pulumi", "pulumi")] }),
);

function fail(msg) {
  console.error(`SERIALIZATION SMOKE FAILED: ${msg}`);
  process.exit(1);
}

const METHODS = ["check", "diff", "create", "read", "update", "delete"];

(async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tfo-serialize-"));
  const src = fs.readFileSync(path.join(repo, "components", "testFailover.ts"), "utf8");
  const js = ts.transpileModule(src, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const modDir = path.join(work, "components");
  fs.mkdirSync(modDir, { recursive: true });
  fs.writeFileSync(path.join(modDir, "testFailover.js"), js);
  // Resolve @pulumi/pulumi from the repo for the transpiled module.
  fs.symlinkSync(path.join(repo, "node_modules"), path.join(work, "node_modules"), "dir");
  const mod = require(path.join(modDir, "testFailover.js"));
  if (!mod.provider) fail("components/testFailover.ts does not export `provider`");

  const serialized = await pulumi.runtime.serializeFunction(() => mod.provider, { allowSecrets: true });
  const text = serialized.text;
  for (const bad of [
    repo,
    work,
    os.tmpdir(),
    os.homedir(),
    "process.cwd",
    "__dirname",
    "dist/",
    "@azure/",
    "zod",
    "failover-drill-twin",
    "Agent(",
    "DefaultAzureCredential",
    "ts-node",
  ]) {
    if (text.includes(bad)) fail(`serialized provider contains ${JSON.stringify(bad)}`);
  }
  // No string literal that is an absolute path, whatever machine built it.
  const absolute = /["'`](\/|[A-Za-z]:\\)[^"'`]*["'`]/.exec(text);
  if (absolute) fail(`serialized provider holds the absolute path ${absolute[0]}`);
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
  for (const r of requires) if (!['"module"', '"path"'].includes(r)) fail(`serialized provider requires ${r}`);
  if (!text.includes('fromProgram("failover-drill/provider")'))
    fail("serialized provider does not load failover-drill/provider through the program directory's resolution");
  // One loader, not a require per method (issue 17): the module is named once.
  if (text.split('"failover-drill/provider"').length - 1 !== 1)
    fail("serialized provider names failover-drill/provider more than once (one loader expected)");

  const load = () => requireFromString(text)[serialized.exportName]();

  // 4. A user's project: node_modules/failover-drill with "exports" mapping ./provider.
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "tfo-user-project-"));
  const pkg = path.join(project, "node_modules", "failover-drill");
  fs.mkdirSync(path.join(pkg, "lib"), { recursive: true });
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "contoso-dr", dependencies: { "failover-drill": "0.1.0" } }));
  fs.writeFileSync(
    path.join(pkg, "package.json"),
    JSON.stringify({ name: "failover-drill", version: "0.1.0", exports: { "./provider": "./lib/provider.js" } }),
  );
  fs.writeFileSync(
    path.join(pkg, "lib", "provider.js"),
    `for (const m of ${JSON.stringify(METHODS)}) exports[m] = async (...a) => ({ called: m, args: a.length, from: __filename });`,
  );
  const delegates = async (where) => {
    process.chdir(where);
    const provider = load();
    for (const m of METHODS) {
      if (typeof provider[m] !== "function") fail(`deserialized provider has no ${m}()`);
      const r = await provider[m]("a", "b", "c");
      const expected = fs.realpathSync(path.join(where, "node_modules", "failover-drill", "lib", "provider.js"));
      if (!r || r.called !== m || fs.realpathSync(r.from) !== expected)
        fail(`${m}() from ${where} did not delegate to node_modules/failover-drill/provider: ${JSON.stringify(r)}`);
    }
  };
  await delegates(project);
  // The checkout moves: nothing in the text points at the old place.
  const moved = `${project}-moved`;
  process.chdir(os.tmpdir());
  fs.renameSync(project, moved);
  await delegates(moved);

  // 5. This repository: failover-drill/provider is the package itself (self-reference), built into dist/.
  if (!fs.existsSync(path.join(repo, "dist", "components", "asr", "providerEntry.js")))
    fail("dist/components/asr/providerEntry.js is missing: run `npm run build` first");
  process.chdir(repo);
  const provider = load();
  const d = await provider.diff("id", { notes: "a", scope: { kind: "recoveryPlan" } }, { notes: "b", scope: { kind: "recoveryPlan" } });
  if (!d || d.changes !== true || d.replaces.length !== 0)
    fail(`diff through the deserialized provider and the repository's compiled implementation: ${JSON.stringify(d)}`);

  // 6. A program directory without the package: the error says which module and what to do.
  const bare = fs.mkdtempSync(path.join(os.tmpdir(), "tfo-no-package-"));
  process.chdir(bare);
  const missing = await load()
    .check({}, {})
    .then(
      () => undefined,
      (e) => e,
    );
  if (!missing || !/failover-drill\/provider/.test(missing.message) || !/npm install failover-drill/.test(missing.message))
    fail(`without the package, check() did not say what to install: ${missing && missing.message}`);

  console.log(`serialization smoke ok: ${text.length} chars, requires ${[...new Set(requires)].join(" ")}`);
  process.chdir(os.tmpdir());
  for (const d of [work, moved, bare]) fs.rmSync(d, { recursive: true, force: true });
})().catch((e) => fail(e && e.stack ? e.stack : String(e)));
