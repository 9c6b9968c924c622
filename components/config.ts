// The drill's configuration: one zod schema for everything under the `failover-drill:*` stack config
// namespace, plus the cross-field checks zod cannot express per field. Pure: no Pulumi imports, so a CLI,
// the policy pack and the tests can use it as is (index.ts hands `readRawDrillConfig` a getter over
// pulumi.Config). It turns a plain object into a typed DrillConfig or one error that lists every problem,
// each as `failover-drill:<path>: <bad value as JSON> <expectation>`.

import { z } from "zod";
import {
  cidrContainsCidr,
  cidrsOverlap,
  DEFAULT_IN_GUEST_CONCURRENCY,
  DEFAULT_POLL_INTERVAL_SECONDS,
  parseCidr,
  parseIpv4,
  staticIpProblem,
} from "./contract";
import { assignNsgPriorities, NSG_DENY_INTERNET_PRIORITY } from "./nsgRules";
import { CLOUD_NAMES, cloudNamed, DEFAULT_CLOUD, type CloudName } from "./clouds";
import { BASTION_SKUS, bastionAccessProblems } from "./bastionAccess";

export const CONFIG_NAMESPACE = "failover-drill";
/** Overrides `failover-drill:arm.endpoint` (the drill runner points the program at an endpoint it started). */
export const ARM_ENDPOINT_ENV = "FAILOVER_DRILL_ARM_ENDPOINT";
/** The public cloud's Resource Manager (components/clouds.ts holds every cloud's). */
export const AZURE_ARM_ENDPOINT = cloudNamed(DEFAULT_CLOUD).resourceManagerEndpoint;
/** A recovery plan holds at most 100 protected items (seed rule). */
export const MAX_RECOVERY_PLAN_ITEMS = 100;
export const MAX_NOTES_LENGTH = 1024;

/** How each top-level key is stored in stack config: structured values are JSON, scalars plain text. */
export const CONFIG_KEYS = {
  vault: "object",
  arm: "objectOrString",
  location: "string",
  drill: "object",
  scope: "object",
  testNetwork: "object",
  directoryCopy: "object",
  storage: "object",
  evidence: "object",
  expected: "object",
  expectedRules: "object",
  expectedFile: "string",
  rtoTargetMinutes: "number",
  notes: "string",
  timeouts: "object",
  kekCertificatePfx: "string",
} as const;
export type ConfigKey = keyof typeof CONFIG_KEYS;

/**
 * Keys whose value is a secret: stored with `pulumi config set --secret`, never echoed in a config error
 * (the problem shows "[secret]" instead of the value) and carried as a Pulumi secret into state.
 */
export const SECRET_CONFIG_KEYS: readonly ConfigKey[] = ["kekCertificatePfx"];

// The certificate file's bytes in base 64 ("Primary KEK certificate PFX in Base-64 encoded form",
// azure-powershell's HyperVReplicaAzure failover input; its cmdlets send Convert.ToBase64String(File.ReadAllBytes(...))).
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

// ---------------------------------------------------------------------------------------------------
// Field schemas. Every custom message is an expectation phrase; the formatter puts the path and the bad
// value in front of it.

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Resource group: 1-90 chars of letters, digits, underscores, hyphens, periods, parentheses; not ending in a period.
const RESOURCE_GROUP = /^[-\w.()]{0,89}[-\w()]$/;
// Recovery Services vault: 2-50 chars, letters, digits and hyphens, starting with a letter.
const VAULT_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,49}$/;
// Virtual network and subnet names: 1-80 chars, start with a letter or digit, end with a letter, digit or
// underscore; letters, digits, underscores, periods and hyphens.
const NETWORK_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9_.-]{0,78}[a-zA-Z0-9_])?$/;
const LOCATION = /^[a-z][a-z0-9]{1,39}$/;
const DRILL_ID = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const STORAGE_PREFIX = /^[a-z0-9]{3,16}$/;
// Blob container: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.
const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;
const VM_SIZE = /^(Standard|Basic)_[A-Za-z0-9_]+$/;
const NSG_RULE_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9_.-]{0,78}[a-zA-Z0-9_])?$/;
const PORTS = /^(\*|\d{1,5}(-\d{1,5})?)$/;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function isLoopbackUrl(value: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(value).hostname);
  } catch {
    return false;
  }
}

const text = (re: RegExp, expectation: string) => z.string().regex(re, { error: expectation });
const nonEmpty = (expectation: string) => z.string().trim().min(1, { error: expectation });
const wholeMinutes = (max: number) =>
  z
    .number()
    .int({ error: "is not a whole number of minutes" })
    .min(1, { error: "must be at least 1 minute" })
    .max(max, { error: `must be at most ${max} minutes` });

const recoveryPointType = z.enum(["Latest", "LatestApplicationConsistent", "LatestProcessed"]);

const vaultSchema = z.strictObject({
  subscriptionId: text(GUID, "is not a subscription id (a GUID)"),
  resourceGroup: text(RESOURCE_GROUP, "is not a resource group name (1-90 letters, digits, _ - . ( ), not ending in a period)"),
  name: text(VAULT_NAME, "is not a Recovery Services vault name (2-50 letters, digits and hyphens, starting with a letter)"),
});

// `failover-drill:arm` may also be a bare endpoint URL (then with the default credential mode).
// Credential modes:
// - `default`: DefaultAzureCredential, tokens for the cloud's Resource Manager scope; https only.
// - `staticToken`: a bearer token read at request time from the environment variable `tokenVariable`
//   (never from config, never stored in state); only to a loopback endpoint, http or https, so the token
//   cannot leave the machine. Made for local stand-ins of ARM (the Azure twin is one).
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const armSchema = z.preprocess(
  (v) => (typeof v === "string" ? { endpoint: v } : v),
  z.strictObject({
    credentialMode: z.enum(["default", "staticToken"]).default("default"),
    endpoint: z.string().optional(),
    cloud: z.enum(CLOUD_NAMES).default(DEFAULT_CLOUD),
    tokenVariable: text(ENV_VAR_NAME, "is not an environment variable name (letters, digits and _, not starting with a digit)").optional(),
  }),
);

