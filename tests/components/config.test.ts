import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import {
  ARM_ENDPOINT_ENV,
  DrillConfigError,
  drillConfigProblems,
  parseDrillConfig,
  readRawDrillConfig,
  recoveryPlanProblems,
} from "../../components/config";
import { validRawConfig } from "./fixtures";

type Raw = Record<string, any>;

function problemsOf(mutate: (c: Raw) => void, env: Record<string, string> = {}): string[] {
  const raw = validRawConfig();
  mutate(raw);
  return drillConfigProblems(raw, { env });
}

describe("parseDrillConfig: a valid config", () => {
  it("parses and applies defaults", () => {
    const c = parseDrillConfig(validRawConfig());
    expect(c.vault.name).toBe("contoso-asr-vault");
    expect(c.arm).toEqual({
      endpoint: "http://127.0.0.1:8443",
      credentialMode: "staticToken",
      cloud: "AzureCloud",
      tokenVariable: "FAILOVER_DRILL_ARM_TOKEN",
    });
    expect(c.directoryCopy?.recoveryPointType).toBe("LatestApplicationConsistent");
    expect(c.scope.recoveryPointType).toBe("LatestProcessed");
    expect(c.testNetwork.allowList[0].ports).toBe("3389");
    expect(c.storage.container).toBe("drill-evidence");
    // The service's 30 s between job polls and ten test VMs' in-guest checks at once, unless configured.
    expect(c.timeouts).toMatchObject({ pollIntervalSeconds: 30, inGuestConcurrency: 25 });
  });

  it("takes a fractional poll interval (the runner's 30 s ÷ speed for a faster local clock)", () => {
    const raw = validRawConfig();
    raw.timeouts = { testFailoverMinutes: 60, cleanupMinutes: 30, pollIntervalSeconds: 0.5, inGuestConcurrency: 25 };
    expect(parseDrillConfig(raw).timeouts).toEqual({
      testFailoverMinutes: 60,
      cleanupMinutes: 30,
      pollIntervalSeconds: 0.5,
      inGuestConcurrency: 25,
    });
  });

  it("defaults the credential mode to DefaultAzureCredential against management.azure.com", () => {
    const raw = validRawConfig();
    delete raw.arm;
    expect(parseDrillConfig(raw).arm).toEqual({ endpoint: "https://management.azure.com", credentialMode: "default", cloud: "AzureCloud" });
  });

  it.each([
    ["AzureUSGovernment", "https://management.usgovcloudapi.net"],
    ["AzureChinaCloud", "https://management.chinacloudapi.cn"],
  ])("arm.cloud %s: the default endpoint is that cloud's Resource Manager", (cloud, endpoint) => {
    const raw = validRawConfig();
    raw.arm = { cloud };
    expect(parseDrillConfig(raw).arm).toEqual({ endpoint, credentialMode: "default", cloud });
  });

  it("staticToken takes the token's variable name from config, never a token", () => {
    const raw = validRawConfig();
    raw.arm = { credentialMode: "staticToken", tokenVariable: "MY_LOCAL_ARM_TOKEN", endpoint: "https://localhost:8443" };
    expect(parseDrillConfig(raw).arm).toEqual({
      endpoint: "https://localhost:8443",
      credentialMode: "staticToken",
      cloud: "AzureCloud",
      tokenVariable: "MY_LOCAL_ARM_TOKEN",
    });
  });

  it("lets FAILOVER_DRILL_ARM_ENDPOINT override the configured endpoint", () => {
    const c = parseDrillConfig(validRawConfig(), { env: { [ARM_ENDPOINT_ENV]: "http://127.0.0.1:5555/" } });
    expect(c.arm.endpoint).toBe("http://127.0.0.1:5555");
  });

  it("accepts a bare endpoint string, with the default credential mode", () => {
    const azure = validRawConfig();
    azure.arm = "https://management.usgovcloudapi.net";
    expect(parseDrillConfig(azure).arm).toMatchObject({ endpoint: "https://management.usgovcloudapi.net", credentialMode: "default" });
    const local = validRawConfig();
    local.arm = "http://127.0.0.1:7000";
    expect(drillConfigProblems(local)).toEqual([expect.stringMatching(/arm\.endpoint: "http:\/\/127\.0\.0\.1:7000" is not https/)]);
  });

  it("accepts protected items by friendly name or fabric/container/name", () => {
    const raw = validRawConfig();
    raw.scope = { items: [{ friendlyName: "SQL01" }, { fabricName: "f", protectionContainerName: "c", name: "guid-1" }] };
    expect(parseDrillConfig(raw).scope.items).toHaveLength(2);
  });

  it("accepts an address space written as one string", () => {
    const raw = validRawConfig();
    raw.testNetwork.addressSpace = "10.10.0.0/16";
    expect(parseDrillConfig(raw).testNetwork.addressSpace).toEqual(["10.10.0.0/16"]);
  });
});

