// The drill's scope, resolved against the vault at preview: the application items (a recovery plan's
// members or the configured items) and the domain controller copy, each read with its settings, checked
// for duplicates by protected-item id (a VM named twice, once by friendly name and once by id, is one VM),
// and given the readiness facts the policy gate judges (components/testFailoverReadiness.ts). Every
// problem is a DrillConfigError naming the config path, before anything is declared.
import type * as pulumi from "@pulumi/pulumi";
import type { DrillConfig, ItemRefConfig } from "./config";
import { DrillConfigError, formatPath, problem, recoveryPlanProblems, type ConfigPath } from "./config";
import type { DrillScope, ExpectedVmResult, ItemSettingsSnapshot, ProtectedItemRef } from "./contract";
import { API_VERSIONS, parseProtectedItemId, recoveryPlanMemberIds, vaultPath, virtualNetworkId } from "./contract";
import { SiteRecoveryDrillClient } from "./asr/asrClient";
import type { Job, ProtectedItem } from "./asr/types";
import {
  azureNativeReaders,
  ItemSettingsReaders,
  matchItemRef,
  ProtectedItemLike,
  readItemSettings,
  RecoveryPlanLike,
  toProtectedItemRef,
} from "./itemSettings";
import { itemReadiness } from "./testFailoverReadiness";
import { VaultItemCatalog } from "./vaultItemCatalog";
import { effectiveExpectations, unmatchedRuleProblems } from "./expectedRules";

export interface ResolvedItem {
  ref: ProtectedItemRef;
  snapshot: ItemSettingsSnapshot;
  /** Where the configuration named it, e.g. `failover-drill:scope.items[1]`. */
  configPath: string;
  item: ProtectedItemLike;
}

/** One application test failover: a recovery plan's members, or the configured items. */
export interface ResolvedApplication {
  scope: DrillScope;
  items: ResolvedItem[];
}

export interface ResolvedDrillScope {
  /** One per configured recovery plan (scope.recoveryPlan or scope.recoveryPlans), or one for scope.items. */
  applications: ResolvedApplication[];
  directoryCopy: ResolvedItem[];
  /** What each VM is verified against: `expectedRules` and `expected` (with expectedFile's) combined. */
  expected: ExpectedVmResult[];
}

/** Readers that also list what azure-native has no invoke for: protected items, recovery plans, jobs. */
export interface VaultReaders extends ItemSettingsReaders {
  /** The vault's recovery plans, to say which exist when a configured one does not. */
  listRecoveryPlans?(): Promise<{ name: string }[]>;
}

/**
 * The azure-native invokes (through `provider`, pinned to the vault's subscription) plus the drill's own
 * read-only ASR client for the vault-wide lists.
 */
export function vaultReaders(cfg: DrillConfig, provider?: pulumi.ProviderResource): VaultReaders {
  let client: SiteRecoveryDrillClient | undefined;
  const asr = () => (client ??= new SiteRecoveryDrillClient(cfg.vault, { ...cfg.arm }));
  return {
    ...azureNativeReaders(provider),
    // The whole item bodies: the vault-wide list returns what a GET of each item returns (azure-sdk-for-net
    // SessionRecords/ASRTests/ListAllProtectedItem.json), so the program reads every item from it.
    listProtectedItems: async () => (await asr().listProtectedItems()) as ProtectedItemLike[],
    listJobs: () => asr().listJobs(),
    listRecoveryPlans: () =>
      asr().arm.listAll<{ name: string }>(`${vaultPath(cfg.vault)}/replicationRecoveryPlans`, { "api-version": API_VERSIONS.asr }),
  };
}

interface LocatedItem {
  fabricName: string;
  protectionContainerName: string;
  name: string;
  path: string;
}