const drillSchema = z.strictObject({
  id: text(DRILL_ID, "is not a drill id (1-32 lowercase letters, digits and hyphens, starting and ending with a letter or digit)"),
  owner: nonEmpty("must name the drill owner (a person or team)").max(256, { error: "must be at most 256 characters" }),
  expiry: z.string().refine((s) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(s) && !Number.isNaN(Date.parse(s)), {
    error: "is not an ISO 8601 date (e.g. 2025-06-30 or 2025-06-30T18:00:00Z)",
  }),
});

/** A protected item: by friendly name, or by fabric/container/name (the name is the VM GUID for Hyper-V). */
const itemRefShape = {
  friendlyName: nonEmpty("must be the protected item's friendly name (the VM name)").optional(),
  fabricName: nonEmpty("must be a replication fabric name").optional(),
  protectionContainerName: nonEmpty("must be a protection container name").optional(),
  name: nonEmpty("must be the replicated protected item name").optional(),
};
const itemRefSchema = z.strictObject(itemRefShape);
export type ItemRefConfig = z.infer<typeof itemRefSchema>;

const scopeSchema = z.strictObject({
  recoveryPlan: nonEmpty("must be a recovery plan name").optional(),
  /**
   * Several recovery plans in one drill (a service spread over plans, each ≤ 100 items): one test
   * failover per plan, all started after the directory copy, in parallel as the engine runs them.
   */
  recoveryPlans: z.array(nonEmpty("must be a recovery plan name")).min(1, { error: "must list at least one recovery plan" }).optional(),
  items: z.array(itemRefSchema).optional(),
  recoveryPointType: recoveryPointType.default("LatestProcessed"),
  /**
   * Friendly names of items whose critical health errors the drill accepts (the policy gate refuses an
   * unhealthy item otherwise): for a drill that is meant to show what a broken item does.
   */
  allowUnhealthy: z.array(nonEmpty("must be the friendly name of an item of this drill")).default([]),
});

const subnetSchema = z.strictObject({
  name: text(NETWORK_NAME, "is not a subnet name (1-80 letters, digits, _ . -, starting with a letter or digit)"),
  prefix: z.string(),
});

const allowRuleSchema = z.strictObject({
  name: text(NSG_RULE_NAME, "is not a security rule name (1-80 letters, digits, _ . -)"),
  direction: z.enum(["Inbound", "Outbound"]),
  protocol: z.enum(["Tcp", "Udp", "Icmp", "*"]).default("Tcp"),
  /** The remote side: an IPv4 address or CIDR outside the test network, or a service tag. */
  remoteAddress: nonEmpty("must be an IPv4 address, CIDR or service tag"),
  ports: z.string().regex(PORTS, { error: 'is not a port or port range ("443", "1000-2000" or "*")' }).default("*"),
  priority: z
    .number()
    .int({ error: "is not a whole number" })
    .min(100, { error: "must be between 100 and 3999 (the Internet deny rules sit at 4000)" })
    .max(NSG_DENY_INTERNET_PRIORITY - 1, { error: "must be between 100 and 3999 (the Internet deny rules sit at 4000)" })
    .optional(),
});
export type AllowRuleConfig = z.infer<typeof allowRuleSchema>;

