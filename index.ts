// The drill program: an isolated test network, a copy of AD/DNS in it, storage for evidence, then the
// ASR test failover of the applications (a recovery plan or protected items). `pulumi destroy` runs the
// test failover cleanups in reverse: applications first, the domain controller copy last.
import * as pulumi from "@pulumi/pulumi";
import {
  CONFIG_NAMESPACE,
  DrillConfig,
  DrillConfigError,
  formatPath,
  ItemRefConfig,
  parseDrillConfig,
  problem,
  readRawDrillConfig,
  recoveryPlanProblems,
} from "./components/config";
import { DirectoryServicesCopy, DomainControllerItem } from "./components/directoryServicesCopy";
import type { DrillScope, ExpectedVmResult, ItemSettingsSnapshot, ProtectedItemRef } from "./components/drillTypes";
import { DrillStorage } from "./components/drillStorage";
import { IsolatedTestNetwork } from "./components/isolatedTestNetwork";
import {
  azureNativeReaders,
  ItemSettingsReaders,
  matchItemRef,
  parseProtectedItemId,
  readItemSettings,
  readRecoveryPlan,
  recoveryPlanMemberIds,
  toProtectedItemRef,
} from "./components/itemSettings";
import { drillTags, virtualNetworkId } from "./components/naming";
import { readRecoveryRegionFacts } from "./components/recoveryRegionFacts";
import { RecoveryRegionFacts } from "./components/recoveryRegionFactsResource";
import { recoveryRegionArmReader } from "./components/recoveryRegionArm";
import { TestFailover } from "./components/testFailover";
import { asReportedError } from "./components/userError";

// Config is read once, at the top: a bad config stops the program before anything is declared.
const stackConfig = new pulumi.Config(CONFIG_NAMESPACE);
const config = (() => {
  try {
    return parseDrillConfig(readRawDrillConfig((key) => stackConfig.get(key)), { env: process.env });
  } catch (err) {
    throw asReportedError(err);
  }
})();

interface ResolvedItem {
  ref: ProtectedItemRef;
  snapshot: ItemSettingsSnapshot;
}

/** Lists protected items through the drill's own read-only ASR client (friendly-name lookups only). */
function withProtectedItemList(readers: ItemSettingsReaders, cfg: DrillConfig): ItemSettingsReaders {
  return {
    ...readers,
    listProtectedItems: async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { SiteRecoveryDrillClient } = require("./components/asr/asrClient") as typeof import("./components/asr/asrClient");
      const client = new SiteRecoveryDrillClient(cfg.vault, { endpoint: cfg.arm.endpoint, credentialMode: cfg.arm.credentialMode });
      const items = await client.listProtectedItems();
      return items.map((i) => ({ id: i.id, name: i.name, properties: { friendlyName: i.properties?.friendlyName } }));
    },
  };
}

/** Resolves configured item references (by fabric/container/name, or friendly name) and reads their settings. */
async function resolveItems(cfg: DrillConfig, refs: ItemRefConfig[], path: (string | number)[], readers: ItemSettingsReaders): Promise<ResolvedItem[]> {
  let listed: ProtectedItemRef[] | undefined;
  const problems: string[] = [];
  const located: { fabricName: string; protectionContainerName: string; name: string; path: string }[] = [];
  for (const [i, ref] of refs.entries()) {
    const itemPath = [...path, i];
    if (ref.fabricName && ref.protectionContainerName && ref.name) {
      located.push({ fabricName: ref.fabricName, protectionContainerName: ref.protectionContainerName, name: ref.name, path: formatPath(itemPath) });
      continue;
    }
    if (!readers.listProtectedItems) {
      problems.push(problem(itemPath, ref, "cannot be found by friendly name alone here; add fabricName, protectionContainerName and name"));
      continue;
    }
    listed ??= (await readers.listProtectedItems()).map(toProtectedItemRef);
    const matches = listed.filter((c) => c.friendlyName.toLowerCase() === ref.friendlyName!.toLowerCase());
    if (matches.length !== 1) {
      const known = listed.map((c) => c.friendlyName).sort().join(", ");
      problems.push(
        problem(itemPath, ref, matches.length === 0
          ? `matches no protected item in vault ${cfg.vault.name} (it holds: ${known || "none"})`
          : `matches ${matches.length} protected items in vault ${cfg.vault.name}; add fabricName, protectionContainerName and name`),
      );
      continue;
    }
    const found = matchItemRef(ref, matches)!;
    located.push({ fabricName: found.fabricName, protectionContainerName: found.protectionContainerName, name: found.name, path: formatPath(itemPath) });
  }
  if (problems.length > 0) throw new DrillConfigError(problems);
  return Promise.all(located.map((item) => readItemSettings(cfg.vault, item, readers, item.path)));
}