// Each case breaks one thing; the message must name that exact config path.
const invalid: { why: string; mutate: (c: Raw) => void; path: string; says: string; env?: Record<string, string> }[] = [
  {
    why: "subscription id not a GUID",
    mutate: (c) => (c.vault.subscriptionId = "contoso"),
    path: "vault.subscriptionId",
    says: '"contoso" is not a subscription id',
  },
  { why: "vault name missing", mutate: (c) => delete c.vault.name, path: "vault.name", says: "missing, expected a string" },
  {
    why: "resource group ends in a period",
    mutate: (c) => (c.vault.resourceGroup = "contoso-dr."),
    path: "vault.resourceGroup",
    says: "is not a resource group name",
  },
  {
    why: "vault not an object",
    mutate: (c) => (c.vault = "contoso-asr-vault"),
    path: "vault",
    says: '"contoso-asr-vault" is not an object',
  },
  {
    why: "unknown credential mode",
    mutate: (c) => (c.arm.credentialMode = "magic"),
    path: "arm.credentialMode",
    says: '"magic" is not one of "default", "staticToken"',
  },
  {
    why: "the old twin mode",
    mutate: (c) => (c.arm.credentialMode = "twin"),
    path: "arm.credentialMode",
    says: '"twin" is not one of "default", "staticToken"',
  },
  {
    why: "unknown cloud",
    mutate: (c) => (c.arm = { cloud: "AzureGermanCloud" }),
    path: "arm.cloud",
    says: '"AzureGermanCloud" is not one of "AzureCloud", "AzureUSGovernment", "AzureChinaCloud"',
  },
  {
    why: "staticToken over https to a remote host",
    mutate: (c) => (c.arm = { credentialMode: "staticToken", tokenVariable: "T", endpoint: "https://management.azure.com" }),
    path: "arm.endpoint",
    says: "is not a loopback URL",
  },
  {
    why: "staticToken without its variable",
    mutate: (c) => (c.arm = { credentialMode: "staticToken", endpoint: "http://127.0.0.1:8443" }),
    path: "arm.tokenVariable",
    says: "missing, expected the name of the environment variable",
  },
  {
    why: "token variable not a name",
    mutate: (c) => (c.arm.tokenVariable = "MY TOKEN"),
    path: "arm.tokenVariable",
    says: "is not an environment variable name",
  },
  {
    why: "token variable with the default mode",
    mutate: (c) => (c.arm = { credentialMode: "default", tokenVariable: "T" }),
    path: "arm.tokenVariable",
    says: 'is only used with credentialMode "staticToken"',
  },
  { why: "twinPort is gone", mutate: (c) => (c.arm.twinPort = 9000), path: "arm.twinPort", says: "is not a known key" },
  {
    why: "default credential over http",
    mutate: (c) => (c.arm = { credentialMode: "default", endpoint: "http://arm.contoso.example" }),
    path: "arm.endpoint",
    says: "is not https",
  },
  {
    why: "staticToken to a remote host",
    mutate: (c) => (c.arm = { credentialMode: "staticToken", tokenVariable: "T", endpoint: "http://10.0.0.5:8443" }),
    path: "arm.endpoint",
    says: "is not a loopback URL",
  },
  {
    why: "staticToken without an endpoint",
    mutate: (c) => (c.arm = { credentialMode: "staticToken", tokenVariable: "T" }),
    path: "arm.endpoint",
    says: "missing, expected the loopback URL of the local ARM endpoint",
  },
  {
    why: "env endpoint not a URL",
    mutate: () => undefined,
    env: { [ARM_ENDPOINT_ENV]: "127.0.0.1:80" },
    path: "arm.endpoint",
    says: `(from ${ARM_ENDPOINT_ENV})`,
  },
  {
    why: "location with spaces",
    mutate: (c) => (c.location = "West Europe"),
    path: "location",
    says: '"West Europe" is not an Azure location name',
  },
  { why: "drill id with underscore", mutate: (c) => (c.drill.id = "Contoso_Drill"), path: "drill.id", says: "is not a drill id" },
  { why: "expiry not a date", mutate: (c) => (c.drill.expiry = "next tuesday"), path: "drill.expiry", says: "is not an ISO 8601 date" },
  { why: "empty owner", mutate: (c) => (c.drill.owner = " "), path: "drill.owner", says: "must name the drill owner" },
  {
    why: "plan and items both",
    mutate: (c) => (c.scope.items = [{ friendlyName: "SQL01" }]),
    path: "scope",
    says: "sets both recoveryPlan and items; only one of recoveryPlan, recoveryPlans and items may be set",
  },
  {
    why: "plan and plans both",
    mutate: (c) => (c.scope.recoveryPlans = ["rp-web"]),
    path: "scope",
    says: "sets both recoveryPlan and recoveryPlans; only one of",
  },
  {
    why: "an empty plan list",
    mutate: (c) => (c.scope = { recoveryPlans: [] }),
    path: "scope.recoveryPlans",
    says: "must list at least one recovery plan",
  },
  {
    why: "a plan listed twice",
    mutate: (c) => (c.scope = { recoveryPlans: ["rp-a", "RP-A"] }),
    path: "scope.recoveryPlans[1]",
    says: "repeats scope.recoveryPlans[0]",
  },
  { why: "neither plan nor items", mutate: (c) => (c.scope = {}), path: "scope", says: "must set recoveryPlan" },
  { why: "empty item list", mutate: (c) => (c.scope = { items: [] }), path: "scope.items", says: "at least one protected item" },
  {
    why: "half an item id",
    mutate: (c) => (c.scope = { items: [{ friendlyName: "SQL01" }, { fabricName: "f" }] }),
    path: "scope.items[1]",
    says: "all of fabricName, protectionContainerName and name",
  },
  {
    why: "item repeated",
    mutate: (c) => (c.scope = { items: [{ friendlyName: "SQL01" }, { friendlyName: "sql01" }] }),
    path: "scope.items[1]",
    says: "repeats scope.items[0]",
  },
  {
    why: "recovery point type unknown",
    mutate: (c) => (c.scope.recoveryPointType = "Newest"),
    path: "scope.recoveryPointType",
    says: "is not one of",
  },
  {
    why: "subnet prefix not a CIDR",
    mutate: (c) => (c.testNetwork.subnets[1].prefix = "10.1.300.0/24"),
    path: "testNetwork.subnets[1].prefix",
    says: '"10.1.300.0/24" is not an IPv4 CIDR',
  },
  {
    why: "subnet outside the address space",
    mutate: (c) => (c.testNetwork.subnets[2].prefix = "10.20.3.0/24"),
    path: "testNetwork.subnets[2].prefix",
    says: "is not inside the address space 10.10.0.0/16",
  },
  {
    why: "overlapping subnets",
    mutate: (c) => (c.testNetwork.subnets[3].prefix = "10.10.3.128/25"),
    path: "testNetwork.subnets[3].prefix",
    says: "overlaps testNetwork.subnets[2].prefix 10.10.3.0/24",
  },
  {
    why: "subnet smaller than /29",
    mutate: (c) => (c.testNetwork.subnets[3].prefix = "10.10.4.0/30"),
    path: "testNetwork.subnets[3].prefix",
    says: "smaller than /29",
  },
  {
    why: "duplicate subnet name",
    mutate: (c) => (c.testNetwork.subnets[1].name = "SNET-IDENTITY"),
    path: "testNetwork.subnets[1].name",
    says: "repeats testNetwork.subnets[0].name",
  },
  {
    why: "gateway subnet",
    mutate: (c) => c.testNetwork.subnets.push({ name: "GatewaySubnet", prefix: "10.10.255.0/27" }),
    path: "testNetwork.subnets[4].name",
    says: "has no gateway",
  },
  {
    why: "bad subnet name",
    mutate: (c) => (c.testNetwork.subnets[0].name = "-identity"),
    path: "testNetwork.subnets[0].name",
    says: "is not a subnet name",
  },
  {
    why: "address space not a CIDR",
    mutate: (c) => (c.testNetwork.addressSpace = ["10.10.0.1/16"]),
    path: "testNetwork.addressSpace[0]",
    says: "is not an IPv4 CIDR",
  },
  {
    why: "overlapping address spaces",
    mutate: (c) => (c.testNetwork.addressSpace = ["10.10.0.0/16", "10.10.128.0/17"]),
    path: "testNetwork.addressSpace[1]",
    says: "overlaps testNetwork.addressSpace[0]",
  },
  { why: "no subnets", mutate: (c) => (c.testNetwork.subnets = []), path: "testNetwork.subnets", says: "at least one subnet" },
  {
    why: "both resource group kinds",
    mutate: (c) => (c.testNetwork.existingResourceGroup = "rg-existing"),
    path: "testNetwork",
    says: "only one of them may be set",
  },
  {
    why: "no resource group",
    mutate: (c) => delete c.testNetwork.resourceGroup,
    path: "testNetwork.resourceGroup",
    says: "missing, expected the test network's resource group",
  },
  {
    why: "allow-list opens the Internet",
    mutate: (c) => (c.testNetwork.allowList[0].remoteAddress = "Internet"),
    path: "testNetwork.allowList[0].remoteAddress",
    says: "whole Internet",
  },
  {
    why: "allow-list address malformed",
    mutate: (c) => (c.testNetwork.allowList[0].remoteAddress = "192.0.2.300"),
    path: "testNetwork.allowList[0].remoteAddress",
    says: "is not an IPv4 address or CIDR",
  },
  {
    why: "allow-list priority at the deny rules",
    mutate: (c) => (c.testNetwork.allowList[0].priority = 4000),
    path: "testNetwork.allowList[0].priority",
    says: "between 100 and 3999",
  },
  {
    why: "allow-list priority used twice",
    mutate: (c) => {
      c.testNetwork.allowList[0].priority = 200;
      c.testNetwork.allowList.push({ name: "allow-ssh", direction: "Inbound", remoteAddress: "192.0.2.11", ports: "22", priority: 200 });
    },
    path: "testNetwork.allowList[1].priority",
    says: "already used by testNetwork.allowList[0]",
  },
  {
    why: "allow-list direction unknown",
    mutate: (c) => (c.testNetwork.allowList[0].direction = "Sideways"),
    path: "testNetwork.allowList[0].direction",
    says: "is not one of",
  },
  {
    why: "allow-list ports malformed",
    mutate: (c) => (c.testNetwork.allowList[0].ports = "rdp"),
    path: "testNetwork.allowList[0].ports",
    says: "is not a port or port range",
  },
  {
    why: "DC test IP reserved by Azure",
    mutate: (c) => (c.directoryCopy.items[0].testIp = "10.10.1.1"),
    path: "directoryCopy.items[0].testIp",
    says: "reserved by Azure",
  },
  {
    why: "DC test IP outside its subnet",
    mutate: (c) => (c.directoryCopy.items[0].testIp = "10.10.2.4"),
    path: "directoryCopy.items[0].testIp",
    says: "is outside subnet 10.10.1.0/24. It becomes the test network's DNS server, so it must be a usable address of directoryCopy.subnet",
  },
  {
    why: "DC test IP not an address",
    mutate: (c) => (c.directoryCopy.items[0].testIp = "dc01"),
    path: "directoryCopy.items[0].testIp",
    says: '"dc01" is not an IPv4 address',
  },
  {
    why: "DC broadcast address",
    mutate: (c) => (c.directoryCopy.items[0].testIp = "10.10.1.255"),
    path: "directoryCopy.items[0].testIp",
    says: "reserved by Azure",
  },
  {
    why: "DC subnet not in the test network",
    mutate: (c) => (c.directoryCopy.subnet = "snet-ad"),
    path: "directoryCopy.subnet",
    says: "is not one of the test network's subnets",
  },
  {
    why: "DC also in the application scope",
    mutate: (c) => (c.scope = { items: [{ friendlyName: "SQL01" }, { friendlyName: "dc01" }] }),
    path: "directoryCopy.items[0]",
    says: "is also in scope.items",
  },
  { why: "DC list empty", mutate: (c) => (c.directoryCopy.items = []), path: "directoryCopy.items", says: "domain controller" },
  {
    why: "DC recovery point unknown",
    mutate: (c) => (c.directoryCopy.recoveryPointType = "Yesterday"),
    path: "directoryCopy.recoveryPointType",
    says: "is not one of",
  },
  {
    why: "storage prefix with capitals",
    mutate: (c) => (c.storage.accountNamePrefix = "Contoso-Drill"),
    path: "storage.accountNamePrefix",
    says: "is not a storage account name prefix",
  },
  {
    why: "storage prefix too long",
    mutate: (c) => (c.storage.accountNamePrefix = "contosodrillevidence"),
    path: "storage.accountNamePrefix",
    says: "3-16 lowercase",
  },
  {
    why: "container with underscore",
    mutate: (c) => (c.storage.container = "Evidence_Box"),
    path: "storage.container",
    says: "is not a blob container name",
  },
  { why: "expected NIC count 0", mutate: (c) => (c.expected[0].nicCount = 0), path: "expected[0].nicCount", says: "between 1 and 8" },
  {
    why: "expected IP in no test subnet",
    mutate: (c) => (c.expected[1].ip = "10.10.9.9"),
    path: "expected[1].ip",
    says: "is not a usable address in any test subnet",
  },
  { why: "expected IP reserved", mutate: (c) => (c.expected[1].ip = "10.10.3.0"), path: "expected[1].ip", says: "is not a usable address" },
  {
    why: "expected size not an Azure size",
    mutate: (c) => (c.expected[0].size = "D2s"),
    path: "expected[0].size",
    says: "is not an Azure VM size",
  },
  {
    why: "expected repeated",
    mutate: (c) => (c.expected[1].friendlyName = "sql01"),
    path: "expected[1].friendlyName",
    says: "repeats expected[0].friendlyName",
  },
  {
    why: "expected DC IP differs from its test IP",
    mutate: (c) => c.expected.push({ friendlyName: "DC01", ip: "10.10.1.5" }),
    path: "expected[2].ip",
    says: "differs from the directory copy's testIp 10.10.1.4",
  },
  {
    why: "in-guest check command unknown",
    mutate: (c) =>
      (c.expected[1].inGuestChecks = [{ name: "dns", commandId: "RunBatch", script: ["nslookup"], expectOutputContains: "contoso" }]),
    path: "expected[1].inGuestChecks[0].commandId",
    says: "is not one of",
  },
  {
    why: "notes over 1024 characters",
    mutate: (c) => (c.notes = "x".repeat(1025)),
    path: "notes",
    says: "is 1025 characters long; the notes become the test failover cleanup comments, which hold at most 1024",
  },
  {
    why: "negative cleanup timeout",
    mutate: (c) => (c.timeouts.cleanupMinutes = -5),
    path: "timeouts.cleanupMinutes",
    says: "at least 1 minute",
  },
  {
    why: "poll interval of 0 seconds",
    mutate: (c) => (c.timeouts.pollIntervalSeconds = 0),
    path: "timeouts.pollIntervalSeconds",
    says: "at least 0.01 seconds",
  },
  {
    why: "poll interval as text",
    mutate: (c) => (c.timeouts.pollIntervalSeconds = "30s"),
    path: "timeouts.pollIntervalSeconds",
    says: "is not a number",
  },
  {
    why: "fractional in-guest concurrency",
    mutate: (c) => (c.timeouts.inGuestConcurrency = 2.5),
    path: "timeouts.inGuestConcurrency",
    says: "is not a whole number of test VMs",
  },
  {
    why: "in-guest concurrency of 0",
    mutate: (c) => (c.timeouts.inGuestConcurrency = 0),
    path: "timeouts.inGuestConcurrency",
    says: "must be at least 1",
  },
  { why: "fractional RTO", mutate: (c) => (c.rtoTargetMinutes = 1.5), path: "rtoTargetMinutes", says: "not a whole number of minutes" },
  { why: "misspelt nested key", mutate: (c) => (c.testNetwork.subnet = "x"), path: "testNetwork.subnet", says: "is not a known key" },
  { why: "misspelt top-level key", mutate: (c) => (c.vnet = {}), path: "vnet", says: "is not a known key" },
];

