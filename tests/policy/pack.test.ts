// The pack as a whole: every rule the issue lists is there once, with a kebab-case name, a description
// and the documented default level; config schemas are valid for --policy-pack-config; and the harness
// really wraps props in the policy server's unknownCheckingProxy (so preview behaviour is tested).
import { policies } from "../../policy/rules";
import { createResourceValidationArgs, runPolicy, UNKNOWN_STRING } from "./harness";

const expectedLevels: Record<string, string> = {
  "item-allows-test-failover": "mandatory",
  "item-not-in-test-failover": "mandatory",
  "item-healthy": "mandatory",
  "managed-disks-require-aligned-availability-set": "mandatory",
  "managed-disks-blocked-by-sse-replication-storage": "advisory",
  "managed-disks-prevent-failback": "advisory",
  "test-ip-valid": "mandatory",
  "test-ip-unique-across-drill": "mandatory",
  "nic-count-fits-target-size": "advisory",
  "vm-name-valid": "mandatory",
  "test-network-isolated": "mandatory",
  "dns-points-to-directory-copy": "mandatory",
  "directory-copy-recommended": "advisory",
  "directory-copy-first": "mandatory",
  "drill-storage-secure": "mandatory",
  "drill-storage-infrastructure-encryption": "advisory",
  "drill-resources-tagged": "advisory",
  "test-vm-no-public-ip": "mandatory",
  "compute-quota-fits-drill": "mandatory",
  "test-vm-name-free": "mandatory",
  "test-ip-free-in-test-network": "mandatory",
};
const stackPolicies = [
  "test-ip-unique-across-drill",
  "test-network-isolated",
  "dns-points-to-directory-copy",
  "directory-copy-recommended",
  "directory-copy-first",
  "compute-quota-fits-drill",
  "test-vm-name-free",
  "test-ip-free-in-test-network",
];

describe("failover-drill policy pack", () => {
  it("holds every rule once with its documented level", () => {
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.fromEntries(policies.map((p) => [p.name, p.enforcementLevel]))).toEqual(expectedLevels);
  });

  it("uses kebab-case names and non-empty descriptions", () => {
    for (const p of policies) {
      expect(p.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(p.description.length).toBeGreaterThan(20);
    }
  });

  it("makes the cross-resource rules stack policies and the rest resource policies", () => {
    for (const p of policies) {
      const isStack = "validateStack" in p && typeof p.validateStack === "function";
      const isResource = "validateResource" in p && typeof p.validateResource === "function";
      expect([p.name, isStack]).toEqual([p.name, stackPolicies.includes(p.name)]);
      expect(isStack !== isResource).toBe(true);
    }
  });

  it("has config schemas the CLI accepts (typed properties with defaults, no enforcementLevel)", () => {
    for (const p of policies) {
      for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
        expect(key).not.toBe("enforcementLevel");
        expect(schema).toHaveProperty("type");
        expect(schema).toHaveProperty("default");
      }
    }
  });

  it("harness: props are wrapped in unknownCheckingProxy, so an unknown value escapes as UnknownValueError", async () => {
    const probe = {
      name: "probe",
      description: "reads a property",
      validateResource: (args: any) => void args.props.value.length,
    };
    const run = await runPolicy(probe, createResourceValidationArgs(probe, { type: "t", props: { value: UNKNOWN_STRING } }));
    expect(run.unknownError?.message).toMatch(/string value at \.value can't be known during preview/);
  });
});