const testNetworkSchema = z.strictObject({
  /**
   * The subscription the test network (and the drill storage beside it) goes to, when it is not the vault's:
   * the subscription the items fail over to. Its resources get their own azure-native provider; the items
   * are still read and test-failed-over through the vault's.
   */
  subscriptionId: text(GUID, "is not a subscription id (a GUID)").optional(),
  /** A resource group the drill creates (and deletes on destroy). */
  resourceGroup: text(RESOURCE_GROUP, "is not a resource group name (1-90 letters, digits, _ - . ( ))").optional(),
  /** Or an existing resource group the drill only uses. */
  existingResourceGroup: text(RESOURCE_GROUP, "is not a resource group name (1-90 letters, digits, _ - . ( ))").optional(),
  vnetName: text(NETWORK_NAME, "is not a virtual network name (1-80 letters, digits, _ . -, starting with a letter or digit)"),
  addressSpace: z.preprocess(
    (v) => (typeof v === "string" ? [v] : v),
    z.array(z.string()).min(1, { error: "must list at least one IPv4 CIDR" }),
  ),
  subnets: z.array(subnetSchema).min(1, { error: "must list at least one subnet, named as in production" }),
  allowList: z.array(allowRuleSchema).default([]),
  /** How people reach the test VMs (default: no way in). Only Azure Bastion keeps the network isolated. */
  access: z
    .strictObject({
      bastion: z
        .strictObject({
          sku: z.enum(BASTION_SKUS),
          /** The AzureBastionSubnet (/26 or larger); default: the first free /26 of addressSpace. */
          subnetPrefix: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
});

const dcItemSchema = z.strictObject({
  ...itemRefShape,
  testIp: z.string(),
});

const directoryCopySchema = z.strictObject({
  items: z.array(dcItemSchema).min(1, { error: "must list the domain controller / DNS item(s) to copy" }),
  subnet: nonEmpty("must name the test subnet the domain controller copy joins"),
  recoveryPointType: recoveryPointType.default("LatestApplicationConsistent"),
});

const storageSchema = z.strictObject({
  accountNamePrefix: text(
    STORAGE_PREFIX,
    "is not a storage account name prefix (3-16 lowercase letters and digits; 8 random characters are appended)",
  ),
  container: text(CONTAINER_NAME, "is not a blob container name (3-63 lowercase letters, digits and single hyphens)").default(
    "drill-evidence",
  ),
});

// ---- evidence: the retained evidence store and what the drill report says about the service -------------
// An existing storage account the drill never creates or deletes (the drill's own storage above is for
// diagnostics and goes with `pulumi destroy`), the service the drill proves, and the RPO target and
// trend settings only the report uses (rtoTargetMinutes stays top-level: the provider checks it too).
const STORAGE_ACCOUNT_ID =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.Storage\/storageAccounts\/[a-z0-9]{3,24}$/i;

const evidenceSchema = z.strictObject({
  storageAccountId: text(
    STORAGE_ACCOUNT_ID,
    "is not a storage account id (/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/<3-24 lowercase letters and digits>)",
  ),
  container: text(CONTAINER_NAME, "is not a blob container name (3-63 lowercase letters, digits and single hyphens)").default(
    "drill-evidence",
  ),
  /** The business service the drill proves, and its tier, as the auditor's register names them. */
  businessService: nonEmpty("must name the business service the drill proves")
    .max(256, { error: "must be at most 256 characters" })
    .optional(),
  tier: nonEmpty("must name the service tier (e.g. tier-1)").max(64, { error: "must be at most 64 characters" }).optional(),
  rpoTargetMinutes: wholeMinutes(7 * 24 * 60).optional(),
  /** What is deliberately not tested, with why: listed in the report's scope. */
  exclusions: z
    .array(
      z.strictObject({
        item: nonEmpty("must name the excluded item or system"),
        reason: nonEmpty("must say why it is not part of the drill"),
      }),
    )
    .default([]),
  trend: z
    .strictObject({
      drills: z
        .number()
        .int({ error: "is not a whole number" })
        .min(1, { error: "must be between 1 and 50" })
        .max(50, { error: "must be between 1 and 50" })
        .default(8),
      regressionMarginPercent: z
        .number()
        .min(0, { error: "must be between 0 and 1000" })
        .max(1000, { error: "must be between 0 and 1000" })
        .default(25),
    })
    .default({ drills: 8, regressionMarginPercent: 25 }),
});
export type EvidenceConfig = z.infer<typeof evidenceSchema>;

const inGuestCheckSchema = z.strictObject({
  name: nonEmpty("must name the check"),
  commandId: z.enum(["RunPowerShellScript", "RunShellScript"]),
  script: z.array(z.string()).min(1, { error: "must hold at least one script line" }),
  expectOutputContains: nonEmpty("must be the text the command output must contain"),
});

const expectedSchema = z.strictObject({
  friendlyName: nonEmpty("must be the protected item's friendly name"),
  size: text(VM_SIZE, 'is not an Azure VM size (e.g. "Standard_D2s_v3")').optional(),
  ip: z.string().optional(),
  nicCount: z
    .number()
    .int({ error: "is not a whole number" })
    .min(1, { error: "must be between 1 and 8" })
    .max(8, { error: "must be between 1 and 8" })
    .optional(),
  inGuestChecks: z.array(inGuestCheckSchema).optional(),
});

/**
 * Expectations for every VM whose friendly name matches `match` (`*` any run of characters, `?` one;
 * case-insensitive): how a 1,000-VM drill expects the same in-guest check of every VM without a
 * 1,000-entry list in stack config. No `ip`: an address is per VM (the provider already checks each test
 * VM against its item's replication settings).
 */
const expectedRuleSchema = z.strictObject({
  match: nonEmpty('must be a friendly-name pattern ("*" any characters, "?" one), e.g. "APP*"'),
  size: text(VM_SIZE, 'is not an Azure VM size (e.g. "Standard_D2s_v3")').optional(),
  nicCount: z
    .number()
    .int({ error: "is not a whole number" })
    .min(1, { error: "must be between 1 and 8" })
    .max(8, { error: "must be between 1 and 8" })
    .optional(),
  inGuestChecks: z.array(inGuestCheckSchema).optional(),
});
export type ExpectedRuleConfig = z.infer<typeof expectedRuleSchema>;

/** The `expected` list alone: what an `expectedFile` holds, validated by the same schema as `expected`. */
export const expectedListSchema = z.array(expectedSchema);

const timeoutsSchema = z.strictObject({
  testFailoverMinutes: wholeMinutes(24 * 60).default(120),
  cleanupMinutes: wholeMinutes(24 * 60).default(60),
  // Fractions are allowed: the drill runner sets 30 s ÷ speed for a local endpoint on a faster clock.
  pollIntervalSeconds: z
    .number()
    .min(0.01, { error: "must be at least 0.01 seconds" })
    .max(600, { error: "must be at most 600 seconds (ASR asks for 30)" })
    .default(DEFAULT_POLL_INTERVAL_SECONDS),
  inGuestConcurrency: z
    .number()
    .int({ error: "is not a whole number of test VMs" })
    .min(1, { error: "must be at least 1 (test VMs whose in-guest checks run at once)" })
    .max(100, { error: "must be at most 100 (a recovery plan's maximum of items)" })
    .default(DEFAULT_IN_GUEST_CONCURRENCY),
});

const drillConfigSchema = z.strictObject({
  vault: vaultSchema,
  arm: armSchema.default({ credentialMode: "default", cloud: DEFAULT_CLOUD }),
  location: text(LOCATION, 'is not an Azure location name (lowercase, e.g. "westeurope")'),
  drill: drillSchema,
  scope: scopeSchema,
  testNetwork: testNetworkSchema,
  directoryCopy: directoryCopySchema.optional(),
  storage: storageSchema,
  evidence: evidenceSchema.optional(),
  expected: z.array(expectedSchema).default([]),
  expectedRules: z.array(expectedRuleSchema).default([]),
  /**
   * A JSON or YAML file (path relative to the Pulumi project directory) holding more `expected` entries:
   * stack config travels to the program in one environment variable of at most 128 KiB, a file does not.
   */
  expectedFile: nonEmpty("must be the path of a JSON or YAML file holding a list of expected results").optional(),
  rtoTargetMinutes: wholeMinutes(7 * 24 * 60).optional(),
  notes: z
    .string()
    .max(MAX_NOTES_LENGTH, {
      error: (issue) =>
        `is ${typeof issue.input === "string" ? issue.input.length : "more than " + MAX_NOTES_LENGTH} characters long; the notes become the test failover cleanup comments, which hold at most ${MAX_NOTES_LENGTH}`,
    })
    .default(""),
  timeouts: timeoutsSchema.default({
    testFailoverMinutes: 120,
    cleanupMinutes: 60,
    pollIntervalSeconds: DEFAULT_POLL_INTERVAL_SECONDS,
    inGuestConcurrency: DEFAULT_IN_GUEST_CONCURRENCY,
  }),
  /**
   * The key-encryption-key certificate (PFX, base 64) that items replicated with data encryption need at
   * failover: sent as primaryKekCertificatePfx for exactly those items. A secret.
   */
  kekCertificatePfx: z
    .string()
    .min(1, { error: "is empty; give the KEK certificate's PFX file in base 64, or remove the key" })
    .regex(BASE64, { error: "is not base 64; give the KEK certificate's PFX file in base 64 (e.g. `base64 -w0 kek.pfx`)" })
    .optional(),
});

type ParsedConfig = z.infer<typeof drillConfigSchema>;

export interface ResolvedArm {
  endpoint: string;
  credentialMode: "default" | "staticToken";
  cloud: CloudName;
  /** staticToken only: the environment variable the bearer token is read from. */
  tokenVariable?: string;
}

export type DrillConfig = Omit<ParsedConfig, "arm"> & { arm: ResolvedArm };
export type DirectoryCopyConfig = NonNullable<DrillConfig["directoryCopy"]>;
export type TestNetworkConfig = DrillConfig["testNetwork"];
export type BastionAccessConfig = NonNullable<NonNullable<TestNetworkConfig["access"]>["bastion"]>;

// ---------------------------------------------------------------------------------------------------
// Problem formatting.

export type ConfigPath = (string | number)[];

export function formatPath(path: ConfigPath): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return `${CONFIG_NAMESPACE}:${out}`;
}

function showValue(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) return String(value);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

/** One problem: `failover-drill:<path>: <value as JSON> <expectation>`. */
export function problem(path: ConfigPath, value: unknown, expectation: string): string {
  if (value === undefined) return `${formatPath(path)}: missing, ${expectation}`;
  if ((SECRET_CONFIG_KEYS as readonly unknown[]).includes(path[0])) return `${formatPath(path)}: [secret] ${expectation}`;
  return `${formatPath(path)}: ${showValue(value)} ${expectation}`;
}

export class DrillConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `The drill configuration has ${problems.length} problem${problems.length === 1 ? "" : "s"} ` +
        `(fix them in Pulumi.<stack>.yaml):\n  - ${problems.join("\n  - ")}`,
    );
    this.name = "DrillConfigError";
  }
}