/** Locates configured item references (by fabric/container/name, or by friendly name in the vault's list). */
async function locateItems(
  cfg: DrillConfig,
  refs: ItemRefConfig[],
  path: (string | number)[],
  catalog: VaultItemCatalog,
): Promise<LocatedItem[]> {
  let listed: ProtectedItemRef[] | undefined;
  const problems: string[] = [];
  const located: LocatedItem[] = [];
  for (const [i, ref] of refs.entries()) {
    const itemPath = [...path, i];
    if (ref.fabricName && ref.protectionContainerName && ref.name) {
      located.push({
        fabricName: ref.fabricName,
        protectionContainerName: ref.protectionContainerName,
        name: ref.name,
        path: formatPath(itemPath),
      });
      continue;
    }
    if (!catalog.canList) {
      problems.push(
        problem(itemPath, ref, "cannot be found by friendly name alone here; add fabricName, protectionContainerName and name"),
      );
      continue;
    }
    listed ??= (await catalog.list()).map(toProtectedItemRef);
    const matches = listed.filter((c) => c.friendlyName.toLowerCase() === ref.friendlyName!.toLowerCase());
    if (matches.length !== 1) {
      const known = listed
        .map((c) => c.friendlyName)
        .sort()
        .join(", ");
      problems.push(
        problem(
          itemPath,
          ref,
          matches.length === 0
            ? `matches no protected item in vault ${cfg.vault.name} (it holds: ${known || "none"})`
            : `matches ${matches.length} protected items in vault ${cfg.vault.name}; add fabricName, protectionContainerName and name`,
        ),
      );
      continue;
    }
    const found = matchItemRef(ref, matches)!;
    located.push({
      fabricName: found.fabricName,
      protectionContainerName: found.protectionContainerName,
      name: found.name,
      path: formatPath(itemPath),
    });
  }
  if (problems.length > 0) throw new DrillConfigError(problems);
  return located;
}

async function readLocated(
  cfg: DrillConfig,
  located: LocatedItem[],
  readers: ItemSettingsReaders,
  catalog: VaultItemCatalog,
): Promise<ResolvedItem[]> {
  return Promise.all(
    located.map(async (l) => ({ ...(await readItemSettings(cfg.vault, l, readers, l.path, catalog)), configPath: l.path })),
  );
}

/**
 * Reads the configured recovery plan. When the read fails and the vault's plan list does not hold the
 * name, the problem lists the plans it holds (the invoke's own error is SDK plumbing); any other failure
 * is passed on as it is.
 */
export async function readConfiguredPlan(
  cfg: DrillConfig,
  planName: string,
  readers: VaultReaders,
  planPath: ConfigPath = ["scope", "recoveryPlan"],
): Promise<RecoveryPlanLike> {
  try {
    return await readers.getRecoveryPlan({
      resourceGroupName: cfg.vault.resourceGroup,
      resourceName: cfg.vault.name,
      recoveryPlanName: planName,
    });
  } catch (err) {
    const plans = readers.listRecoveryPlans ? await readers.listRecoveryPlans().catch(() => undefined) : undefined;
    if (plans && !plans.some((p) => p.name.toLowerCase() === planName.toLowerCase())) {
      const held = plans
        .map((p) => p.name)
        .sort()
        .join(", ");
      throw new DrillConfigError([
        problem(planPath, planName, `is not a recovery plan of vault ${cfg.vault.name} (it holds: ${held || "none"})`),
      ]);
    }
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(
      `${formatPath(planPath)}: reading recovery plan ${JSON.stringify(planName)} in vault ${cfg.vault.name} failed: ${why}`,
      { cause: err },
    );
  }
}

/** The configured recovery plans with the config path of each: scope.recoveryPlan, or scope.recoveryPlans[i]. */
export function configuredPlans(cfg: DrillConfig): { name: string; path: ConfigPath }[] {
  if (cfg.scope.recoveryPlan !== undefined) return [{ name: cfg.scope.recoveryPlan, path: ["scope", "recoveryPlan"] }];
  return (cfg.scope.recoveryPlans ?? []).map((name, i) => ({ name, path: ["scope", "recoveryPlans", i] }));
}

