import { drillResourcesTagged } from "../../../policy/rules/drillResourcesTagged";
import { drillStorageInfrastructureEncryption } from "../../../policy/rules/drillStorageInfrastructureEncryption";
import { drillStorageSecure } from "../../../policy/rules/drillStorageSecure";
import { RG_TYPE, STORAGE_TYPE, TAGS, TEST_FAILOVER_TYPE } from "../fixtures";
import { assertHasViolation, assertNoViolations, createResourceValidationArgs, runPolicy, UNKNOWN_STRING } from "../harness";

const secureAccount = (overrides: Record<string, unknown> = {}) => ({
  resourceGroupName: "drill-rg",
  kind: "StorageV2",
  sku: { name: "Standard_LRS" },
  enableHttpsTrafficOnly: true,
  minimumTlsVersion: "TLS1_2",
  allowBlobPublicAccess: false,
  encryption: { requireInfrastructureEncryption: true },
  tags: TAGS,
  ...overrides,
});

describe("drill-storage-secure", () => {
  const policy = drillStorageSecure;
  const account = (o: Record<string, unknown> = {}) =>
    createResourceValidationArgs(policy, { type: STORAGE_TYPE, name: "drill-evidence", props: secureAccount(o) });

  it("is mandatory", () => expect(policy.enforcementLevel).toBe("mandatory"));

  it("passes a secure account", async () => {
    await assertNoViolations(policy, account());
    await assertNoViolations(policy, account({ minimumTlsVersion: "TLS1_3" }));
  });

  it("boundary: TLS1_1 fails, TLS1_2 passes", async () => {
    await assertHasViolation(
      policy,
      account({ minimumTlsVersion: "TLS1_1" }),
      /storage account "drill-evidence".*minimumTlsVersion is "TLS1_1"; TLS 1\.2 or later.*"TLS1_2"/,
    );
    await assertNoViolations(policy, account({ minimumTlsVersion: "TLS1_2" }));
  });

  it("fails an unset minimumTlsVersion (the service default has been TLS1_0)", async () => {
    await assertHasViolation(policy, account({ minimumTlsVersion: undefined }), /minimumTlsVersion is \(not set\)/);
  });

  it("fails HTTP traffic and public blob access", async () => {
    await assertHasViolation(policy, account({ enableHttpsTrafficOnly: false }), /enableHttpsTrafficOnly is false/);
    await assertHasViolation(policy, account({ allowBlobPublicAccess: true }), /allowBlobPublicAccess is true/);
  });

  it("does not block on infrastructure encryption (that is the advisory policy)", async () => {
    await assertNoViolations(policy, account({ encryption: undefined }));
  });

  it("reports an unknown TLS version as a preview gap, not a violation", async () => {
    const run = await runPolicy(policy, account({ minimumTlsVersion: UNKNOWN_STRING }));
    expect(run.violations).toHaveLength(0);
    expect(run.unknownError).toBeDefined();
  });
});

describe("drill-storage-infrastructure-encryption", () => {
  const policy = drillStorageInfrastructureEncryption;
  const account = (o: Record<string, unknown> = {}) =>
    createResourceValidationArgs(policy, { type: STORAGE_TYPE, name: "drill-evidence", props: secureAccount(o) });

  it("is advisory", () => expect(policy.enforcementLevel).toBe("advisory"));

  it("passes with infrastructure encryption and warns without it", async () => {
    await assertNoViolations(policy, account());
    await assertHasViolation(
      policy,
      account({ encryption: { requireInfrastructureEncryption: false } }),
      /requireInfrastructureEncryption is false.*only be chosen when the account is created/,
    );
    await assertHasViolation(policy, account({ encryption: undefined }), /requireInfrastructureEncryption is \(not set\)/);
  });
});

describe("drill-resources-tagged", () => {
  const policy = drillResourcesTagged;
  const rg = (tags: any, config?: Record<string, unknown>) =>
    createResourceValidationArgs(policy, { type: RG_TYPE, name: "drill-rg", props: { resourceGroupName: "drill-rg", tags }, config });

  it("is advisory with the drill tag keys as its default config", () => {
    expect(policy.enforcementLevel).toBe("advisory");
    expect(policy.configSchema?.properties.requiredTags).toMatchObject({ default: ["drill-id", "drill-owner", "drill-expiry"] });
  });

  it("passes a tagged resource", async () => {
    await assertNoViolations(policy, rg(TAGS));
  });

  it("fails missing or empty tags, naming them", async () => {
    await assertHasViolation(
      policy,
      rg(undefined),
      /"drill-rg" \(resources:ResourceGroup\): missing tag\(s\) "drill-id", "drill-owner", "drill-expiry"/,
    );
    await assertHasViolation(policy, rg({ ...TAGS, "drill-owner": " " }), /missing tag\(s\) "drill-owner"/);
  });

  it("fails an expiry that is not a date", async () => {
    await assertHasViolation(policy, rg({ ...TAGS, "drill-expiry": "next tuesday" }), /drill-expiry is "next tuesday", not a date/);
  });

  it("accepts a tag value that is unknown in preview", async () => {
    await assertNoViolations(policy, rg({ ...TAGS, "drill-id": UNKNOWN_STRING }));
  });

  it("honours requiredTags config, and ignores untaggable resources", async () => {
    await assertNoViolations(policy, rg({ "drill-id": "x" }, { requiredTags: ["drill-id"] }));
    await assertNoViolations(policy, createResourceValidationArgs(policy, { type: TEST_FAILOVER_TYPE, props: {} }));
    await assertNoViolations(policy, createResourceValidationArgs(policy, { type: "azure-native:network:Subnet", props: {} }));
  });
});
