// One drill as one component: the isolated test network, the drill storage, the AD/DNS copy and the ASR
// test failover of the applications, composed from the typed drill config (components/config.ts, the same
// zod schema the stack config goes through). The repository's program (index.ts) is this component and
// its outputs; a user's program `npm install`s the package and declares it the same way, or composes the
// pieces (IsolatedTestNetwork, DrillStorage, DirectoryServicesCopy, TestFailover) itself.
import * as pulumi from "@pulumi/pulumi";
import { DrillConfigError, type DrillConfig } from "./config";
import { DirectoryServicesCopy, DomainControllerItem } from "./directoryServicesCopy";
import { resolveDrillScope, vaultReaders } from "./drillScope";
import { DrillStorage } from "./drillStorage";
import { IsolatedTestNetwork, TestSubnet } from "./isolatedTestNetwork";
import { drillTags } from "./naming";
import { virtualNetworkId } from "./contract";
import { readRecoveryRegionFacts } from "./recoveryRegionFacts";
import { RecoveryRegionFacts } from "./recoveryRegionFactsResource";
import { recoveryRegionArmReader } from "./recoveryRegionArm";
import { TestFailover } from "./testFailover";
import { asReportedError } from "./userError";
import { subscriptionProvider } from "./azureProvider";
import { testNetworkSubscriptionProblems } from "./testNetworkSubscription";

/** DrDrill's arguments: a parsed drill config (`parseDrillConfig(raw)` or `drillConfigFromStack()`). */
export type DrDrillArgs = DrillConfig;

/** The config as the component holds it: the KEK certificate wrapped as a Pulumi secret. */
type DeclaredArgs = Omit<DrillConfig, "kekCertificatePfx"> & { kekCertificatePfx?: pulumi.Output<string> };

/**
 * One test failover in the stack's outputs: its resource id, verdict and counts. Per-VM detail (test VMs,
 * checks, item settings, failures) stays in the TestFailover resource's state, where the runner and the
 * report read it (`stack.exportStack()`); as stack outputs, 1,000 VMs printed ~8,000 lines at every `up`.
 */
export function drillResult(tfo: TestFailover) {
  return pulumi.all([tfo.id, tfo.verdict, tfo.testVms, tfo.failures]).apply(([id, verdict, testVms, failures]) => ({
    id,
    verdict,
    testVms: (testVms ?? []).length,
    failedTestVms: (testVms ?? []).filter((v) => !v.checks.every((c) => c.passed)).length,
    failures: (failures ?? []).length,
  }));
}

export type TestFailoverResult = pulumi.Output<{
  id: string;
  verdict: "passed" | "failed";
  testVms: number;
  failedTestVms: number;
  failures: number;
}>;

/** The drill's outputs, by the names the drill runner and the report read from the stack: small at any size. */
export interface DrDrillOutputs {
  drillId: string;
  armEndpoint: string;
  testNetworkId: pulumi.Output<string>;
  testNetworkName: pulumi.Output<string>;
  testSubnets: pulumi.Output<Record<string, TestSubnet>>;
  dnsServers: string[];
  directoryCopyIps: pulumi.Output<string[]> | string[];
  storageAccountId: pulumi.Output<string>;
  storageAccountName: pulumi.Output<string>;
  evidenceContainerUrl: pulumi.Output<string>;
  /** "passed" when every test failover passed. */
  verdict: pulumi.Output<"passed" | "failed">;
  /** Items in scope (application and AD/DNS copy) and test failovers declared. */
  counts: { applicationItems: number; directoryCopyItems: number; testFailovers: number };
  /** One per application test failover (one per recovery plan, or one for scope.items), by resource name. */
  applicationTestFailovers: Record<string, TestFailoverResult>;
  directoryCopyTestFailover?: TestFailoverResult;
}

/**
 * A disaster-recovery drill: `pulumi up` stands up the isolated test network (DNS on the AD/DNS copy),
 * the drill storage, test-fails-over the domain controller copy first and then the applications (a
 * recovery plan or protected items), verifying each test VM; `pulumi destroy` cleans up the applications
 * first and the DC copy last (Microsoft's test-failover guidance). Type token `failover-drill:index:DrDrill`.
 *
 * The scope is read from the vault before anything is declared (ComponentResource's async `initialize`):
 * a bad item, plan or duplicate is a config error naming its path, and no child resource exists yet.
 */
export class DrDrill extends pulumi.ComponentResource<DrDrillOutputs> {
  /**
   * The drill's outputs once its scope is read; index.ts exports them as the stack's outputs. It rejects
   * with the refusal when the scope is refused: await or export it so the refusal is the program's error.
   * (No Output fields derived from it: each would be one more unhandled rejection of the same refusal.)
   */
  readonly outputs: Promise<DrDrillOutputs>;
  readonly drillId: string;