async function resolvePlan(
  cfg: DrillConfig,
  plan: { name: string; path: ConfigPath },
  readers: VaultReaders,
  catalog: VaultItemCatalog,
): Promise<ResolvedApplication> {
  const planName = plan.name;
  const read = await readConfiguredPlan(cfg, planName, readers, plan.path);
  const ids = recoveryPlanMemberIds(read);
  // Size first (no need to read 101 items to refuse them), then the DC overlap with friendly names.
  const sizeProblems = recoveryPlanProblems(
    planName,
    ids.map((id) => ({ id })),
    [],
    plan.path,
  );
  if (sizeProblems.length > 0) throw new DrillConfigError(sizeProblems);
  const configPath = `${formatPath(plan.path)} (${planName})`;
  const located = ids.map((id) => {
    const parts = parseProtectedItemId(id);
    if (!parts) throw new Error(`${configPath}: recovery plan ${planName} lists ${JSON.stringify(id)}, which is not a protected item id`);
    return { ...parts, path: configPath };
  });
  const items = await readLocated(cfg, located, readers, catalog);
  const overlap = recoveryPlanProblems(
    planName,
    items.map((it) => ({ id: it.ref.id, friendlyName: it.ref.friendlyName })),
    cfg.directoryCopy?.items ?? [],
    plan.path,
  );
  if (overlap.length > 0) throw new DrillConfigError(overlap);
  return { scope: { kind: "recoveryPlan", recoveryPlanName: planName, recoveryPlanId: read.id }, items };
}

async function resolveApplicationScopes(
  cfg: DrillConfig,
  readers: VaultReaders,
  catalog: VaultItemCatalog,
): Promise<ResolvedApplication[]> {
  const plans = configuredPlans(cfg);
  if (plans.length === 0) {
    const items = await readLocated(cfg, await locateItems(cfg, cfg.scope.items ?? [], ["scope", "items"], catalog), readers, catalog);
    return [{ scope: { kind: "protectedItems", items: items.map((i) => i.ref) }, items }];
  }
  // Every plan's problems at once (an unknown plan and a plan of 101 items are both reported).
  const settled = await Promise.allSettled(plans.map((p) => resolvePlan(cfg, p, readers, catalog)));
  const problems = settled.flatMap((r) => (r.status === "rejected" && r.reason instanceof DrillConfigError ? r.reason.problems : []));
  const other = settled.find((r): r is PromiseRejectedResult => r.status === "rejected" && !(r.reason instanceof DrillConfigError));
  if (other) throw other.reason;
  if (problems.length > 0) throw new DrillConfigError(problems);
  return settled.map((r) => (r as PromiseFulfilledResult<ResolvedApplication>).value);
}

/**
 * The same protected item named twice after resolution (by protected-item id): within the application
 * items, within the directory copy, or in both. Each problem names both config paths.
 */
