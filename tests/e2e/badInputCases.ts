// The bad-input table: invalid stack configs, fixtures the drill must refuse, an unreachable endpoint and a
// bad credential. Each case mutates a copy of Pulumi.test.yaml's config (keys `failover-drill:<key>`) and
// names what the failure must mention: the config path, or the cause.
//
// Routes (how the case is driven through the CLI, tests/e2e/badInput.test.ts):
//   - "up": `pulumi up --yes --skip-preview`, the strongest form: even `up` must not write. Used for every
//     case the program itself refuses (config, lookups, reads) — it refuses before declaring a resource,
//     so the cost is the same as a preview's.
//   - "gate": `pulumi preview --policy-pack policy`, the drill runner's policy gate (scripts/drill.ts runs
//     it before `up`). A policy judges declared resources, so these cases cannot fail before the program
//     declares some: under a bare `up` the test network would be created before the TestFailover reaches
//     the pack. The gate refuses them with nothing triggered.
// `quick` marks the cases `npm test` runs when BAD_INPUT=1 is not set (see badInput.test.ts).
export type Config = Record<string, any>;

/** What the shared twin holds, read once before the cases run: each item's fabric/container/name by friendly name. */
export interface Estate {
  items: Record<string, { fabricName: string; protectionContainerName: string; name: string }>;
}

/**
 * The exit code of a refused case: the CLI's own failure code (`pulumi up`/`preview` exit 1 when the
 * program throws or a mandatory policy fails). These cases drive the CLI directly, not the drill runner,
 * whose DrillExit codes (scripts/drill.ts) the runner line owns.
 */
export const PULUMI_FAILED = 1;

export interface BadInputCase {
  name: string;
  config?: (c: Config, estate: Estate) => void;
  env?: Record<string, string>;
  route?: "up" | "gate";
  /** A policy pack config file (relative to the repository) passed with --policy-pack-config. */
  policyPackConfig?: string;
  expect: RegExp;
}

export const K = (key: string) => `failover-drill:${key}`;
const del = (key: string) => (c: Config) => void delete c[K(key)];
const set = (key: string, pathParts: (string | number)[], value: unknown) => (c: Config) => {
  if (pathParts.length === 0) {
    c[K(key)] = value;
    return;
  }
  let cur = c[K(key)];
  for (const p of pathParts.slice(0, -1)) cur = cur[p];
  cur[pathParts[pathParts.length - 1]] = value;
};
/** Scope the drill to these items (no plan); expectations narrowed to them so nothing else is refused first. */
const only = (items: string[]) => (c: Config) => {
  c[K("scope")] = { items: items.map((friendlyName) => ({ friendlyName })), recoveryPointType: "LatestProcessed" };
  c[K("expected")] = (c[K("expected")] ?? []).filter((e: { friendlyName: string }) => items.includes(e.friendlyName));
};
const path_ = (p: string) => new RegExp(p.replace(/[.[\]]/g, (m) => `\\${m}`));

/** Items the shared twin holds beside the Contoso estate (badInput.test.ts builds them). */
export const UNICODE_VM_ITEM = "APPX01";
export const UNICODE_VM_NAME = "app-ä01";
export const OVERSIZED_PLAN = "rp-over-100";
/** Copies of APP01 the shared twin adds for the readiness cases (issue 16). */
export const UNHEALTHY_ITEM = "APPU01";
/** In a test failover someone else started (into contoso-hub-vnet), waiting for its cleanup. */
export const BUSY_ITEM = "APPB01";
/** allowedOperations without TestFailover. */
export const NOT_ALLOWED_ITEM = "APPN01";
/** A web VM whose recovery IP is APP01's 10.10.3.10. */
export const IP_TAKER_ITEM = "WEBD01";
const byId = (estate: Estate, friendlyName: string) => estate.items[friendlyName];

