// Who ran the drill, why, and from which code: the report's identity block.
// - ranBy: the claims of the ARM token the drill used (user principal name or app id, object id, tenant)
//   when it is a JWT; else the CI actor (GitHub Actions' GITHUB_ACTOR and run URL); else the local user.
// - gitCommit from the checkout, toolVersion from package.json.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ReportIdentity } from "./reportSchema";

export type RanBy = ReportIdentity["ranBy"];
export type Trigger = ReportIdentity["trigger"];

/** The payload of a JWT, or undefined for anything else (a static twin token, an opaque token). */
export function jwtClaims(token: string | undefined): Record<string, unknown> | undefined {
  const parts = token?.split(".");
  if (!parts || parts.length !== 3) return undefined;
  try {
    const json = Buffer.from(parts[1].replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8");
    const claims = JSON.parse(json) as unknown;
    return claims && typeof claims === "object" && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);

export function ranByOf(token: string | undefined, env: NodeJS.ProcessEnv): RanBy {
  const claims = jwtClaims(token);
  if (claims) {
    // Entra ID access tokens: upn/unique_name for users, appid (v1) or azp (v2) for apps and managed identities.
    const name =
      str(claims.upn) ??
      str(claims.unique_name) ??
      str(claims.preferred_username) ??
      str(claims.name) ??
      str(claims.appid) ??
      str(claims.azp) ??
      str(claims.oid) ??
      "unknown";
    return { name, source: "token", objectId: str(claims.oid), tenantId: str(claims.tid), appId: str(claims.appid) ?? str(claims.azp) };
  }
  if (env.GITHUB_ACTIONS === "true" && env.GITHUB_ACTOR) {
    const runUrl =
      env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
        ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
        : undefined;
    return { name: `github:${env.GITHUB_ACTOR}`, source: "ci", ciRunUrl: runUrl };
  }
  let user = env.USER ?? env.USERNAME;
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (containers): keep the environment's
  }
  return { name: `${user ?? "unknown"}@${os.hostname()}`, source: "local" };
}

export function gitState(root: string): { gitCommit: string; gitDirty: boolean } {
  const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" });
  if (head.status !== 0) return { gitCommit: "unknown", gitDirty: false };
  const status = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root, encoding: "utf8" });
  return { gitCommit: head.stdout.trim(), gitDirty: status.status === 0 && status.stdout.trim().length > 0 };
}

export function toolVersion(root: string): string {
  try {
    return String((JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version?: string }).version ?? "unknown");
  } catch {
    return "unknown";
  }
}