  constructor(name: string, args: DrDrillArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Component args are recorded as the component's inputs in state: the KEK certificate goes in as a
    // secret (encrypted there), and the children get that secret, never the plain text.
    const { kekCertificatePfx, ...rest } = args;
    const declared: DeclaredArgs =
      kekCertificatePfx !== undefined ? { ...rest, kekCertificatePfx: pulumi.secret(kekCertificatePfx) } : rest;
    super("failover-drill:index:DrDrill", name, declared, opts);
    this.outputs = this.getData();
    this.drillId = args.drill.id;
  }

  // Called by ComponentResource's constructor with the args above. A user error (config path, value,
  // expectation) is reported as is, without a stack (components/userError.ts).
  protected async initialize(args: pulumi.Inputs, _opts?: unknown, name?: string): Promise<DrDrillOutputs> {
    try {
      const outputs = await this.declare(name!, args as DeclaredArgs);
      this.registerOutputs(outputs);
      return outputs;
    } catch (err) {
      throw asReportedError(err);
    }
  }

  private async declare(name: string, declared: DeclaredArgs): Promise<DrDrillOutputs> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- a name for the `{ parent }` every child takes; no callback rebinds this
    const parent = this;
    const { kekCertificatePfx: kek, ...cfg } = declared;
    // Item reads, and every azure-native resource and invoke unless the test network has its own
    // subscription (below), go through this provider, pinned to the vault's subscription.
    const azure = subscriptionProvider(`${name}-vault-subscription`, cfg.vault.subscriptionId, { parent });
    const { applications, directoryCopy: dcItems, expected } = await resolveDrillScope(cfg, vaultReaders(cfg, azure));
    const applicationItems = applications.flatMap((a) => a.items);
    // The test network (and the drill storage in its resource group) may live in another subscription,
    // with its own explicit provider; items stay on the vault's.
    const networkSubscriptionId = cfg.testNetwork.subscriptionId ?? cfg.vault.subscriptionId;
    const apart = testNetworkSubscriptionProblems(
      networkSubscriptionId,
      cfg.testNetwork.subscriptionId,
      [...applicationItems, ...dcItems].map((i) => i.snapshot),
    );
    if (apart.length) throw new DrillConfigError(apart);
    const networkAzure =
      networkSubscriptionId.toLowerCase() === cfg.vault.subscriptionId.toLowerCase()
        ? azure
        : subscriptionProvider(`${name}-test-network-subscription`, networkSubscriptionId, { parent });
    const dcRefs = cfg.directoryCopy?.items ?? [];

    // The failure predictor's facts (quota, VMs in the recovery resource groups, IPs taken in the test
    // network), read before anything is declared; the policy pack turns them into findings.
    const snapshots = [...applicationItems, ...dcItems].map((i) => i.snapshot);
    const facts = await readRecoveryRegionFacts(recoveryRegionArmReader(cfg.arm), {
      // Where the test VMs land (quota, SKUs, VMs in the recovery resource groups): the items' recovery
      // subscription, which the check above made the test network's.
      subscriptionId: networkSubscriptionId,
      location: cfg.location,
      sizes: snapshots.map((s) => s.recoveryVmSize).filter((s) => s !== ""),
      recoveryResourceGroups: snapshots.flatMap((s) => /\/resourceGroups\/([^/]+)/i.exec(s.recoveryResourceGroupId ?? "")?.[1] ?? []),
      testVnetId: virtualNetworkId(
        networkSubscriptionId,
        (cfg.testNetwork.resourceGroup ?? cfg.testNetwork.existingResourceGroup)!,
        cfg.testNetwork.vnetName,
      ),
      testSubnets: cfg.testNetwork.subnets.map((s) => s.name),
    });

    const tags = drillTags(cfg.drill);
    const dcIps = dcRefs.map((d) => d.testIp);
    const isDc = (friendlyName: string) => dcItems.some((d) => d.ref.friendlyName.toLowerCase() === friendlyName.toLowerCase());

    // Children are named from the drill's name, so two drills in one program do not collide.
    const network = new IsolatedTestNetwork(
      `${name}-test-network`,
      {
        subscriptionId: networkSubscriptionId,
        location: cfg.location,
        resourceGroupName: cfg.testNetwork.resourceGroup,
        existingResourceGroupName: cfg.testNetwork.existingResourceGroup,
        vnetName: cfg.testNetwork.vnetName,
        addressSpace: cfg.testNetwork.addressSpace,
        subnets: cfg.testNetwork.subnets,
        allowList: cfg.testNetwork.allowList,
        access: cfg.testNetwork.access,
        dnsServers: dcIps,
        items: [...applicationItems, ...dcItems].map((i) => i.snapshot),
        tags,
      },
      { parent, providers: [networkAzure] },
    );
    const testSubnets = cfg.testNetwork.subnets.map((s) => ({ name: s.name, addressPrefix: s.prefix }));