export function duplicateItemProblems(application: ResolvedItem[], directoryCopy: ResolvedItem[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, ResolvedItem>();
  const check = (it: ResolvedItem, why: (first: ResolvedItem) => string) => {
    const key = it.ref.id.toLowerCase();
    const first = seen.get(key);
    if (first) problems.push(`${it.configPath}: ${JSON.stringify(it.ref.friendlyName)} ${why(first)}`);
    else seen.set(key, it);
  };
  const sameItem = (first: ResolvedItem) =>
    `is the same protected item as ${first.configPath} (${first.ref.friendlyName}, ${first.ref.id})`;
  for (const it of application) check(it, (first) => `${sameItem(first)}; list each item once`);
  for (const it of directoryCopy) {
    check(it, (first) =>
      application.includes(first)
        ? `${sameItem(first)}, in the application scope; the directory copy is test-failed-over on its own, first, and cleaned up last: remove it from one of them`
        : `${sameItem(first)}; list each domain controller once`,
    );
  }
  return problems;
}

/** Expected results whose friendly name is no item of the drill. */
export function unknownExpectationProblems(expected: ExpectedVmResult[], known: ResolvedItem[]): string[] {
  const names = new Set(known.map((k) => k.ref.friendlyName.toLowerCase()));
  const all = [...new Set(known.map((k) => k.ref.friendlyName))].join(", ");
  return expected.flatMap((e, i) =>
    names.has(e.friendlyName.toLowerCase())
      ? []
      : [problem(["expected", i, "friendlyName"], e.friendlyName, `is not an item of this drill (${all})`)],
  );
}

/** scope.allowUnhealthy entries that name no item of the drill (a typo would silently allow nothing). */
export function unknownAllowUnhealthyProblems(allowUnhealthy: string[], known: ResolvedItem[]): string[] {
  const names = new Set(known.map((k) => k.ref.friendlyName.toLowerCase()));
  const all = [...new Set(known.map((k) => k.ref.friendlyName))].join(", ");
  return allowUnhealthy.flatMap((name, i) =>
    names.has(name.toLowerCase()) ? [] : [problem(["scope", "allowUnhealthy", i], name, `is not an item of this drill (${all})`)],
  );
}

/** The ARM id the drill's isolated test network has or will have (in testNetwork.subscriptionId, else the vault's). */
export function drillTestNetworkId(cfg: DrillConfig): string {
  const rg = cfg.testNetwork.resourceGroup ?? cfg.testNetwork.existingResourceGroup ?? "";
  return virtualNetworkId(cfg.testNetwork.subscriptionId ?? cfg.vault.subscriptionId, rg, cfg.testNetwork.vnetName);
}

/** Adds each item's readiness facts to its snapshot (one read of the vault's job list for all of them). */
async function addReadiness(cfg: DrillConfig, items: ResolvedItem[], readers: ItemSettingsReaders): Promise<void> {
  const jobs: Job[] = readers.listJobs ? await readers.listJobs() : [];
  const allowed = new Set((cfg.scope.allowUnhealthy ?? []).map((n) => n.toLowerCase()));
  const testNetworkId = drillTestNetworkId(cfg);
  for (const it of items) {
    const readiness = itemReadiness(it.item as ProtectedItem, jobs, {
      testNetworkId,
      allowUnhealthy: allowed.has(it.ref.friendlyName.toLowerCase()),
    });
    if (readiness) it.snapshot.readiness = readiness;
  }
}

/**
 * Resolves the whole scope or throws a DrillConfigError listing every problem found. The vault's item
 * list is read once for all of it (one request per page) and each distinct availability set and
 * replication storage account once.
 */
export async function resolveDrillScope(cfg: DrillConfig, readers: VaultReaders): Promise<ResolvedDrillScope> {
  const catalog = new VaultItemCatalog(readers);
  const applications = await resolveApplicationScopes(cfg, readers, catalog);
  const dcRefs = cfg.directoryCopy?.items ?? [];
  const directoryCopy =
    dcRefs.length > 0 ? await readLocated(cfg, await locateItems(cfg, dcRefs, ["directoryCopy", "items"], catalog), readers, catalog) : [];
  const applicationItems = applications.flatMap((a) => a.items);
  const all = [...applicationItems, ...directoryCopy];
  const problems = [
    ...duplicateItemProblems(applicationItems, directoryCopy),
    ...unknownExpectationProblems(cfg.expected, all),
    ...unmatchedRuleProblems(
      cfg.expectedRules,
      all.map((i) => i.ref.friendlyName),
    ),
    ...unknownAllowUnhealthyProblems(cfg.scope.allowUnhealthy ?? [], all),
  ];
  if (problems.length > 0) throw new DrillConfigError(problems);
  await addReadiness(cfg, all, readers);
  const expected = effectiveExpectations([...new Set(all.map((i) => i.ref.friendlyName))], cfg.expectedRules, cfg.expected);
  return { applications, directoryCopy, expected };
}