function valueAt(root: unknown, path: ConfigPath): unknown {
  let cur: unknown = root;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[part];
  }
  return cur;
}

const ARTICLE: Record<string, string> = {
  object: "an object",
  array: "an array",
  string: "a string",
  number: "a number",
  boolean: "a boolean (true or false)",
};

function zodIssueProblems(issue: z.core.$ZodIssue, raw: unknown): string[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  const value = valueAt(raw, path);
  switch (issue.code) {
    case "invalid_type": {
      const expected = ARTICLE[issue.expected];
      // z.number().int() reports a fraction as invalid_type "int" with our own message.
      if (expected === undefined) return [problem(path, value, issue.message)];
      return [value === undefined ? problem(path, undefined, `expected ${expected}`) : problem(path, value, `is not ${expected}`)];
    }
    case "invalid_value":
      return [problem(path, value, `is not one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`)];
    case "unrecognized_keys":
      return issue.keys.map((key) => problem([...path, key], valueAt(raw, [...path, key]), "is not a known key (check its spelling)"));
    default:
      return [problem(path, value, issue.message)];
  }
}

// ---------------------------------------------------------------------------------------------------
// Cross-field checks. They run on the raw input, defensively, so that every problem is reported even
// when some fields are malformed (a check whose inputs do not parse is skipped: zod reported those).

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Rec) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** A key that identifies an item reference: its fabric/container/name when given, else its friendly name. */
export function itemRefKeys(ref: ItemRefConfig): string[] {
  const keys: string[] = [];
  if (ref.fabricName && ref.protectionContainerName && ref.name) {
    keys.push(`id:${ref.fabricName}/${ref.protectionContainerName}/${ref.name}`.toLowerCase());
  }
  if (ref.friendlyName) keys.push(`fn:${ref.friendlyName}`.toLowerCase());
  return keys;
}

function itemRefProblems(ref: Rec, path: ConfigPath): string[] {
  const idParts = ["fabricName", "protectionContainerName", "name"].filter((k) => ref[k] !== undefined);
  if (idParts.length > 0 && idParts.length < 3) {
    return [problem(path, ref, "must give all of fabricName, protectionContainerName and name, or none of them")];
  }
  if (idParts.length === 0 && ref.friendlyName === undefined) {
    return [problem(path, ref, "must name a protected item by friendlyName or by fabricName/protectionContainerName/name")];
  }
  return [];
}

function asItemRef(v: unknown): ItemRefConfig {
  const r = rec(v) ?? {};
  return {
    friendlyName: str(r.friendlyName),
    fabricName: str(r.fabricName),
    protectionContainerName: str(r.protectionContainerName),
    name: str(r.name),
  };
}

/** Every cross-field problem of a raw config, section by section (each function reads only what it needs). */
export function crossFieldProblems(raw: unknown): string[] {
  const root = rec(raw) ?? {};
  const scope = rec(root.scope);
  const tn = rec(root.testNetwork);
  const dc = rec(root.directoryCopy);
  const network = tn ? testNetworkProblems(tn) : { problems: [], subnetPrefixes: new Map<string, string>() };
  return [
    ...(scope ? scopeProblems(scope) : []),
    ...network.problems,
    ...(dc ? directoryCopyProblems(dc, tn, scope, network.subnetPrefixes) : []),
    ...expectedProblems(arr(root.expected), dc, network.subnetPrefixes),
  ];
}