    const storage = new DrillStorage(
      `${name}-storage`,
      {
        resourceGroupName: network.resourceGroupName,
        location: cfg.location,
        accountNamePrefix: cfg.storage.accountNamePrefix,
        containerName: cfg.storage.container,
        tags,
      },
      { parent, providers: [networkAzure] },
    );

    let directoryCopy: DirectoryServicesCopy | undefined;
    if (cfg.directoryCopy) {
      const domainControllers: DomainControllerItem[] = dcItems.map((dc, i) => {
        const {
          friendlyName: _name,
          ip: _ip,
          ...rest
        } = expected.find((e) => e.friendlyName.toLowerCase() === dc.ref.friendlyName.toLowerCase()) ?? { friendlyName: "" };
        return { ref: dc.ref, snapshot: dc.snapshot, testIp: cfg.directoryCopy!.items[i].testIp, expected: rest };
      });
      directoryCopy = new DirectoryServicesCopy(
        `${name}-directory-copy`,
        {
          drillId: cfg.drill.id,
          vault: cfg.vault,
          arm: cfg.arm,
          domainControllers,
          testNetworkId: network.vnetId,
          testSubnets,
          recoveryPointType: cfg.directoryCopy.recoveryPointType,
          notes: cfg.notes,
          timeouts: cfg.timeouts,
          kekCertificatePfx: kek,
        },
        { parent },
      );
    }

    // One test failover per recovery plan (or one for scope.items), each after the DC copy and in
    // parallel with the others (the engine runs independent resources concurrently). One plan keeps the
    // name `<drill>-application`, so an existing stack's resource is not replaced.
    const applicationExpected = expected.filter((e) => !isDc(e.friendlyName));
    const testFailovers = applications.map((a) => {
      const tfoName =
        applications.length === 1
          ? `${name}-application`
          : `${name}-application-${a.scope.kind === "recoveryPlan" ? a.scope.recoveryPlanName : "items"}`;
      const inScope = new Set(a.items.map((i) => i.ref.friendlyName.toLowerCase()));
      const tfo = new TestFailover(
        tfoName,
        {
          drillId: cfg.drill.id,
          role: "application",
          vault: cfg.vault,
          arm: cfg.arm,
          scope: a.scope,
          testNetworkId: network.vnetId,
          testSubnets,
          failoverDirection: "PrimaryToRecovery",
          recoveryPointType: cfg.scope.recoveryPointType,
          items: a.items.map((i) => i.snapshot),
          // Each plan's test failover carries only its own VMs' expectations.
          expected:
            applications.length === 1 ? applicationExpected : applicationExpected.filter((e) => inScope.has(e.friendlyName.toLowerCase())),
          notes: cfg.notes,
          timeouts: cfg.timeouts,
          ...(cfg.rtoTargetMinutes !== undefined ? { rtoTargetMinutes: cfg.rtoTargetMinutes } : {}),
          ...(kek !== undefined ? { kekCertificatePfx: kek } : {}),
        },
        // The DC copy comes up first and is cleaned up last (Microsoft's test-failover guidance).
        { parent, dependsOn: directoryCopy ? [directoryCopy.testFailover] : [] },
      );
      return { name: tfoName, tfo };
    });

    // Declared last so that a refusal above declares nothing; stack policies read it wherever it is.
    new RecoveryRegionFacts(`${name}-recovery-region`, facts, { parent });

    return {
      drillId: cfg.drill.id,
      armEndpoint: cfg.arm.endpoint,
      testNetworkId: network.vnetId,
      testNetworkName: network.vnetName,
      testSubnets: network.subnets,
      dnsServers: dcIps,
      directoryCopyIps: directoryCopy ? directoryCopy.dcIps : [],
      storageAccountId: storage.accountId,
      storageAccountName: storage.accountName,
      evidenceContainerUrl: storage.containerUrl,
      verdict: pulumi
        .all([...testFailovers.map((t) => t.tfo.verdict), ...(directoryCopy ? [directoryCopy.testFailover.verdict] : [])])
        .apply((vs) => (vs.every((v) => v === "passed") ? "passed" : "failed")),
      counts: {
        applicationItems: applicationItems.length,
        directoryCopyItems: dcItems.length,
        testFailovers: testFailovers.length + (directoryCopy ? 1 : 0),
      },
      applicationTestFailovers: Object.fromEntries(testFailovers.map((t) => [t.name, drillResult(t.tfo)])),
      // Absent rather than undefined without a DC copy (Pulumi warns of an undefined stack output).
      ...(directoryCopy ? { directoryCopyTestFailover: drillResult(directoryCopy.testFailover) } : {}),
    };
  }
}
