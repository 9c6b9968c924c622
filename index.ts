// The drill program: an isolated test network, a copy of AD/DNS in it, storage for evidence, then the
// ASR test failover of the applications (a recovery plan or protected items). `pulumi destroy` runs the
// test failover cleanups in reverse: applications first, the domain controller copy last.
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, DrillConfig, parseDrillConfig, readRawDrillConfig } from "./components/config";
import { DirectoryServicesCopy, DomainControllerItem } from "./components/directoryServicesCopy";
import { resolveDrillScope, vaultReaders, VaultReaders } from "./components/drillScope";
import { DrillStorage } from "./components/drillStorage";
import { IsolatedTestNetwork } from "./components/isolatedTestNetwork";
import { virtualNetworkId } from "./components/contract";
import { drillTags } from "./components/naming";
import { readRecoveryRegionFacts } from "./components/recoveryRegionFacts";
import { RecoveryRegionFacts } from "./components/recoveryRegionFactsResource";
import { recoveryRegionArmReader } from "./components/recoveryRegionArm";
import { TestFailover } from "./components/testFailover";
import { asReportedError } from "./components/userError";
import { subscriptionProvider } from "./components/azureProvider";

// Config is read once, at the top: a bad config stops the program before anything is declared.
const stackConfig = new pulumi.Config(CONFIG_NAMESPACE);
const config = (() => {
  try {
    return parseDrillConfig(readRawDrillConfig((key) => stackConfig.get(key)), { env: process.env });
  } catch (err) {
    throw asReportedError(err);
  }
})();

/** What a drill report needs of one test failover. */
function drillResult(tfo: TestFailover) {
  return {
    id: tfo.id,
    verdict: tfo.verdict,
    failures: tfo.failures,
    jobIds: tfo.jobIds,
    testVms: tfo.testVms,
    groupTimings: tfo.groupTimings,
    rtoAchievedSeconds: tfo.rtoAchievedSeconds,
  };
}

async function runDrill(cfg: DrillConfig, readers: VaultReaders, azure: pulumi.ProviderResource) {
  const { application, directoryCopy: dcItems } = await resolveDrillScope(cfg, readers);
  const dcRefs = cfg.directoryCopy?.items ?? [];

  // The failure predictor's facts (quota, VMs in the recovery resource groups, IPs taken in the test
  // network), read before anything is declared; the policy pack turns them into findings.
  const snapshots = [...application.items, ...dcItems].map((i) => i.snapshot);
  const facts = await readRecoveryRegionFacts(recoveryRegionArmReader(cfg.arm), {
    subscriptionId: cfg.vault.subscriptionId,
    location: cfg.location,
    sizes: snapshots.map((s) => s.recoveryVmSize).filter((s) => s !== ""),
    recoveryResourceGroups: snapshots.flatMap((s) => /\/resourceGroups\/([^/]+)/i.exec(s.recoveryResourceGroupId ?? "")?.[1] ?? []),
    testVnetId: virtualNetworkId(cfg.vault.subscriptionId, (cfg.testNetwork.resourceGroup ?? cfg.testNetwork.existingResourceGroup)!, cfg.testNetwork.vnetName),
    testSubnets: cfg.testNetwork.subnets.map((s) => s.name),
  });
  const tags = drillTags(cfg.drill);
  const dcIps = dcRefs.map((d) => d.testIp);
  const isDc = (name: string) => dcItems.some((d) => d.ref.friendlyName.toLowerCase() === name.toLowerCase());

  const network = new IsolatedTestNetwork("test-network", {
    subscriptionId: cfg.vault.subscriptionId,
    location: cfg.location,
    resourceGroupName: cfg.testNetwork.resourceGroup,
    existingResourceGroupName: cfg.testNetwork.existingResourceGroup,
    vnetName: cfg.testNetwork.vnetName,
    addressSpace: cfg.testNetwork.addressSpace,
    subnets: cfg.testNetwork.subnets,
    allowList: cfg.testNetwork.allowList,
    access: cfg.testNetwork.access,
    dnsServers: dcIps,
    items: [...application.items, ...dcItems].map((i) => i.snapshot),
    tags,
  }, { providers: [azure] });
  const testSubnets = cfg.testNetwork.subnets.map((s) => ({ name: s.name, addressPrefix: s.prefix }));

  const storage = new DrillStorage("drill-storage", {
    resourceGroupName: network.resourceGroupName,
    location: cfg.location,
    accountNamePrefix: cfg.storage.accountNamePrefix,
    containerName: cfg.storage.container,
    tags,
  }, { providers: [azure] });

  let directoryCopy: DirectoryServicesCopy | undefined;
  if (cfg.directoryCopy) {
    const domainControllers: DomainControllerItem[] = dcItems.map((dc, i) => {
      const { friendlyName: _name, ip: _ip, ...rest } = cfg.expected.find((e) => e.friendlyName.toLowerCase() === dc.ref.friendlyName.toLowerCase()) ?? { friendlyName: "" };
      return { ref: dc.ref, snapshot: dc.snapshot, testIp: cfg.directoryCopy!.items[i].testIp, expected: rest };
    });
    directoryCopy = new DirectoryServicesCopy("directory-copy", {
      drillId: cfg.drill.id,
      vault: cfg.vault,
      arm: cfg.arm,
      domainControllers,
      testNetworkId: network.vnetId,
      testSubnets,
      recoveryPointType: cfg.directoryCopy.recoveryPointType,
      notes: cfg.notes,
      timeouts: cfg.timeouts,
    });
  }

  const testFailover = new TestFailover(
    "application",
    {
      drillId: cfg.drill.id,
      role: "application",
      vault: cfg.vault,
      arm: cfg.arm,
      scope: application.scope,
      testNetworkId: network.vnetId,
      testSubnets,
      failoverDirection: "PrimaryToRecovery",
      recoveryPointType: cfg.scope.recoveryPointType,
      items: application.items.map((i) => i.snapshot),
      expected: cfg.expected.filter((e) => !isDc(e.friendlyName)),
      notes: cfg.notes,
      timeouts: cfg.timeouts,
      ...(cfg.rtoTargetMinutes !== undefined ? { rtoTargetMinutes: cfg.rtoTargetMinutes } : {}),
    },
    // The DC copy comes up first and is cleaned up last (Microsoft's test-failover guidance).
    { dependsOn: directoryCopy ? [directoryCopy.testFailover] : [] },
  );

  // Declared last so that a refusal above declares nothing; stack policies read it wherever it is.
  new RecoveryRegionFacts("recovery-region", facts);

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
    itemSettings: [...dcItems, ...application.items].map((i) => i.snapshot),
    applicationTestFailover: drillResult(testFailover),
    directoryCopyTestFailover: directoryCopy ? drillResult(directoryCopy.testFailover) : undefined,
  };
}

export = async () => {
  try {
    // Every azure-native resource and invoke goes through this provider, pinned to the vault's subscription.
    const azure = subscriptionProvider("vault-subscription", config.vault.subscriptionId);
    return await runDrill(config, vaultReaders(config, azure), azure);
  } catch (err) {
    throw asReportedError(err);
  }
};