/** Scope: exactly one of a recovery plan, a list of plans or a list of items, at least one item, none repeated. */
function scopeProblems(scope: Rec): string[] {
  const problems: string[] = [];
  const set = (["recoveryPlan", "recoveryPlans", "items"] as const).filter((k) => scope[k] !== undefined);
  const hasItems = scope.items !== undefined;
  if (set.length > 1) {
    const shown = Object.fromEntries(set.map((k) => [k, k === "items" ? "..." : scope[k]]));
    const which = set.length === 2 ? `both ${set[0]} and ${set[1]}` : `${set.slice(0, -1).join(", ")} and ${set[set.length - 1]}`;
    problems.push(problem(["scope"], shown, `sets ${which}; only one of recoveryPlan, recoveryPlans and items may be set`));
  }
  if (set.length === 0)
    problems.push(
      problem(["scope"], scope, "must set recoveryPlan (one recovery plan), recoveryPlans (several) or items (protected items)"),
    );
  const planNames = new Map<string, number>();
  arr(scope.recoveryPlans).forEach((name, i) => {
    if (typeof name !== "string") return;
    const key = name.toLowerCase();
    if (planNames.has(key))
      problems.push(problem(["scope", "recoveryPlans", i], name, `repeats scope.recoveryPlans[${planNames.get(key)}]`));
    else planNames.set(key, i);
  });
  if (hasItems && Array.isArray(scope.items) && scope.items.length === 0)
    problems.push(problem(["scope", "items"], scope.items, "must list at least one protected item"));
  arr(scope.items).forEach((item, i) => {
    const r = rec(item);
    if (r) problems.push(...itemRefProblems(r, ["scope", "items", i]));
  });
  const seen = new Map<string, number>();
  arr(scope.items).forEach((item, i) => {
    for (const key of itemRefKeys(asItemRef(item))) {
      if (seen.has(key)) problems.push(problem(["scope", "items", i], item, `repeats scope.items[${seen.get(key)}]`));
      else seen.set(key, i);
    }
  });
  return problems;
}

/** Test network: one resource group, address space and subnets that parse, nest and do not overlap, a sane allow-list. */
function testNetworkProblems(tn: Rec): { problems: string[]; subnetPrefixes: Map<string, string> } {
  const problems: string[] = [];
  const subnetPrefixes = new Map<string, string>();
  const subnetCidrs: ReturnType<typeof parseCidr>[] = [];
  if (tn.resourceGroup !== undefined && tn.existingResourceGroup !== undefined) {
    problems.push(
      problem(
        ["testNetwork"],
        { resourceGroup: tn.resourceGroup, existingResourceGroup: tn.existingResourceGroup },
        "sets both resourceGroup and existingResourceGroup; only one of them may be set",
      ),
    );
  }
  if (tn.resourceGroup === undefined && tn.existingResourceGroup === undefined) {
    problems.push(
      problem(["testNetwork", "resourceGroup"], undefined, "expected the test network's resource group (or existingResourceGroup)"),
    );
  }
  const space = typeof tn.addressSpace === "string" ? [tn.addressSpace] : arr(tn.addressSpace);
  const spaceCidrs = space.map((s, i) => {
    const c = typeof s === "string" ? parseCidr(s) : undefined;
    const p: ConfigPath = typeof tn.addressSpace === "string" ? ["testNetwork", "addressSpace"] : ["testNetwork", "addressSpace", i];
    if (!c) problems.push(problem(p, s, 'is not an IPv4 CIDR (network address/prefix length, e.g. "10.10.0.0/16")'));
    return c;
  });
  spaceCidrs.forEach((a, i) => {
    spaceCidrs.forEach((b, j) => {
      if (a && b && j > i && cidrsOverlap(a, b))
        problems.push(problem(["testNetwork", "addressSpace", j], b.text, `overlaps testNetwork.addressSpace[${i}] ${a.text}`));
    });
  });
  const names = new Map<string, number>();
  arr(tn.subnets).forEach((s, i) => {
    const r = rec(s);
    if (!r) return;
    const name = str(r.name);
    if (name !== undefined) {
      const lower = name.toLowerCase();
      if (names.has(lower))
        problems.push(problem(["testNetwork", "subnets", i, "name"], name, `repeats testNetwork.subnets[${names.get(lower)}].name`));
      else names.set(lower, i);
      if (lower === "gatewaysubnet")
        problems.push(
          problem(["testNetwork", "subnets", i, "name"], name, "is a gateway subnet; the isolated test network has no gateway"),
        );
    }
    if (r.prefix === undefined) return;
    const c = typeof r.prefix === "string" ? parseCidr(r.prefix) : undefined;
    subnetCidrs[i] = c;
    if (!c) {
      problems.push(problem(["testNetwork", "subnets", i, "prefix"], r.prefix, "is not an IPv4 CIDR"));
      return;
    }
    if (name !== undefined) subnetPrefixes.set(name, c.text);
    if (c.prefixLength > 29)
      problems.push(problem(["testNetwork", "subnets", i, "prefix"], r.prefix, "is smaller than /29, the smallest subnet Azure allows"));
    const parsedSpace = spaceCidrs.filter((x): x is NonNullable<typeof x> => x !== undefined);
    if (parsedSpace.length === spaceCidrs.length && parsedSpace.length > 0 && !parsedSpace.some((sp) => cidrContainsCidr(sp, c))) {
      problems.push(
        problem(
          ["testNetwork", "subnets", i, "prefix"],
          r.prefix,
          `is not inside the address space ${parsedSpace.map((x) => x.text).join(", ")}`,
        ),
      );
    }
    subnetCidrs.forEach((other, j) => {
      if (other && j < i && cidrsOverlap(other, c))
        problems.push(
          problem(["testNetwork", "subnets", i, "prefix"], r.prefix, `overlaps testNetwork.subnets[${j}].prefix ${other.text}`),
        );
    });
  });

  problems.push(...allowListProblems(arr(tn.allowList)));
  return { problems, subnetPrefixes };
}