export const BAD_INPUT_CASES: BadInputCase[] = [
  // vault
  {
    name: "vault.subscriptionId not a GUID",
    config: set("vault", ["subscriptionId"], "not-a-guid"),
    expect: path_("failover-drill:vault.subscriptionId"),
  },
  { name: "vault missing", config: del("vault"), expect: /failover-drill:vault: missing/ },
  { name: "vault.name starting with a digit", config: set("vault", ["name"], "1-vault"), expect: path_("failover-drill:vault.name") },
  {
    name: "vault.resourceGroup ending in a period",
    config: set("vault", ["resourceGroup"], "contoso-dr."),
    expect: path_("failover-drill:vault.resourceGroup"),
  },
  { name: "vault with a misspelt key", config: (c) => void (c[K("vault")].nmae = "x"), expect: path_("failover-drill:vault.nmae") },
  {
    name: "vault.subscriptionId a number (wrong type)",
    config: set("vault", ["subscriptionId"], 42),
    expect: path_("failover-drill:vault.subscriptionId"),
  },
  {
    name: "vault that does not exist",
    config: set("vault", ["name"], "no-such-vault"),
    expect: /failover-drill:(vault|scope)[^\n]*no-such-vault/,
  },
  // arm, location, drill
  {
    name: "arm.credentialMode unknown",
    config: set("arm", ["credentialMode"], "password"),
    expect: path_("failover-drill:arm.credentialMode"),
  },
  { name: "location with spaces and capitals", config: set("location", [], "West Europe"), expect: path_("failover-drill:location") },
  {
    name: "drill.id with capitals and underscore",
    config: set("drill", ["id"], "Contoso_Tier1"),
    expect: path_("failover-drill:drill.id"),
  },
  { name: "drill.owner empty", config: set("drill", ["owner"], ""), expect: path_("failover-drill:drill.owner") },
  { name: "drill.expiry not ISO 8601", config: set("drill", ["expiry"], "31/12/2030"), expect: path_("failover-drill:drill.expiry") },
  { name: "drill missing", config: del("drill"), expect: /failover-drill:drill: missing/ },
  // scope
  {
    name: "scope sets both recoveryPlan and items",
    config: set("scope", ["items"], [{ friendlyName: "APP01" }]),
    expect: /failover-drill:scope: .*sets both/,
  },
  {
    name: "scope.recoveryPlans names a plan the vault does not hold",
    config: set("scope", [], { recoveryPlans: ["rp-contoso-tier1", "rp-nope"] }),
    expect: /failover-drill:scope\.recoveryPlans\[1\]: "rp-nope" is not a recovery plan of vault contoso-asr-vault/,
  },
  {
    name: "scope.recoveryPlans lists a plan twice",
    config: set("scope", [], { recoveryPlans: ["rp-contoso-tier1", "RP-CONTOSO-TIER1"] }),
    expect: /failover-drill:scope\.recoveryPlans\[1\]: "RP-CONTOSO-TIER1" repeats scope\.recoveryPlans\[0\]/,
  },
  {
    name: "scope sets neither",
    config: set("scope", [], { recoveryPointType: "LatestProcessed" }),
    expect: /failover-drill:scope: .*must set recoveryPlan/,
  },
  { name: "scope.items empty", config: set("scope", [], { items: [] }), expect: path_("failover-drill:scope.items") },
  {
    name: "scope.items[0] with only fabricName",
    config: set("scope", [], { items: [{ fabricName: "f" }] }),
    expect: path_("failover-drill:scope.items[0]"),
  },
  {
    name: "scope.recoveryPointType unknown",
    config: set("scope", ["recoveryPointType"], "Newest"),
    expect: path_("failover-drill:scope.recoveryPointType"),
  },
  {
    name: "scope.recoveryPlan unknown lists the vault's plans (issue 16)",
    config: set("scope", ["recoveryPlan"], "rp-does-not-exist"),
    expect:
      /failover-drill:scope\.recoveryPlan: "rp-does-not-exist" is not a recovery plan of vault contoso-asr-vault \(it holds: [^)\n]*rp-contoso-tier1/,
  },
  {
    name: "scope.items unknown item",
    config: set("scope", [], { items: [{ friendlyName: "NOPE01" }] }),
    expect: /failover-drill:scope\.items\[0\].*NOPE01.*matches no protected item/,
  },
  {
    name: "scope.items unicode name",
    config: set("scope", [], { items: [{ friendlyName: "ÄPP01" }] }),
    expect: /failover-drill:scope\.items\[0\].*matches no protected item/,
  },
  {
    name: "scope.items repeated",
    config: set("scope", [], { items: [{ friendlyName: "APP01" }, { friendlyName: "app01" }] }),
    expect: path_("failover-drill:scope.items[1]"),
  },
  {
    name: "recovery plan over 100 items",
    config: set("scope", ["recoveryPlan"], OVERSIZED_PLAN),
    expect: new RegExp(`failover-drill:scope\\.recoveryPlan.*${OVERSIZED_PLAN}.*101.*100`),
  },
  // test network
  {
    name: "addressSpace prefix length 33",
    config: set("testNetwork", ["addressSpace"], "10.10.0.0/33"),
    expect: path_("failover-drill:testNetwork.addressSpace"),
  },
  {
    name: "addressSpace host bits set",
    config: set("testNetwork", ["addressSpace"], "10.10.0.1/16"),
    expect: path_("failover-drill:testNetwork.addressSpace"),
  },
  {
    name: "addressSpace not a CIDR",
    config: set("testNetwork", ["addressSpace"], "banana"),
    expect: path_("failover-drill:testNetwork.addressSpace"),
  },
  {
    name: "addressSpace entries overlap",
    config: set("testNetwork", ["addressSpace"], ["10.10.0.0/16", "10.10.128.0/17"]),
    expect: path_("failover-drill:testNetwork.addressSpace[1]"),
  },
  {
    name: "subnet prefix outside the address space",
    config: set("testNetwork", ["subnets", 0, "prefix"], "10.99.1.0/24"),
    expect: path_("failover-drill:testNetwork.subnets[0].prefix"),
  },
  {
    name: "subnet prefix smaller than /29",
    config: set("testNetwork", ["subnets", 0, "prefix"], "10.10.1.0/30"),
    expect: path_("failover-drill:testNetwork.subnets[0].prefix"),
  },
  {
    name: "subnets overlap",
    config: set("testNetwork", ["subnets", 1, "prefix"], "10.10.1.128/25"),
    expect: path_("failover-drill:testNetwork.subnets[1].prefix"),
  },
  {
    name: "subnet named GatewaySubnet",
    config: set("testNetwork", ["subnets", 0, "name"], "GatewaySubnet"),
    expect: path_("failover-drill:testNetwork.subnets[0].name"),
  },
  {
    name: "subnet prefix a number (wrong type)",
    config: set("testNetwork", ["subnets", 0, "prefix"], 24),
    expect: path_("failover-drill:testNetwork.subnets[0].prefix"),
  },
  {
    name: "testNetwork.vnetName missing",
    config: (c) => void delete c[K("testNetwork")].vnetName,
    expect: path_("failover-drill:testNetwork.vnetName"),
  },
  {
    name: "testNetwork.vnetName unicode",
    config: set("testNetwork", ["vnetName"], "тест-vnet"),
    expect: path_("failover-drill:testNetwork.vnetName"),
  },
  {
    name: "allowList open to the Internet",
    config: set("testNetwork", ["allowList", 0, "remoteAddress"], "0.0.0.0/0"),
    expect: path_("failover-drill:testNetwork.allowList[0].remoteAddress"),
  },
  {
    name: "allowList remote address 300.1.1.1",
    config: set("testNetwork", ["allowList", 0, "remoteAddress"], "300.1.1.1"),
    expect: path_("failover-drill:testNetwork.allowList[0].remoteAddress"),
  },
  {
    name: "allowList ports not a port",
    config: set("testNetwork", ["allowList", 0, "ports"], "rdp"),
    expect: path_("failover-drill:testNetwork.allowList[0].ports"),
  },
  {
    name: "allowList priority at the deny rules",
    config: set("testNetwork", ["allowList", 0, "priority"], 4000),
    expect: path_("failover-drill:testNetwork.allowList[0].priority"),
  },
  {
    name: "production recovery network as the test network",
    config: (c) => {
      delete c[K("testNetwork")].resourceGroup;
      c[K("testNetwork")].existingResourceGroup = "contoso-network";
      c[K("testNetwork")].vnetName = "contoso-recovery-vnet";
    },
    expect: /failover-drill:testNetwork[^\n]*(production|recovery network|contoso-recovery-vnet)/i,
  },
  // directory copy, storage, expected, notes, timeouts
  {
    name: "directoryCopy testIp not an address",
    config: set("directoryCopy", ["items", 0, "testIp"], "10.10.1.300"),
    expect: path_("failover-drill:directoryCopy.items[0].testIp"),
  },
  {
    name: "directoryCopy testIp outside its subnet says it becomes the DNS server (issue 16)",
    config: set("directoryCopy", ["items", 0, "testIp"], "10.10.3.4"),
    expect:
      /failover-drill:directoryCopy\.items\[0\]\.testIp: "10\.10\.3\.4" cannot be used in subnet snet-identity 10\.10\.1\.0\/24: .*It becomes the test network's DNS server/,
  },
  {
    name: "directoryCopy subnet unknown",
    config: set("directoryCopy", ["subnet"], "snet-nope"),
    expect: path_("failover-drill:directoryCopy.subnet"),
  },
  {
    name: "storage.accountNamePrefix with capitals",
    config: set("storage", ["accountNamePrefix"], "Contoso_Drill"),
    expect: path_("failover-drill:storage.accountNamePrefix"),
  },
  {
    name: "storage.container with underscore",
    config: set("storage", ["container"], "Drill_Evidence"),
    expect: path_("failover-drill:storage.container"),
  },
  { name: "expected nicCount 9", config: set("expected", [0, "nicCount"], 9), expect: path_("failover-drill:expected[0].nicCount") },
  {
    name: "expected size not an Azure size",
    config: set("expected", [0, "size"], "D2s_v3"),
    expect: path_("failover-drill:expected[0].size"),
  },
  { name: "expected ip not an address", config: set("expected", [1, "ip"], "10.10.2.999"), expect: path_("failover-drill:expected[1].ip") },
  {
    name: "expectedRules pattern matching no VM of the drill",
    config: set("expectedRules", [], [{ match: "ZZZ*", nicCount: 1 }]),
    expect: /failover-drill:expectedRules\[0\]\.match: "ZZZ\*" matches no VM of this drill/,
  },
  {
    name: "expectedRules with a per-VM ip",
    config: set("expectedRules", [], [{ match: "APP*", ip: "10.10.2.10" }]),
    expect: path_("failover-drill:expectedRules[0].ip"),
  },
  {
    name: "expectedFile that does not exist",
    config: set("expectedFile", [], "no-such-expected.yaml"),
    expect: /failover-drill:expectedFile: "no-such-expected\.yaml" cannot be read/,
  },
  {
    name: "expected item not in the drill",
    config: (c) => void c[K("expected")].push({ friendlyName: "ZZZ01" }),
    expect: /failover-drill:expected\[4\]\.friendlyName.*ZZZ01.*not an item of this drill/,
  },
  {
    name: "notes over 1024 characters say their length (issue 16)",
    config: set("notes", [], "n".repeat(1025)),
    expect: /failover-drill:notes: "n+\.\.\. is 1025 characters long; .*at most 1024/,
  },
  { name: "rtoTargetMinutes not a number", config: set("rtoTargetMinutes", [], "soon"), expect: path_("failover-drill:rtoTargetMinutes") },
  {
    name: "timeouts.testFailoverMinutes 0",
    config: set("timeouts", ["testFailoverMinutes"], 0),
    expect: path_("failover-drill:timeouts.testFailoverMinutes"),
  },
  // fixtures the policy gate must refuse
  { name: "unicode recovery VM name (policy gate)", route: "gate", config: only([UNICODE_VM_ITEM]), expect: /\[mandatory\] vm-name-valid/ },
  // The SSE rule is advisory by default (today's support matrix lists SSE as supported); the seed's legacy
  // profile makes it mandatory again.
  {
    name: "SSE replication storage with managed disks, FILE01, legacy SSE profile (policy gate)",
    route: "gate",
    policyPackConfig: "policy/config/legacy-sse.json",
    config: only(["FILE01"]),
    expect: /managed-disks-blocked-by-sse-replication-storage/,
  },
  // issue 16: the same VM twice under two spellings, found after resolution (by protected-item id)
  {
    name: "APP01 by friendly name and by full id (issue 16)",
    config: (c, estate) =>
      void (c[K("scope")] = { items: [{ friendlyName: "APP01" }, byId(estate, "APP01")], recoveryPointType: "LatestProcessed" }),
    expect:
      /failover-drill:scope\.items\[1\]: "APP01" is the same protected item as failover-drill:scope\.items\[0\] \(APP01, \/[^)]+\); list each item once/,
  },
  {
    name: "the DC copy by id and in the application scope by name (issue 16)",
    config: (c, estate) => {
      c[K("scope")] = { items: [{ friendlyName: "APP01" }, { friendlyName: "DC01" }], recoveryPointType: "LatestProcessed" };
      c[K("directoryCopy")].items = [{ ...byId(estate, "DC01"), testIp: "10.10.1.4" }];
    },
    expect:
      /failover-drill:directoryCopy\.items\[0\]: "DC01" is the same protected item as failover-drill:scope\.items\[1\] \(DC01, [^)]+\), in the application scope/,
  },
  {
    name: "scope.allowUnhealthy naming no item of the drill (issue 16)",
    config: set("scope", ["allowUnhealthy"], ["APP99"]),
    expect: /failover-drill:scope\.allowUnhealthy\[0\]: "APP99" is not an item of this drill/,
  },
  // issue 16: estate facts the policy gate refuses at preview, before anything is written
  {
    name: "an unhealthy item (policy gate, issue 16)",
    route: "gate",
    config: only([UNHEALTHY_ITEM]),
    expect: new RegExp(
      `\\[mandatory\\] item-healthy: [\\s\\S]*?item "${UNHEALTHY_ITEM}": has 1 critical health error: 161003 \\(Error\\): Target network settings are not configured[^\\n]*Recommended action: Configure the target network settings`,
    ),
  },
  {
    name: "an item in someone else's test failover (policy gate, issue 16)",
    route: "gate",
    config: only([BUSY_ITEM]),
    expect: new RegExp(
      `\\[mandatory\\] item-not-in-test-failover: [\\s\\S]*?item "${BUSY_ITEM}": is in a test failover that waits for its cleanup: job \\S+ \\(TestFailover, Succeeded, started [^,]+, into [^)]*contoso-hub-vnet`,
    ),
  },
  {
    name: "an item whose allowedOperations lack TestFailover (policy gate, issue 16)",
    route: "gate",
    config: only([NOT_ALLOWED_ITEM]),
    expect: new RegExp(
      `\\[mandatory\\] item-allows-test-failover: [\\s\\S]*?item "${NOT_ALLOWED_ITEM}": allowedOperations \\["DisableProtection"\\] does not hold TestFailover`,
    ),
  },
  {
    name: "a recovery IP another drill VM expects (policy gate, issue 16)",
    route: "gate",
    config: (c) => {
      only(["APP01", IP_TAKER_ITEM])(c);
    },
    expect: new RegExp(
      `\\[mandatory\\] test-ip-unique-across-drill: [\\s\\S]*?test IP 10\\.10\\.3\\.10 is wanted by more than one VM of the drill[^\\n]*"${IP_TAKER_ITEM}"[^\\n]*recovery IP`,
    ),
  },
  // endpoint and credential
  { name: "unreachable ARM endpoint", env: { FAILOVER_DRILL_ARM_ENDPOINT: "http://127.0.0.1:9" }, expect: /ECONNREFUSED|127\.0\.0\.1:9/ },
  {
    name: "bad credential",
    env: { FAILOVER_DRILL_ARM_TOKEN: "not-the-token", FAILOVER_DRILL_TWIN_TOKEN: "not-the-token" },
    expect: /401|InvalidAuthenticationToken|AuthenticationFailed/,
  },
  {
    name: "plain-http endpoint that is not a twin",
    config: set("arm", [], { credentialMode: "default", endpoint: "http://management.example.com" }),
    env: { FAILOVER_DRILL_ARM_ENDPOINT: "" },
    expect: /failover-drill:arm[^\n]*https/i,
  },
];
