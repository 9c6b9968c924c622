import { testIpUniqueAcrossDrill } from "../../../policy/rules/testIpUniqueAcrossDrill";
import { testIpValid } from "../../../policy/rules/testIpValid";
import {
  DC_IP,
  getHappyPathDirectoryCopyArgs,
  getHappyPathItem,
  getHappyPathStack,
  getHappyPathTestFailoverArgs,
  getNic,
  TEST_FAILOVER_TYPE,
  withProps,
} from "../fixtures";
import {
  assertHasViolation,
  assertNoViolations,
  createResourceValidationArgs,
  createStackValidationArgs,
  runPolicy,
  UNKNOWN_ARRAY,
  UNKNOWN_STRING,
} from "../harness";

const policy = testIpValid;
const withIp = (ip: string, subnet = "app") =>
  createResourceValidationArgs(policy, {
    type: TEST_FAILOVER_TYPE,
    name: "apps",
    props: getHappyPathTestFailoverArgs({
      items: [getHappyPathItem({ nics: [getNic({ recoverySubnetName: subnet, tfoStaticIp: ip })] })],
      expected: [],
    }),
  });
const withExpected = (ip: string) =>
  createResourceValidationArgs(policy, {
    type: TEST_FAILOVER_TYPE,
    name: "apps",
    props: getHappyPathTestFailoverArgs({
      items: [getHappyPathItem({ nics: [getNic({ tfoStaticIp: undefined })] })],
      expected: [{ friendlyName: "SQL01", ip }],
    }),
  });

