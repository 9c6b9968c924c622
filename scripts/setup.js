#!/usr/bin/env node
// The one idempotent setup entry, run by `npm test`, `npm run drill` and `npm run twin`:
//   1. npm dependencies of the project and of the policy pack (policy/ is its own package because
//      `pulumi preview --policy-pack policy` loads it from its own folder);
//   2. the TypeScript build into dist/ (the dynamic provider and the stand-in plugins run compiled JS:
//      their processes have no ts-node);
//   3. the Pulumi CLI v3.248.0 and a Node.js language host in .tools/bin, chosen in this order:
//      (a) a `pulumi` v3.248.0 already on PATH, (b) built from Go modules through the wrapper module
//      scripts/pulumi-cli when Go and its module proxy are reachable, (c) otherwise a fast, actionable error;
//      plus `pulumi-resource-pulumi-nodejs` (shipped inside @pulumi/pulumi) beside it for dynamic providers;
//   4. actionlint (the GitHub Actions workflow checker the workflow tests run) in .tools/bin: an
//      actionlint of the pinned version on PATH, else built from the Go module github.com/rhysd/actionlint
//      through the wrapper module scripts/actionlint (go.mod/go.sum pin the version), else a warning.
// Flags: --quiet (only errors), --no-cli (skip step 3, for `npm run twin`), --cli-only (only step 3).
"use strict";
const fs = require("fs");
const path = require("path");
const http = require("http");
const https = require("https");
const { spawn, spawnSync } = require("child_process");
const { ROOT, TOOLS_BIN, PULUMI_VERSION } = require("./pulumiEnv");

const args = new Set(process.argv.slice(2));
const quiet = args.has("--quiet");
const wantCli = !args.has("--no-cli");
const cliOnly = args.has("--cli-only");
const started = Date.now();

function log(msg) {
  if (!quiet) process.stderr.write(`[setup] ${msg}\n`);
}

class SetupError extends Error {}

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { stdio: quiet ? ["ignore", "ignore", "inherit"] : "inherit", ...opts });
  if (r.error) throw new SetupError(`${cmd} ${cmdArgs.join(" ")} could not start: ${r.error.message}`);
  if (r.status !== 0) throw new SetupError(`${cmd} ${cmdArgs.join(" ")} (in ${opts.cwd ?? ROOT}) exited with ${r.status}`);
}

// ---- 1. npm dependencies -----------------------------------------------------------------------------

function ensureNpmDeps(dir) {
  const lock = path.join(dir, "package-lock.json");
  if (!fs.existsSync(path.join(dir, "package.json"))) return;
  const installedMarker = path.join(dir, "node_modules", ".package-lock.json");
  const stale = !fs.existsSync(installedMarker) || mtime(lock) > mtime(installedMarker) + 1000;
  if (!stale) return;
  log(`installing npm dependencies in ${path.relative(ROOT, dir) || "."} ...`);
  const cmd = fs.existsSync(lock) ? ["ci", "--no-audit", "--no-fund"] : ["install", "--no-audit", "--no-fund"];
  run("npm", cmd, { cwd: dir });
}

// ---- 2. TypeScript build -----------------------------------------------------------------------------

const BUILD_INPUTS = ["index.ts", "components", "twin", "scripts", "bench", "tsconfig.json", "tsconfig.build.json"];

function newestSource(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return /\.(ts|json|ya?ml)$/.test(p) ? st.mtimeMs : 0;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestSource(path.join(p, entry)));
  }
  return newest;
}

function ensureBuild() {
  const buildInfo = path.join(ROOT, "dist", ".tsbuildinfo");
  const newest = Math.max(...BUILD_INPUTS.map((p) => newestSource(path.join(ROOT, p))));
  if (fs.existsSync(buildInfo) && mtime(buildInfo) >= newest) return;
  log("compiling TypeScript into dist/ ...");
  try {
    run(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], {
      cwd: ROOT,
    });
  } catch (err) {
    // tsc still emits and writes .tsbuildinfo on type errors; drop it so the next run compiles again.
    fs.rmSync(buildInfo, { force: true });
    throw err;
  }
  // tsc leaves .tsbuildinfo untouched when nothing changed; touch it so the next run skips quickly.
  const now = new Date();
  fs.utimesSync(buildInfo, now, now);
}

// ---- 3. Pulumi CLI -----------------------------------------------------------------------------------

