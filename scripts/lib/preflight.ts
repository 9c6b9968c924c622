// Bad input the runner refuses before anything is written (no stack operation, no ARM write): the wrong
// resource plugins for the stack, no credential. Unknown stacks and a bad `failover-drill:arm` section
// are refused earlier, when the stack's config is read (stackConfig.ts).
// Hook: further checks (the evidence store's, scripts/drill.ts) are PreflightChecks passed to
// runPreflight by the entry point; each returns its problems and must not write to the drill's estate.
// A check may name the exit code its problems mean (PreflightCheck.exitCode: the evidence store's 14);
// when they are the only problems found, the refusal carries that code, otherwise the bad-input one.
import * as fs from "fs";
import * as path from "path";
import { cloudNamed } from "../../components/clouds";
import { ROOT } from "./checkout";
import { STAND_IN_PLUGINS } from "./drillWorld";
import { BadInputError } from "./runnerErrors";
import type { PreflightCheck, PreflightContext } from "./preflightCheck";
import { stackConfigFitsTheEnvironment } from "./configSize";

export type { PreflightCheck, PreflightContext };

/** The stand-in plugins live under this folder (drillWorld.ts puts their bin/ on PATH when needed). */
const STAND_INS = path.dirname(STAND_IN_PLUGINS);
const PLUGINS = ["azure-native", "random"] as const;

function pinnedVersion(pkg: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  return manifest.dependencies[`@pulumi/${pkg}`];
}

/** The first `pulumi-resource-<name>` on PATH, as Pulumi finds it, or undefined. */
export function pluginOnPath(name: string, envPath: string): string | undefined {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, `pulumi-resource-${name}`);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

function isStandIn(file: string): boolean {
  const real = fs.realpathSync(file);
  return real.startsWith(fs.realpathSync(STAND_INS) + path.sep);
}

/** The plugins Pulumi would load match the stack: stand-ins for its local endpoint, real ones for Azure. */
export const pluginsMatchTheStack: PreflightCheck = async (ctx) => {
  const problems: string[] = [];
  for (const name of PLUGINS) {
    const found = pluginOnPath(name, ctx.env.PATH ?? "");
    const standIn = found !== undefined && isStandIn(found);
    if (ctx.plugins === "real" && standIn) {
      problems.push(
        `stack ${ctx.stack} talks to ${ctx.arm.endpoint}, but the stand-in plugin ${found} is first on PATH: remove ${path.dirname(found!)} from PATH (the stand-ins only speak to a local endpoint)`,
      );
    }
    if (ctx.plugins === "real" && !found) {
      const version = pinnedVersion(name);
      const home = ctx.env.PULUMI_HOME ?? path.join(ROOT, ".pulumi-home");
      if (!fs.existsSync(path.join(home, "plugins", `resource-${name}-v${version}`))) {
        problems.push(
          `stack ${ctx.stack} needs the ${name} plugin v${version}, which is not installed in ${home}: run PULUMI_HOME=${home} pulumi plugin install resource ${name} ${version}`,
        );
      }
    }
    if (ctx.plugins === "stand-in" && !standIn) {
      problems.push(
        `stack ${ctx.stack} runs on a local endpoint, but ${found ? `the plugin first on PATH is ${found}, not the stand-in` : "no stand-in plugin is on PATH"}: the stand-ins in ${STAND_IN_PLUGINS} must come first`,
      );
    }
  }
  return problems;
};

/** A credential exists for the stack's mode: the token variable is set, or DefaultAzureCredential gets a token. */
export const credentialFound: PreflightCheck = async (ctx) => {
  if (ctx.arm.credentialMode === "staticToken") {
    const variable = ctx.arm.tokenVariable ?? "";
    return ctx.env[variable]
      ? []
      : [
          `no credential: stack ${ctx.stack} reads its ARM token from the environment variable ${variable} (failover-drill:arm.tokenVariable), which is empty or not set`,
        ];
  }
  const cloud = cloudNamed(ctx.arm.cloud);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only the Entra ID credential mode needs @azure/identity
  const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
  try {
    const token = await new DefaultAzureCredential({ authorityHost: cloud.authorityHost }).getToken(cloud.resourceManagerScope, {
      abortSignal: AbortSignal.timeout(60_000),
    });
    if (token?.token) return [];
    return [`no credential found for ${cloud.name}: DefaultAzureCredential returned no token for ${cloud.resourceManagerScope}`];
  } catch (err) {
    const why = ((err as Error).message ?? String(err)).split("\n")[0];
    return [
      `no credential found for ${cloud.name} (${cloud.resourceManagerScope}): ${why} — sign in with \`az login\`${cloud.name === "AzureCloud" ? "" : ` (after \`az cloud set --name ${cloud.name}\`)`}, or set AZURE_CLIENT_ID/AZURE_TENANT_ID with a federated token or secret`,
    ];
  }
};

export const DEFAULT_CHECKS: PreflightCheck[] = [pluginsMatchTheStack, credentialFound, stackConfigFitsTheEnvironment];

/** Runs every check; all problems at once, as one BadInputError. */
export async function runPreflight(ctx: PreflightContext, checks: PreflightCheck[] = DEFAULT_CHECKS): Promise<void> {
  const problems: string[] = [];
  const codes = new Set<number | undefined>();
  for (const check of checks) {
    const found = await check(ctx);
    problems.push(...found);
    if (found.length > 0) codes.add(check.exitCode);
  }
  const exitCode = codes.size === 1 ? [...codes][0] : undefined;
  if (problems.length === 1) throw new BadInputError(problems[0], exitCode);
  if (problems.length > 1)
    throw new BadInputError(`${problems.length} problems before anything was written:\n  - ${problems.join("\n  - ")}`, exitCode);
}