describe("test-ip-valid", () => {
  it("is mandatory", () => expect(policy.enforcementLevel).toBe("mandatory"));

  it("passes the happy drill", async () => {
    await assertNoViolations(
      policy,
      createResourceValidationArgs(policy, { type: TEST_FAILOVER_TYPE, props: getHappyPathTestFailoverArgs() }),
    );
  });

  it("boundary: .3 is Azure-reserved in a /24, .4 is the first usable address", async () => {
    await assertHasViolation(
      policy,
      withIp("10.50.1.3"),
      /"apps", item "SQL01", NIC "Ethernet".*10\.50\.1\.3 is reserved by Azure in 10\.50\.1\.0\/24.*first usable address is 10\.50\.1\.4/,
    );
    await assertNoViolations(policy, withIp("10.50.1.4"));
  });

  it("boundary: .254 is usable, .255 (broadcast) is reserved", async () => {
    await assertNoViolations(policy, withIp("10.50.1.254"));
    await assertHasViolation(policy, withIp("10.50.1.255"), /reserved by Azure/);
  });

  it("fails a test IP outside the NIC's test subnet, naming the subnet and the fix", async () => {
    await assertHasViolation(
      policy,
      withIp("10.50.0.10", "app"),
      /10\.50\.0\.10 is outside subnet 10\.50\.1\.0\/24.*test subnet "app".*Compute and Network/,
    );
  });

  it("follows ASR's fallback to the alphabetically first test subnet when the recovery subnet name is missing", async () => {
    // "db" is not a test subnet, so the NIC lands in "app" (before "identity").
    await assertNoViolations(policy, withIp("10.50.1.20", "db"));
    await assertHasViolation(policy, withIp("10.50.0.20", "db"), /no subnet named "db".*first subnet alphabetically, "app"/);
  });

  it("checks expected IPs the same way (failover-drill:expected)", async () => {
    await assertNoViolations(policy, withExpected("10.50.1.4"));
    await assertHasViolation(policy, withExpected("10.50.1.0"), /expected IP: 10\.50\.1\.0 is reserved.*failover-drill:expected\[\]\.ip/);
    await assertHasViolation(policy, withExpected("10.50.1.300"), /"10\.50\.1\.300" is not an IPv4 address/);
  });

  it("fails an expected IP that differs from the NIC's test failover IP", async () => {
    const args = createResourceValidationArgs(policy, {
      type: TEST_FAILOVER_TYPE,
      name: "apps",
      props: getHappyPathTestFailoverArgs({ items: [getHappyPathItem()], expected: [{ friendlyName: "SQL01", ip: "10.50.1.99" }] }),
    });
    await assertHasViolation(policy, args, /expected IP 10\.50\.1\.99 differs from the NIC's test failover IP 10\.50\.1\.10/);
  });

  it("fails the same IP on two VMs of one test failover, naming both", async () => {
    const args = createResourceValidationArgs(policy, {
      type: TEST_FAILOVER_TYPE,
      name: "apps",
      props: getHappyPathTestFailoverArgs({
        items: [getHappyPathItem(), getHappyPathItem({ friendlyName: "APP01", nics: [getNic({ tfoStaticIp: "10.50.1.10" })] })],
        expected: [],
      }),
    });
    const run = await assertHasViolation(policy, args, /test IP 10\.50\.1\.10 is used more than once.*item "SQL01".*item "APP01"/);
    expect(run.violations).toHaveLength(1);
  });

  it("does not count a VM's expected IP and its own NIC's test IP as a duplicate", async () => {
    await assertNoViolations(
      policy,
      createResourceValidationArgs(policy, { type: TEST_FAILOVER_TYPE, props: getHappyPathTestFailoverArgs() }),
    );
  });

  it("still checks IP syntax when testSubnets is unknown in preview, and reports the unknown", async () => {
    const args = createResourceValidationArgs(policy, {
      type: TEST_FAILOVER_TYPE,
      props: {
        ...getHappyPathTestFailoverArgs({ items: [getHappyPathItem({ nics: [getNic({ tfoStaticIp: "10.50.1" })] })], expected: [] }),
        testSubnets: UNKNOWN_ARRAY,
      },
    });
    const run = await runPolicy(policy, args);
    expect(run.violations.map((v) => v.message).join()).toMatch(/"10\.50\.1" is not an IPv4 address/);
    expect(run.unknownError).toBeDefined();
  });
});

describe("test-ip-unique-across-drill", () => {
  const stackPolicy = testIpUniqueAcrossDrill;

  it("is a mandatory stack policy", () => {
    expect(stackPolicy.enforcementLevel).toBe("mandatory");
    expect(typeof stackPolicy.validateStack).toBe("function");
  });

  it("passes the happy drill (DC copy and applications on different IPs)", async () => {
    await assertNoViolations(stackPolicy, createStackValidationArgs(stackPolicy, getHappyPathStack(UNKNOWN_STRING)));
  });

  it("fails an application VM that takes the DC copy's IP, naming both test failovers", async () => {
    const stack = withProps(getHappyPathStack(UNKNOWN_STRING), "apps", (p) => {
      p.items[0].nics[0].tfoStaticIp = DC_IP;
      p.items[0].nics[0].recoverySubnetName = "identity";
      p.expected[0].ip = DC_IP;
    });
    const run = await assertHasViolation(
      stackPolicy,
      createStackValidationArgs(stackPolicy, stack),
      /test IP 10\.50\.0\.4 is wanted by more than one VM of the drill.*"dc-copy" item "DC01".*"apps" item "SQL01"/,
    );
    expect(run.violations).toHaveLength(1);
    expect(run.violations[0].urn).toMatch(/::apps$/);
  });

  it("fails an item whose own recovery IP is another VM's expected IP, within one test failover", async () => {
    // The case: WEB01's recovery IP set to APP01's address; the test failover reuses a free
    // recovery IP, so one of them comes up elsewhere.
    const stack = withProps(getHappyPathStack(UNKNOWN_STRING), "apps", (p) => {
      delete p.items[0].nics[0].tfoStaticIp;
      p.items[0].nics[0].recoveryStaticIp = "10.50.1.11";
      p.expected[0].ip = undefined;
    });
    const run = await assertHasViolation(
      stackPolicy,
      createStackValidationArgs(stackPolicy, stack),
      /test IP 10\.50\.1\.11 is wanted by more than one VM of the drill: "apps" item "SQL01", NIC "Ethernet" \(recovery IP, reused in the test network when free\); "apps" item "APP01".*(test failover IP|expected IP)/,
    );
    expect(run.violations).toHaveLength(1);
  });

  it("lets a VM's expected IP be its own recovery IP, and ignores a recovery IP outside its test subnet", async () => {
    const own = withProps(getHappyPathStack(UNKNOWN_STRING), "apps", (p) => {
      delete p.items[0].nics[0].tfoStaticIp;
      p.items[0].nics[0].recoveryStaticIp = "10.50.1.10";
    });
    await assertNoViolations(stackPolicy, createStackValidationArgs(stackPolicy, own));
    const elsewhere = withProps(getHappyPathStack(UNKNOWN_STRING), "apps", (p) => {
      delete p.items[0].nics[0].tfoStaticIp;
      p.expected[0].ip = undefined;
      p.items[0].nics[0].recoveryStaticIp = DC_IP; // in "identity", but the NIC lands in "app"
    });
    await assertNoViolations(stackPolicy, createStackValidationArgs(stackPolicy, elsewhere));
  });

  it("compares addresses, not spellings, and ignores resources that are not TestFailovers", async () => {
    const stack = getHappyPathStack(UNKNOWN_STRING).concat([
      { type: "azure-native:network:NetworkInterface", name: "nic", props: { items: getHappyPathDirectoryCopyArgs().items } },
    ]);
    await assertNoViolations(stackPolicy, createStackValidationArgs(stackPolicy, stack));
  });
});