function versionOf(bin) {
  const r = spawnSync(bin, ["version"], {
    encoding: "utf8",
    env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
    timeout: 20_000,
  });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function which(name, excludeDir) {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir || path.resolve(dir) === path.resolve(excludeDir)) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function linkInto(target, name) {
  const link = path.join(TOOLS_BIN, name);
  try {
    fs.unlinkSync(link);
  } catch {
    // absent
  }
  fs.symlinkSync(target, link);
}

function cliReady() {
  const pulumi = path.join(TOOLS_BIN, "pulumi");
  const host = path.join(TOOLS_BIN, "pulumi-language-nodejs");
  const dyn = path.join(TOOLS_BIN, "pulumi-resource-pulumi-nodejs");
  return fs.existsSync(pulumi) && fs.existsSync(host) && fs.existsSync(dyn) && versionOf(pulumi) === PULUMI_VERSION;
}

/** Resolves when the Go module proxy answers for the CLI module, rejects with the reason otherwise. */
function probeGoProxy(proxy) {
  const url = `${proxy.replace(/\/$/, "")}/github.com/pulumi/pulumi/pkg/v3/@v/${PULUMI_VERSION}.info`;
  return new Promise((resolve, reject) => {
    const client = url.startsWith("https:") ? https : http;
    const req = client.get(url, { timeout: 10_000 }, (res) => {
      res.resume();
      if (res.statusCode === 200) resolve();
      else reject(new Error(`${url} answered HTTP ${res.statusCode}`));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within 10 s`)));
    req.on("error", (err) => reject(new Error(`${url}: ${err.message}`)));
  });
}

function goEnv(name) {
  const r = spawnSync("go", ["env", name], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "";
}

function buildFromGoModules() {
  const wrapper = path.join(ROOT, "scripts", "pulumi-cli");
  const ldflags = `-w -s -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${PULUMI_VERSION}`;
  const goArgs = [
    "build",
    "-v",
    "-trimpath",
    "-tags",
    "osusergo,grpcnotrace",
    "-ldflags",
    ldflags,
    "-o",
    TOOLS_BIN + path.sep,
    "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
    "./cmd/pulumi-language-nodejs",
  ];
  log(`building pulumi ${PULUMI_VERSION} and pulumi-language-nodejs from Go modules (several minutes on a cold cache) ...`);
  return new Promise((resolve, reject) => {
    const child = spawn("go", goArgs, {
      cwd: wrapper,
      env: { ...process.env, CGO_ENABLED: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let compiled = 0;
    let last = "";
    const tail = [];
    let buffered = "";
    child.stderr.on("data", (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        if (!line) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (!line.startsWith("go: ") && !line.startsWith("#")) {
          compiled++;
          last = line;
        } else if (line.startsWith("go: downloading")) {
          last = line.slice(4);
        }
      }
    });
    child.stdout.on("data", () => {});
    const ticker = setInterval(() => {
      const secs = Math.round((Date.now() - started) / 1000);
      // go build -v lists only packages it compiles; from a warm cache it just links, silently.
      const what = compiled ? `${compiled} packages compiled` : "using cached packages, linking";
      log(`  ... ${secs}s, ${what}${last ? ` (${last})` : ""}`);
    }, 10_000);
    child.on("error", (err) => {
      clearInterval(ticker);
      reject(new SetupError(`go build could not start: ${err.message}`));
    });
    child.on("close", (code) => {
      clearInterval(ticker);
      if (code === 0) resolve();
      else reject(new SetupError(`go build failed (exit ${code}):\n${tail.join("\n")}`));
    });
  });
}

async function ensureCli() {
  fs.mkdirSync(TOOLS_BIN, { recursive: true });
  const dynShim = path.join(ROOT, "node_modules", "@pulumi", "pulumi", "pulumi-resource-pulumi-nodejs");
  if (cliReady()) return "present";

  // (a) a CLI of the right version already installed
  const onPath = which("pulumi", TOOLS_BIN);
  if (onPath && versionOf(onPath) === PULUMI_VERSION) {
    const real = fs.realpathSync(onPath);
    const host = path.join(path.dirname(real), "pulumi-language-nodejs");
    linkInto(real, "pulumi");
    if (fs.existsSync(host)) linkInto(host, "pulumi-language-nodejs");
    linkInto(dynShim, "pulumi-resource-pulumi-nodejs");
    if (cliReady()) return `linked from ${real}`;
    log(`${real} has no pulumi-language-nodejs beside it; building the language host from Go modules`);
  }

  // (b) build from Go modules
  const reasons = [];
  if (onPath) reasons.push(`${onPath} is ${versionOf(onPath) ?? "not runnable"}, not ${PULUMI_VERSION}`);
  else reasons.push(`no \`pulumi\` on PATH`);
  const hasGo = spawnSync("go", ["version"], { encoding: "utf8" }).status === 0;
  if (!hasGo) {
    reasons.push("no Go toolchain (`go`) on PATH to build it from Go modules");
  } else {
    const proxy = (goEnv("GOPROXY") || "https://proxy.golang.org").split(/[,|]/)[0];
    let reachable = proxy === "off" || proxy === "direct"; // off: module cache only; direct: VCS, can't probe
    if (!reachable) {
      try {
        await probeGoProxy(proxy);
        reachable = true;
      } catch (err) {
        reasons.push(`the Go module proxy is unreachable (${err.message})`);
      }
    }
    if (reachable) {
      await buildFromGoModules();
      linkInto(dynShim, "pulumi-resource-pulumi-nodejs");
      const v = versionOf(path.join(TOOLS_BIN, "pulumi"));
      if (v !== PULUMI_VERSION) throw new SetupError(`the built pulumi reports ${v}, expected ${PULUMI_VERSION}`);
      return "built from Go modules";
    }
  }

  // (c) nothing works: say what is missing and how to fix it
  throw new SetupError(
    [
      `Pulumi CLI ${PULUMI_VERSION} is not available: ${reasons.join("; ")}.`,
      `Either install the CLI (https://www.pulumi.com/docs/install/, e.g. ` +
        `\`curl -fsSL https://get.pulumi.com | sh -s -- --version ${PULUMI_VERSION.slice(1)}\`) and put it on PATH,`,
      `or make Go (>= 1.25.11) and its module proxy reachable (GOPROXY) so setup can build it from scripts/pulumi-cli.`,
      `Then run \`npm test\` again.`,
    ].join("\n"),
  );
}

// ---- 4. actionlint -----------------------------------------------------------------------------------

const ACTIONLINT_VERSION = "v1.7.12";

function actionlintVersionOf(bin) {
  const r = spawnSync(bin, ["-version"], { encoding: "utf8", timeout: 20_000 });
  return r.status === 0 ? r.stdout.split("\n")[0].trim() : undefined;
}

/** actionlint in .tools/bin: already there, linked from PATH, or built from the pinned Go module. */
function ensureActionlint() {
  const target = path.join(TOOLS_BIN, "actionlint");
  if (actionlintVersionOf(target) === ACTIONLINT_VERSION) return "present";
  fs.mkdirSync(TOOLS_BIN, { recursive: true });
  const onPath = which("actionlint", TOOLS_BIN);
  if (onPath && actionlintVersionOf(onPath) === ACTIONLINT_VERSION) {
    linkInto(fs.realpathSync(onPath), "actionlint");
    return `linked from ${onPath}`;
  }
  if (spawnSync("go", ["version"], { encoding: "utf8" }).status !== 0) {
    // Only the workflow tests need it: the drill and the other suites run without it.
    log(
      `warning: actionlint ${ACTIONLINT_VERSION} is not available (no Go toolchain to build it); tests/examples/githubActions.test.ts will fail`,
    );
    return "missing";
  }
  log(`building actionlint ${ACTIONLINT_VERSION} from Go modules ...`);
  // The version comes from the module's build info (`go build` of a pinned dependency records it).
  run("go", ["build", "-trimpath", "-ldflags", "-s -w", "-o", TOOLS_BIN + path.sep, "github.com/rhysd/actionlint/cmd/actionlint"], {
    cwd: path.join(ROOT, "scripts", "actionlint"),
    env: { ...process.env, CGO_ENABLED: "0" },
  });
  const v = actionlintVersionOf(target);
  if (v !== ACTIONLINT_VERSION) throw new SetupError(`the built actionlint reports ${v}, expected ${ACTIONLINT_VERSION}`);
  return "built from Go modules";
}

async function main() {
  if (!cliOnly) {
    ensureNpmDeps(ROOT);
    ensureNpmDeps(path.join(ROOT, "policy"));
    ensureBuild();
  }
  if (wantCli) {
    const how = await ensureCli();
    if (how !== "present") log(`pulumi ${PULUMI_VERSION}: ${how}`);
  }
  if (!cliOnly) {
    const how = ensureActionlint();
    if (how !== "present" && how !== "missing") log(`actionlint ${ACTIONLINT_VERSION}: ${how}`);
  }
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

main().catch((err) => {
  process.stderr.write(`[setup] error: ${err instanceof SetupError ? err.message : (err.stack ?? err)}\n`);
  process.exit(3);
});