describe("parseDrillConfig: invalid configs name the exact path", () => {
  it("has at least 25 cases", () => expect(invalid.length).toBeGreaterThanOrEqual(25));

  it.each(invalid)("$why → failover-drill:$path", ({ mutate, path: p, says, env }) => {
    const problems = problemsOf(mutate, env);
    const prefix = `failover-drill:${p}: `;
    const hits = problems.filter((m) => m.startsWith(prefix));
    if (hits.length === 0) throw new Error(`no problem at ${prefix}; got:\n${problems.join("\n")}`);
    expect(hits.some((m) => m.includes(says))).toBe(true);
  });

  it("words the issue's example exactly", () => {
    const problems = problemsOf((c) => (c.testNetwork.subnets[1].prefix = "10.1.300.0/24"));
    expect(problems).toContain('failover-drill:testNetwork.subnets[1].prefix: "10.1.300.0/24" is not an IPv4 CIDR');
  });

  it("reports every problem at once in one error", () => {
    const raw = validRawConfig();
    raw.vault.subscriptionId = "not-a-guid";
    raw.location = "West Europe";
    raw.testNetwork.subnets[1].prefix = "10.1.300.0/24";
    raw.testNetwork.subnets[2].prefix = "10.20.3.0/24";
    raw.directoryCopy.items[0].testIp = "10.10.1.2";
    raw.storage.accountNamePrefix = "UPPER";
    raw.notes = "n".repeat(2000);
    raw.timeouts.testFailoverMinutes = 0;
    let error: unknown;
    try {
      parseDrillConfig(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DrillConfigError);
    const paths = (error as DrillConfigError).problems.map((m) => m.slice(0, m.indexOf(": ")));
    expect(paths).toEqual(
      expect.arrayContaining([
        "failover-drill:vault.subscriptionId",
        "failover-drill:location",
        "failover-drill:testNetwork.subnets[1].prefix",
        "failover-drill:testNetwork.subnets[2].prefix",
        "failover-drill:directoryCopy.items[0].testIp",
        "failover-drill:storage.accountNamePrefix",
        "failover-drill:notes",
        "failover-drill:timeouts.testFailoverMinutes",
      ]),
    );
    expect((error as Error).message).toMatch(/^The drill configuration has \d+ problems/);
    expect((error as Error).message).toContain("failover-drill:directoryCopy.items[0].testIp");
  });

  it("reports a non-object config as a whole", () => {
    expect(drillConfigProblems("vault: x")[0]).toMatch(/^failover-drill:: "vault: x" is not an object/);
  });
});

describe("recoveryPlanProblems (checked at preview with the plan's contents)", () => {
  const id = (n: number) =>
    `/Subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/vm-${n}`;

  it("accepts 1 to 100 items", () => {
    expect(recoveryPlanProblems("rp", [{ id: id(1) }])).toEqual([]);
    expect(
      recoveryPlanProblems(
        "rp",
        Array.from({ length: 100 }, (_, i) => ({ id: id(i) })),
      ),
    ).toEqual([]);
  });

  it("refuses 101 items", () => {
    expect(
      recoveryPlanProblems(
        "rp-big",
        Array.from({ length: 101 }, (_, i) => ({ id: id(i) })),
      ),
    ).toEqual(['failover-drill:scope.recoveryPlan: "rp-big" holds 101 protected items; a recovery plan holds at most 100']);
  });

  it("refuses an empty plan", () => {
    expect(recoveryPlanProblems("rp-empty", [])[0]).toContain("holds no protected items");
  });

  it("refuses a DC that is in the plan, by friendly name or by id", () => {
    const members = [
      { id: id(1), friendlyName: "DC01" },
      { id: id(2), friendlyName: "SQL01" },
    ];
    expect(recoveryPlanProblems("rp", members, [{ friendlyName: "dc01" }])[0]).toMatch(
      /^failover-drill:directoryCopy\.items\[0\]: .*is also in recovery plan rp \(as DC01\)/,
    );
    expect(recoveryPlanProblems("rp", members, [{ fabricName: "F", protectionContainerName: "c", name: "VM-2" }])[0]).toContain(
      "is also in recovery plan rp",
    );
    expect(recoveryPlanProblems("rp", members, [{ friendlyName: "DC02" }])).toEqual([]);
  });
});

describe("readRawDrillConfig", () => {
  it("parses structured keys as JSON and keeps scalars as text", () => {
    const stored: Record<string, string> = {
      vault: JSON.stringify({ name: "v" }),
      location: "westeurope",
      notes: "123",
      rtoTargetMinutes: "60",
      arm: "http://127.0.0.1:1",
      testNetwork: "{not json",
    };
    const raw = readRawDrillConfig((k) => stored[k]);
    expect(raw).toEqual({
      vault: { name: "v" },
      location: "westeurope",
      notes: "123",
      rtoTargetMinutes: 60,
      arm: "http://127.0.0.1:1",
      testNetwork: "{not json",
    });
  });
});

describe("the stack files", () => {
  // Pulumi stores structured YAML values as JSON text and scalars as text.
  function stackConfig(file: string): (key: string) => string | undefined {
    const doc = YAML.parse(fs.readFileSync(path.join(__dirname, "../..", file), "utf8")) as { config: Record<string, unknown> };
    const byKey = new Map<string, string>();
    for (const [k, v] of Object.entries(doc.config)) {
      const key = k.replace(/^failover-drill:/, "");
      byKey.set(key, typeof v === "object" ? JSON.stringify(v) : String(v));
    }
    return (key) => byKey.get(key);
  }

  it("Pulumi.test.yaml is the Contoso drill on the twin", () => {
    const c = parseDrillConfig(readRawDrillConfig(stackConfig("Pulumi.test.yaml")), {
      env: { [ARM_ENDPOINT_ENV]: "http://127.0.0.1:41234" },
    });
    expect(c.vault).toEqual({
      subscriptionId: "11111111-1111-1111-1111-111111111111",
      resourceGroup: "contoso-dr",
      name: "contoso-asr-vault",
    });
    expect(c.arm).toEqual({
      endpoint: "http://127.0.0.1:41234",
      credentialMode: "staticToken",
      cloud: "AzureCloud",
      tokenVariable: "FAILOVER_DRILL_ARM_TOKEN",
    });
    expect(c.scope.recoveryPlan).toBe("rp-contoso-tier1");
    expect(c.directoryCopy?.items[0]).toMatchObject({ friendlyName: "DC01", testIp: "10.10.1.4" });
    expect(c.testNetwork.subnets.map((s) => s.name)).toEqual(["snet-identity", "snet-data", "snet-app", "snet-web"]);
    expect(c.rtoTargetMinutes).toBe(60);
  });

  it("Pulumi.test.yaml without an endpoint says how to give one", () => {
    expect(drillConfigProblems(readRawDrillConfig(stackConfig("Pulumi.test.yaml")))).toEqual([
      expect.stringMatching(
        /^failover-drill:arm\.endpoint: missing, expected the loopback URL of the local ARM endpoint.*FAILOVER_DRILL_ARM_ENDPOINT/,
      ),
    ]);
  });

  it("examples/Pulumi.azure-example.yaml is the same drill for a real subscription", () => {
    const c = parseDrillConfig(readRawDrillConfig(stackConfig("examples/Pulumi.azure-example.yaml")));
    expect(c.arm).toEqual({ endpoint: "https://management.azure.com", credentialMode: "default", cloud: "AzureCloud" });
    expect(c.scope.recoveryPlan).toBe("rp-contoso-tier1");
    expect(c.expected.find((e) => e.friendlyName === "APP01")?.inGuestChecks?.[0].name).toBe("resolve-domain");
  });
});
