// The ONE allowlist of ARM operations the drill may send. Everything the client sends passes through
// `assertAllowed` right before the wire (a pipeline policy), so no code path can bypass it.
//
// Allowed: reads (GET) on the configured ARM host; ASR test failover and test failover cleanup on a
// replicated protected item or a recovery plan; Run Command on a test VM ("<recoveryAzureVmName>-test",
// the in-guest checks). Denied: everything else — planned/unplanned failover, commit, reprotect,
// disable protection, job cancel/restart, PUT/PATCH/DELETE of anything.

export interface AllowlistDecision {
  allowed: boolean;
  /** Which allowlist entry matched (for the request log), or why the request was refused. */
  rule: string;
}

const SEG = "[^/?#]+";
const VAULT = `/subscriptions/${SEG}/resourcegroups/${SEG}/providers/microsoft\\.recoveryservices/vaults/${SEG}`;
const RPI = `${VAULT}/replicationfabrics/${SEG}/replicationprotectioncontainers/${SEG}/replicationprotecteditems/${SEG}`;
const RP = `${VAULT}/replicationrecoveryplans/${SEG}`;
const TEST_VM = `/subscriptions/${SEG}/resourcegroups/${SEG}/providers/microsoft\\.compute/virtualmachines/${SEG}-test`;

const POST_RULES: { rule: string; pattern: RegExp }[] = [
  { rule: "asr:protectedItem:testFailover", pattern: new RegExp(`^${RPI}/testfailover$`) },
  { rule: "asr:protectedItem:testFailoverCleanup", pattern: new RegExp(`^${RPI}/testfailovercleanup$`) },
  { rule: "asr:recoveryPlan:testFailover", pattern: new RegExp(`^${RP}/testfailover$`) },
  { rule: "asr:recoveryPlan:testFailoverCleanup", pattern: new RegExp(`^${RP}/testfailovercleanup$`) },
  { rule: "compute:testVm:runCommand", pattern: new RegExp(`^${TEST_VM}/runcommand$`) },
];

/** Normalises a path for matching: decoded, lower-case (ARM is case-insensitive), no trailing slash. */
function normalisePath(path: string): string {
  let p = path;
  try {
    p = decodeURIComponent(p);
  } catch {
    // keep the raw path; a malformed escape cannot match a rule anyway
  }
  p = p.toLowerCase().replace(/\/+/g, "/");
  if (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  return p;
}

/**
 * Decides whether a request may be sent. `allowedHost` is the host of the configured ARM endpoint:
 * credentials are never sent anywhere else (not even to a host named in a Location header).
 */
export function checkAllowed(method: string, url: string, allowedHost: string): AllowlistDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { allowed: false, rule: `not an absolute URL: ${url}` };
  }
  if (parsed.host.toLowerCase() !== allowedHost.toLowerCase()) {
    return { allowed: false, rule: `host ${parsed.host} is not the configured ARM endpoint ${allowedHost}` };
  }
  const m = method.toUpperCase();
  const path = normalisePath(parsed.pathname);
  if (m === "GET") {
    if (path.startsWith("/subscriptions/")) return { allowed: true, rule: "arm:read" };
    return { allowed: false, rule: `GET outside /subscriptions: ${parsed.pathname}` };
  }
  if (m === "POST") {
    for (const r of POST_RULES) if (r.pattern.test(path)) return { allowed: true, rule: r.rule };
  }
  return {
    allowed: false,
    rule: `${m} ${parsed.pathname} is not a read, a test failover, a test failover cleanup or a Run Command on a test VM`,
  };
}

export class AllowlistViolationError extends Error {
  readonly code = "DrillAllowlistViolation";
  constructor(method: string, url: string, reason: string) {
    let where = url;
    try {
      const u = new URL(url);
      where = u.host + u.pathname;
    } catch {
      // keep as given
    }
    super(
      `failover-drill refused to send ${method.toUpperCase()} ${where}: ${reason}. ` +
        "The drill only reads, runs test failover / test failover cleanup, and Run Command on test VMs.",
    );
    this.name = "AllowlistViolationError";
  }
}

export function assertAllowed(method: string, url: string, allowedHost: string): string {
  const d = checkAllowed(method, url, allowedHost);
  if (!d.allowed) throw new AllowlistViolationError(method, url, d.rule);
  return d.rule;
}