async function resolveScope(cfg: DrillConfig, readers: ItemSettingsReaders): Promise<{ scope: DrillScope; items: ResolvedItem[] }> {
  if (cfg.scope.recoveryPlan !== undefined) {
    const planName = cfg.scope.recoveryPlan;
    const plan = await readRecoveryPlan(cfg.vault, planName, readers);
    const ids = recoveryPlanMemberIds(plan);
    // Size first (no need to read 101 items to refuse them), then the DC overlap with friendly names.
    const sizeProblems = recoveryPlanProblems(planName, ids.map((id) => ({ id })));
    if (sizeProblems.length > 0) throw new DrillConfigError(sizeProblems);
    const items = await Promise.all(
      ids.map((id) => {
        const parts = parseProtectedItemId(id);
        if (!parts) throw new Error(`failover-drill:scope.recoveryPlan: recovery plan ${planName} lists ${JSON.stringify(id)}, which is not a protected item id`);
        return readItemSettings(cfg.vault, parts, readers, `failover-drill:scope.recoveryPlan (${planName})`);
      }),
    );
    const overlap = recoveryPlanProblems(planName, items.map((it) => ({ id: it.ref.id, friendlyName: it.ref.friendlyName })), cfg.directoryCopy?.items ?? []);
    if (overlap.length > 0) throw new DrillConfigError(overlap);
    return { scope: { kind: "recoveryPlan", recoveryPlanName: planName, recoveryPlanId: plan.id }, items };
  }
  const items = await resolveItems(cfg, cfg.scope.items ?? [], ["scope", "items"], readers);
  return { scope: { kind: "protectedItems", items: items.map((i) => i.ref) }, items };
}

/** A DC resolved to the same protected item as an application item (e.g. one by name, one by id). */
function dcOverlapProblems(dcs: ResolvedItem[], apps: ResolvedItem[]): string[] {
  const appIds = new Map(apps.map((a) => [a.ref.id.toLowerCase(), a.ref.friendlyName]));
  return dcs.flatMap((dc, i) =>
    appIds.has(dc.ref.id.toLowerCase())
      ? [problem(["directoryCopy", "items", i], dc.ref.friendlyName, "is also in the application scope; the directory copy is test-failed-over on its own, first, and cleaned up last")]
      : [],
  );
}

/** Expected results whose friendly name is no item of the drill. */
function unknownExpectationProblems(expected: ExpectedVmResult[], known: ResolvedItem[]): string[] {
  const names = new Set(known.map((k) => k.ref.friendlyName.toLowerCase()));
  const all = known.map((k) => k.ref.friendlyName).join(", ");
  return expected.flatMap((e, i) =>
    names.has(e.friendlyName.toLowerCase()) ? [] : [problem(["expected", i, "friendlyName"], e.friendlyName, `is not an item of this drill (${all})`)],
  );
}

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

async function runDrill(cfg: DrillConfig, readers: ItemSettingsReaders) {
  const application = await resolveScope(cfg, readers);
  const dcRefs = cfg.directoryCopy?.items ?? [];
  const dcItems = dcRefs.length > 0 ? await resolveItems(cfg, dcRefs, ["directoryCopy", "items"], readers) : [];
  const consistency = [...dcOverlapProblems(dcItems, application.items), ...unknownExpectationProblems(cfg.expected, [...application.items, ...dcItems])];
  if (consistency.length > 0) throw new DrillConfigError(consistency);

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
  });
  const testSubnets = cfg.testNetwork.subnets.map((s) => ({ name: s.name, addressPrefix: s.prefix }));

  const storage = new DrillStorage("drill-storage", {
    resourceGroupName: network.resourceGroupName,
    location: cfg.location,
    accountNamePrefix: cfg.storage.accountNamePrefix,
    containerName: cfg.storage.container,
    tags,
  });

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
    return await runDrill(config, withProtectedItemList(azureNativeReaders(), config));
  } catch (err) {
    throw asReportedError(err);
  }
};