/** Allow-list: never the whole Internet; priorities unique per direction and below the deny rules. */
function allowListProblems(rules: unknown[]): string[] {
  const problems: string[] = [];
  rules.forEach((rule, i) => {
    const r = rec(rule);
    const addr = str(r?.remoteAddress);
    if (addr === undefined) return;
    const whole = ["*", "internet", "any", "0.0.0.0/0"].includes(addr.trim().toLowerCase());
    if (whole)
      problems.push(
        problem(
          ["testNetwork", "allowList", i, "remoteAddress"],
          addr,
          "opens the test network to the whole Internet; allow-list entries must name specific addresses",
        ),
      );
    else if (/^[\d.]+(\/\d+)?$/.test(addr)) {
      const ok = addr.includes("/") ? parseCidr(addr) !== undefined : parseIpv4(addr) !== undefined;
      if (!ok) problems.push(problem(["testNetwork", "allowList", i, "remoteAddress"], addr, "is not an IPv4 address or CIDR"));
    }
  });
  const assigned = assignNsgPriorities(
    rules.map((rule) => {
      const r = rec(rule) ?? {};
      return {
        direction: str(r.direction) === "Outbound" ? "Outbound" : "Inbound",
        priority: typeof r.priority === "number" ? r.priority : undefined,
      };
    }),
  );
  assigned.duplicates.forEach(({ index, other, priority }) =>
    problems.push(
      problem(
        ["testNetwork", "allowList", index, "priority"],
        priority,
        `is already used by testNetwork.allowList[${other}] in the same direction`,
      ),
    ),
  );
  assigned.overflow.forEach(({ index, priority }) =>
    problems.push(
      problem(
        ["testNetwork", "allowList", index],
        rules[index],
        `would get priority ${priority}, at or above the Internet deny rules (${NSG_DENY_INTERNET_PRIORITY}); give fewer rules or explicit priorities`,
      ),
    ),
  );
  return problems;
}

/** Directory copy: its subnet exists, its IPs are usable there (they become the DNS servers) and unique; no DC in scope.items. */
function directoryCopyProblems(dc: Rec, tn: Rec | undefined, scope: Rec | undefined, subnetPrefixes: Map<string, string>): string[] {
  const problems: string[] = [];
  const subnetName = str(dc.subnet);
  const subnetPrefix =
    subnetName === undefined ? undefined : [...subnetPrefixes.entries()].find(([n]) => n.toLowerCase() === subnetName.toLowerCase())?.[1];
  const subnetListed = arr(tn?.subnets).some((s) => str(rec(s)?.name)?.toLowerCase() === subnetName?.toLowerCase());
  if (tn && subnetName !== undefined && !subnetListed) {
    const known = arr(tn.subnets)
      .map((s) => str(rec(s)?.name))
      .filter(Boolean);
    problems.push(problem(["directoryCopy", "subnet"], subnetName, `is not one of the test network's subnets (${known.join(", ")})`));
  }
  const ips = new Map<string, number>();
  const scopeKeys = new Set(arr(scope?.items).flatMap((it) => itemRefKeys(asItemRef(it))));
  arr(dc.items).forEach((item, i) => {
    const r = rec(item);
    if (!r) return;
    problems.push(...itemRefProblems(r, ["directoryCopy", "items", i]));
    const ip = r.testIp;
    if (typeof ip === "string") {
      if (parseIpv4(ip) === undefined) problems.push(problem(["directoryCopy", "items", i, "testIp"], ip, "is not an IPv4 address"));
      else if (subnetPrefix !== undefined) {
        const why = staticIpProblem(subnetPrefix, ip);
        if (why) {
          problems.push(
            problem(
              ["directoryCopy", "items", i, "testIp"],
              ip,
              `cannot be used in subnet ${subnetName} ${subnetPrefix}: ${why}. It becomes the test network's DNS server, so it must be a usable address of directoryCopy.subnet`,
            ),
          );
        }
      }
      if (ips.has(ip))
        problems.push(problem(["directoryCopy", "items", i, "testIp"], ip, `repeats directoryCopy.items[${ips.get(ip)}].testIp`));
      else ips.set(ip, i);
    }
    const overlap = itemRefKeys(asItemRef(r)).find((k) => scopeKeys.has(k));
    if (overlap)
      problems.push(
        problem(
          ["directoryCopy", "items", i],
          r,
          "is also in scope.items; the directory copy is test-failed-over on its own, first, and cleaned up last",
        ),
      );
  });
  return problems;
}

/** Expected results: one per item, IPs usable in some test subnet and equal to the DC copy's testIp for a DC. */
function expectedProblems(expected: unknown[], dc: Rec | undefined, subnetPrefixes: Map<string, string>): string[] {
  const problems: string[] = [];
  const expectedNames = new Map<string, number>();
  expected.forEach((e, i) => {
    const r = rec(e);
    if (!r) return;
    const fn = str(r.friendlyName);
    if (fn !== undefined) {
      if (expectedNames.has(fn.toLowerCase()))
        problems.push(
          problem(["expected", i, "friendlyName"], fn, `repeats expected[${expectedNames.get(fn.toLowerCase())}].friendlyName`),
        );
      else expectedNames.set(fn.toLowerCase(), i);
    }
    const ip = r.ip;
    if (ip === undefined) return;
    if (typeof ip !== "string" || parseIpv4(ip) === undefined) {
      problems.push(problem(["expected", i, "ip"], ip, "is not an IPv4 address"));
      return;
    }
    if (subnetPrefixes.size === 0) return;
    const home = [...subnetPrefixes.entries()].find(([, prefix]) => staticIpProblem(prefix, ip) === undefined);
    if (!home) {
      const why = [...subnetPrefixes.entries()].map(([n, p]) => `${n} ${p}`).join(", ");
      problems.push(
        problem(
          ["expected", i, "ip"],
          ip,
          `is not a usable address in any test subnet (${why}; Azure reserves the first four and the last address)`,
        ),
      );
    }
    const dcItem = arr(dc?.items)
      .map(rec)
      .find((d) => d && str(d.friendlyName)?.toLowerCase() === fn?.toLowerCase());
    if (dcItem && typeof dcItem.testIp === "string" && dcItem.testIp !== ip) {
      problems.push(problem(["expected", i, "ip"], ip, `differs from the directory copy's testIp ${dcItem.testIp} for ${fn}`));
    }
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------------
// Endpoint resolution.

function resolveArm(parsed: ParsedConfig["arm"], env: Record<string, string | undefined>): { arm?: ResolvedArm; problems: string[] } {
  const fromEnv = env[ARM_ENDPOINT_ENV];
  const source = fromEnv ? ` (from ${ARM_ENDPOINT_ENV})` : "";
  const problems: string[] = [];
  const staticToken = parsed.credentialMode === "staticToken";
  if (staticToken && parsed.tokenVariable === undefined) {
    problems.push(
      problem(
        ["arm", "tokenVariable"],
        undefined,
        'expected the name of the environment variable that holds the bearer token (credentialMode "staticToken")',
      ),
    );
  }
  if (!staticToken && parsed.tokenVariable !== undefined) {
    problems.push(
      problem(
        ["arm", "tokenVariable"],
        parsed.tokenVariable,
        'is only used with credentialMode "staticToken"; "default" gets its tokens from DefaultAzureCredential',
      ),
    );
  }
  let endpoint = fromEnv || parsed.endpoint;
  if (!endpoint) {
    if (staticToken) {
      problems.push(
        problem(
          ["arm", "endpoint"],
          undefined,
          `expected the loopback URL of the local ARM endpoint (credentialMode "staticToken"): set arm.endpoint or the ${ARM_ENDPOINT_ENV} environment variable (npm run drill sets it when it starts the local endpoint itself)`,
        ),
      );
      return { problems };
    }
    endpoint = cloudNamed(parsed.cloud).resourceManagerEndpoint;
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { problems: [...problems, problem(["arm", "endpoint"], endpoint, `is not an absolute URL${source}`)] };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { problems: [...problems, problem(["arm", "endpoint"], endpoint, `is not an http(s) URL${source}`)] };
  }
  if (!staticToken && url.protocol !== "https:") {
    problems.push(
      problem(
        ["arm", "endpoint"],
        endpoint,
        `is not https; credentialMode "default" sends Microsoft Entra tokens and needs https${source}`,
      ),
    );
  }
  if (staticToken && !LOOPBACK_HOSTS.has(url.hostname)) {
    problems.push(
      problem(
        ["arm", "endpoint"],
        endpoint,
        `is not a loopback URL; credentialMode "staticToken" sends its token only to this machine (127.0.0.1, localhost, [::1])${source}`,
      ),
    );
  }
  if (problems.length > 0) return { problems };
  const arm: ResolvedArm = { endpoint: endpoint.replace(/\/+$/, ""), credentialMode: parsed.credentialMode, cloud: parsed.cloud };
  if (staticToken) arm.tokenVariable = parsed.tokenVariable;
  return { arm, problems: [] };
}

/**
 * The `failover-drill:arm` section alone, resolved as the program resolves it (the drill runner checks
 * it before anything is written). `raw` is the section's value as stack config holds it.
 */
export function resolveArmConfig(raw: unknown, env: Record<string, string | undefined> = {}): { arm?: ResolvedArm; problems: string[] } {
  const parsed = armSchema.default({ credentialMode: "default", cloud: DEFAULT_CLOUD }).safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) =>
      zodIssueProblems({ ...issue, path: ["arm", ...issue.path] } as z.core.$ZodIssue, { arm: raw }),
    );
    return { problems };
  }
  return resolveArm(parsed.data, env);
}

export interface ParseOptions {
  /** Environment variables consulted for overrides (default: none, to keep parsing pure). */
  env?: Record<string, string | undefined>;
  /**
   * Whether a key (without the namespace) is stored as a secret in stack config. When given, a secret key
   * (SECRET_CONFIG_KEYS) stored in plain text is a problem: it would sit readable in Pulumi.<stack>.yaml.
   */
  isSecret?: (key: string) => boolean;
  /**
   * Reads `expectedFile` (its text, or throws): given by the program (relative to the project directory).
   * Without it a config that names an expectedFile is a problem, so parsing stays pure.
   */
  readFile?: (file: string) => string;
}

/** Every problem in a raw drill config (keys without the namespace), or [] when it is valid. */
export function drillConfigProblems(raw: unknown, options: ParseOptions = {}): string[] {
  return parse(raw, options).problems;
}

/** The typed drill config, or a DrillConfigError listing every problem at once. */
export function parseDrillConfig(raw: unknown, options: ParseOptions = {}): DrillConfig {
  const { config, problems } = parse(raw, options);
  if (problems.length > 0 || !config) throw new DrillConfigError(problems);
  return config;
}

/** The expected entries of `expectedFile`, as `expected` entries, or the problems (each naming the file). */
function expectedFromFile(file: string, options: ParseOptions): { entries: unknown[]; problems: string[] } {
  const at = (why: string) => ({ entries: [], problems: [problem(["expectedFile"], file, why)] });
  if (!options.readFile) return at("cannot be read here (no file reader was given to the config parser)");
  let text: string;
  try {
    text = options.readFile(file);
  } catch (err) {
    return at(`cannot be read: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- yaml is loaded only for a YAML expectedFile, not for every config parse
    doc = /\.json$/i.test(file) ? JSON.parse(text) : (require("yaml") as typeof import("yaml")).parse(text);
  } catch (err) {
    return at(`is not valid ${/\.json$/i.test(file) ? "JSON" : "YAML"}: ${(err as Error).message.split("\n")[0]}`);
  }
  const list = Array.isArray(doc) ? doc : rec(doc)?.expected;
  if (!Array.isArray(list)) return at('must hold a list of expected results (or an object with an "expected" list)');
  const result = expectedListSchema.safeParse(list);
  if (result.success) return { entries: list, problems: [] };
  // Paths inside the file: failover-drill:expectedFile(<file>)[3].size.
  const problems = result.error.issues.flatMap((issue) =>
    zodIssueProblems({ ...issue, path: ["expected", ...issue.path] } as z.core.$ZodIssue, { expected: list }).map((m) =>
      m.replace(`${CONFIG_NAMESPACE}:expected`, `${CONFIG_NAMESPACE}:expectedFile(${file})`),
    ),
  );
  return { entries: [], problems };
}

function parse(input: unknown, options: ParseOptions): { config?: DrillConfig; problems: string[] } {
  if (rec(input) === undefined) return { problems: [problem([], input, "is not an object of failover-drill:* settings")] };
  // expectedFile's entries join `expected`, so the same schema and cross-field checks judge them.
  let raw = input;
  const fileProblems: string[] = [];
  const file = rec(input)!.expectedFile;
  if (typeof file === "string" && file.trim() !== "") {
    const loaded = expectedFromFile(file, options);
    fileProblems.push(...loaded.problems);
    if (loaded.problems.length === 0) raw = { ...rec(input)!, expected: [...arr(rec(input)!.expected), ...loaded.entries] };
  }
  const result = drillConfigSchema.safeParse(raw);
  const problems: string[] = [];
  if (!result.success) for (const issue of result.error.issues) problems.push(...zodIssueProblems(issue, raw));
  problems.push(...crossFieldProblems(raw));
  for (const p of bastionAccessProblems(rec(raw)?.testNetwork)) problems.push(problem(["testNetwork", ...p.path], p.value, p.expectation));
  for (const key of SECRET_CONFIG_KEYS) {
    if (options.isSecret && rec(raw)?.[key] !== undefined && !options.isSecret(key)) {
      problems.push(
        problem(
          [key],
          rec(raw)?.[key],
          `is stored in plain text; store it as a secret: pulumi config set --secret ${CONFIG_NAMESPACE}:${key} "$(base64 -w0 kek.pfx)"`,
        ),
      );
    }
  }
  let arm: ResolvedArm | undefined;
  if (result.success) {
    const r = resolveArm(result.data.arm, options.env ?? {});
    problems.push(...r.problems);
    arm = r.arm;
  }
  const unique = [...new Set([...fileProblems, ...problems])];
  if (unique.length > 0 || !result.success || !arm) return { problems: unique };
  return { config: { ...result.data, arm }, problems: [] };
}

// ---------------------------------------------------------------------------------------------------
// Checks that need what the vault holds (run at preview by index.ts with the invoke results).

export interface PlanMember {
  /** Protected item ARM id as the recovery plan lists it. */
  id: string;
  friendlyName?: string;
}

/**
 * Problems with a recovery plan's contents: at least one and at most 100 protected items (seed rule),
 * and no domain controller copy inside it (the DC is test-failed-over on its own, first).
 */
export function recoveryPlanProblems(
  planName: string,
  members: PlanMember[],
  dcItems: ItemRefConfig[] = [],
  planPath: ConfigPath = ["scope", "recoveryPlan"],
): string[] {
  const problems: string[] = [];
  if (members.length === 0)
    problems.push(problem(planPath, planName, "holds no protected items; a drill needs at least one item in scope"));
  if (members.length > MAX_RECOVERY_PLAN_ITEMS) {
    problems.push(
      problem(planPath, planName, `holds ${members.length} protected items; a recovery plan holds at most ${MAX_RECOVERY_PLAN_ITEMS}`),
    );
  }
  const memberKeys = new Map<string, string>();
  for (const m of members) {
    const parts = /\/replicationFabrics\/([^/]+)\/replicationProtectionContainers\/([^/]+)\/replicationProtectedItems\/([^/]+)$/i.exec(
      m.id,
    );
    if (parts) memberKeys.set(`id:${parts[1]}/${parts[2]}/${parts[3]}`.toLowerCase(), m.friendlyName ?? parts[3]);
    if (m.friendlyName) memberKeys.set(`fn:${m.friendlyName}`.toLowerCase(), m.friendlyName);
  }
  dcItems.forEach((dc, i) => {
    const hit = itemRefKeys(dc).find((k) => memberKeys.has(k));
    if (hit) {
      problems.push(
        problem(
          ["directoryCopy", "items", i],
          dc,
          `is also in recovery plan ${planName} (as ${memberKeys.get(hit)}); remove it from the plan or from directoryCopy`,
        ),
      );
    }
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------------
// Reading stack config.

/**
 * Collects the `failover-drill:*` keys into a plain object for parseDrillConfig. `get` returns a key's
 * stored text (Pulumi stores structured YAML values as JSON text). Text that is not valid JSON is kept
 * as is, so zod reports it against the key ("is not an object").
 */
export function readRawDrillConfig(get: (key: string) => string | undefined): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(CONFIG_KEYS)) {
    const value = get(key);
    if (value === undefined) continue;
    if (kind === "string") raw[key] = value;
    else if (kind === "objectOrString" && !/^\s*[{[]/.test(value)) raw[key] = value;
    else {
      try {
        raw[key] = JSON.parse(value);
      } catch {
        raw[key] = value;
      }
    }
  }
  return raw;
}

/**
 * The `failover-drill:evidence` section alone (the drill runner reads it before anything runs, to
 * preflight the evidence store): the typed section, or every problem with its config path.
 */
export function parseEvidenceConfig(raw: unknown): { evidence?: EvidenceConfig; problems: string[] } {
  if (raw === undefined) return { problems: [] };
  const result = evidenceSchema.safeParse(raw);
  if (result.success) return { evidence: result.data, problems: [] };
  const root = { evidence: raw };
  const problems = result.error.issues.flatMap((issue) =>
    zodIssueProblems({ ...issue, path: ["evidence", ...issue.path] } as z.core.$ZodIssue, root),
  );
  return { problems: [...new Set(problems)] };
}
