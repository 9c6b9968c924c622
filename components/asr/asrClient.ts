// Site Recovery (and the few Compute/Network reads) the drill needs, on ArmClient.
// Why not @azure/arm-recoveryservices-siterecovery: see README.md in this folder.
import type { RecoveryPointType, VaultRef } from "../contract";
import { ArmClient, ArmClientOptions, ArmResponse, retryAfterInMs } from "./armClient";
import { API_VERSIONS, abortableSleep, idSegment, lastSegment, vaultPath } from "../contract";
import { jobNameFromHeaders } from "./ids";
import { JobPoller } from "./jobFollower";
import { sharedRead, type Freshness } from "./sharedReads";
import { vaultJobPollerFor } from "./vaultJobPoller";
import type { Job, NetworkInterface, ProtectedItem, RecoveryPlan, RecoveryPoint, RunCommandResult, VirtualMachine } from "./types";

export const ASR_API_VERSION = API_VERSIONS.asr;
export const COMPUTE_API_VERSION = API_VERSIONS.compute;
export const NETWORK_API_VERSION = API_VERSIONS.network;

export interface SiteRecoveryDrillClientOptions extends ArmClientOptions {
  /** Job poll interval when the service sends no Retry-After. Default 30000 ms (what ASR sends). */
  pollIntervalInMs?: number;
  /** Progress lines (task states); the provider passes console.log so Pulumi shows them. */
  log?: (line: string) => void;
}

export type TestFailoverTarget = { kind: "protectedItem"; id: string; label: string } | { kind: "recoveryPlan"; id: string; label: string };

export interface BeginTestFailoverOptions {
  networkId: string;
  failoverDirection: "PrimaryToRecovery";
  recoveryPointType: RecoveryPointType;
  /** Protected items only: the recovery point to fail over to (HyperVReplicaAzureTestFailoverInput.recoveryPointId); omitted = latest. */
  recoveryPointId?: string;
  /** Called before an ambiguous POST is repeated: returns the job the first attempt started, if any. */
  findAcceptedJob?: () => Promise<string | undefined>;
  /** Data-encrypted items only: the KEK certificate, PFX in base 64 (…FailoverInput.primaryKekCertificatePfx). */
  primaryKekCertificatePfx?: string;
}

export { vaultPath };

/** Path part of an ARM id (ids are absolute paths; ASR spells "/Subscriptions/"). */
function armPath(id: string): string {
  return id.startsWith("/") ? id : `/${id}`;
}

/** How fresh a read must be to be shared with the process's other TestFailovers (sharedReads.ts). */
export type Fresh = Freshness;

export class SiteRecoveryDrillClient {
  readonly arm: ArmClient;
  readonly vaultPath: string;
  readonly pollIntervalInMs: number;
  readonly sleep: (ms: number, abortSignal?: AbortSignal) => Promise<void>;
  readonly log: (line: string) => void;

  /** Who may share this client's job polls: same endpoint, credential and vault (injected test doubles apart). */
  readonly connectionKey: string;

  constructor(
    readonly vault: VaultRef,
    options: SiteRecoveryDrillClientOptions,
  ) {
    this.sleep = options.sleep ?? abortableSleep;
    this.connectionKey = [
      options.endpoint,
      options.credentialMode,
      options.tokenVariable ?? "",
      options.cloud ?? "",
      vaultPath(vault),
      instanceId(options.httpClient),
      instanceId(options.sleep),
    ]
      .join("|")
      .toLowerCase();
    this.log = options.log ?? (() => undefined);
    this.arm = new ArmClient({ ...options, sleep: this.sleep, onEvent: options.onEvent ?? this.log });
    this.vaultPath = vaultPath(vault);
    this.pollIntervalInMs = options.pollIntervalInMs ?? 30_000;
  }

  private asr = { "api-version": ASR_API_VERSION };

  // ---- reads ----
  getProtectedItem(id: string): Promise<ProtectedItem | undefined> {
    return this.arm.tryGet<ProtectedItem>(armPath(id), this.asr);
  }

  /**
   * Every protected item of the vault: one request per page, whatever the number of items. With `since`,
   * a list another TestFailover of this process started at or after it is shared (sharedReads.ts).
   */
  listProtectedItems(o: Fresh = {}): Promise<ProtectedItem[]> {
    return this.shared("items", o, () => this.arm.listAll<ProtectedItem>(`${this.vaultPath}/replicationProtectedItems`, this.asr));
  }

  /** A read of this connection shared with the process's other clients when fresh enough (sharedReads.ts). */
  private shared<T>(what: string, o: Freshness, read: () => Promise<T>): Promise<T> {
    return sharedRead(`${this.connectionKey}|${what}`.toLowerCase(), o, read);
  }

  getRecoveryPlan(name: string): Promise<RecoveryPlan | undefined> {
    return this.arm.tryGet<RecoveryPlan>(`${this.vaultPath}/replicationRecoveryPlans/${encodeURIComponent(name)}`, this.asr);
  }

  async getJob(name: string): Promise<Job | undefined> {
    return this.arm.tryGet<Job>(`${this.vaultPath}/replicationJobs/${encodeURIComponent(name)}`, this.asr);
  }

  listJobs(maxPages = 20, o: Fresh = {}): Promise<Job[]> {
    return this.shared(`jobs:${maxPages}`, o, () => this.arm.listAll<Job>(`${this.vaultPath}/replicationJobs`, this.asr, maxPages));
  }

  /** One page of the vault's job list (the first, or `nextLink`): the poll of several jobs at once. */
  async listJobsPage(nextLink?: string, abortSignal?: AbortSignal): Promise<{ jobs: Job[]; nextLink?: string; retryAfterInMs?: number }> {
    const res = nextLink
      ? await this.arm.get<{ value?: Job[]; nextLink?: string | null }>(nextLink, undefined, abortSignal)
      : await this.arm.get<{ value?: Job[]; nextLink?: string | null }>(`${this.vaultPath}/replicationJobs`, this.asr, abortSignal);
    return { jobs: res.body?.value ?? [], nextLink: res.body?.nextLink || undefined, retryAfterInMs: retryAfterInMs(res.headers) };
  }

  /**
   * Follows the jobs to a terminal state through the vault's one poller in this process (vaultJobPoller.ts):
   * every operation on the vault shares one request per interval. Results in the pollers' order.
   */
  followJobs(pollers: JobPoller[], options: { timeoutInMs?: number } = {}): Promise<PromiseSettledResult<Job>[]> {
    const shared = vaultJobPollerFor(this, this.connectionKey);
    return Promise.allSettled(pollers.map((p) => shared.follow(p, this.pollIntervalInMs, options)));
  }

  /** One job, through the vault's shared poller; rejects on timeout or a failed read. */
  async followJob(poller: JobPoller, options: { timeoutInMs?: number } = {}): Promise<Job> {
    const [r] = await this.followJobs([poller], options);
    if (r.status === "rejected") throw r.reason;
    return r.value;
  }

  getVirtualNetwork(
    id: string,
    o: Fresh = {},
  ): Promise<
    { id: string; name: string; properties?: { subnets?: { name: string; properties?: { addressPrefix?: string } }[] } } | undefined
  > {
    return this.shared(`vnet:${id}`, o, () => this.arm.tryGet(armPath(id), { "api-version": NETWORK_API_VERSION }));
  }

  /** VMs of a resource group with their instance views, one request per page (no per-VM GETs). */
  async listVirtualMachines(subscriptionId: string, resourceGroup: string, o: Fresh = {}): Promise<VirtualMachine[]> {
    const path = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines`;
    // A copy of the shared list: callers filter and extend their own.
    return [
      ...(await this.shared(`vms:${path}`, o, () =>
        this.arm.listAll<VirtualMachine>(path, { "api-version": COMPUTE_API_VERSION, $expand: "instanceView" }),
      )),
    ];
  }

  async listNetworkInterfaces(subscriptionId: string, resourceGroup: string, o: Fresh = {}): Promise<NetworkInterface[]> {
    const path = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/networkInterfaces`;
    return [
      ...(await this.shared(`nics:${path}`, o, () => this.arm.listAll<NetworkInterface>(path, { "api-version": NETWORK_API_VERSION }))),
    ];
  }

  private listUnsupported = new Set<string>();
  private statusLists = new Map<string, Promise<Map<string, NonNullable<VirtualMachine["properties"]>["instanceView"]>>>();

  /**
   * Run-time status of every VM of the subscription (VirtualMachines_ListAll, statusOnly=true), by
   * lower-case VM id. Concurrent callers (one per recovery resource group) share one read; a later
   * verification reads again (power states change). Empty when the endpoint does not support it.
   */
  virtualMachineStatuses(subscriptionId: string): Promise<Map<string, NonNullable<VirtualMachine["properties"]>["instanceView"]>> {
    const key = subscriptionId.toLowerCase();
    let p = this.statusLists.get(key);
    if (!p) {
      p = this.arm
        .listAll<VirtualMachine>(`/subscriptions/${subscriptionId}/providers/Microsoft.Compute/virtualMachines`, {
          "api-version": COMPUTE_API_VERSION,
          statusOnly: "true",
        })
        .then(
          (vms) => new Map(vms.filter((vm) => vm.properties?.instanceView).map((vm) => [vm.id.toLowerCase(), vm.properties!.instanceView])),
        )
        .catch((e) => {
          if (!isListUnsupported(e)) throw e;
          return new Map();
        });
      this.statusLists.set(key, p);
      const forget = () => setTimeout(() => this.statusLists.delete(key), 2000).unref?.();
      p.then(forget, forget);
    }
    return p;
  }

  /**
   * VMs of a resource group by one list (with instance views). Only when the endpoint cannot list
   * (400/404/405 — some ARM stand-ins) does it read the named VMs one by one, and says so once.
   */
  async virtualMachinesIn(subscriptionId: string, resourceGroup: string, names: string[], o: Fresh = {}): Promise<VirtualMachine[]> {
    const key = `vm:${subscriptionId}/${resourceGroup}`.toLowerCase();
    if (!this.listUnsupported.has(key)) {
      try {
        const listed = await this.listVirtualMachines(subscriptionId, resourceGroup, o);
        // Real ARM honours $expand=instanceView on the list; where an endpoint ignores it, read the
        // instance views of the VMs we care about (and say so once).
        let bare = listed.filter((vm) => !vm.properties?.instanceView && names.some((n) => n.toLowerCase() === vm.name.toLowerCase()));
        if (bare.length) {
          // The spec says $expand=instanceView on a list "can only be specified if a valid $filter
          // option is specified"; the documented list with run-time status is the subscription-wide
          // VirtualMachines_ListAll with statusOnly=true — still one request per page, not per VM.
          const statuses = await this.virtualMachineStatuses(subscriptionId);
          for (const vm of bare) {
            const iv = statuses.get(vm.id.toLowerCase());
            if (iv) vm.properties = { ...(vm.properties ?? {}), instanceView: iv };
          }
          bare = bare.filter((vm) => !vm.properties?.instanceView);
        }
        if (bare.length && !this.listUnsupported.has(`iv:${key}`)) {
          this.listUnsupported.add(`iv:${key}`);
          this.log(
            `the ARM endpoint returned no instance view on the VM lists of ${resourceGroup} ($expand=instanceView, statusOnly=true); reading ${bare.length} instance view(s) one by one`,
          );
        }
        for (const vm of bare) {
          const iv = await this.arm.tryGet<NonNullable<VirtualMachine["properties"]>["instanceView"]>(`${vm.id}/instanceView`, {
            "api-version": COMPUTE_API_VERSION,
          });
          vm.properties = { ...(vm.properties ?? {}), instanceView: iv };
        }
        return listed;
      } catch (e) {
        if (!isListUnsupported(e)) throw e;
        this.listUnsupported.add(key);
        this.log(
          `the ARM endpoint cannot list virtual machines in ${resourceGroup} (${(e as Error).message}); reading ${names.length} VM(s) one by one`,
        );
      }
    }
    const out: VirtualMachine[] = [];
    for (const name of names) {
      const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${name}`;
      const vm = await this.arm.tryGet<VirtualMachine>(id, { "api-version": COMPUTE_API_VERSION, $expand: "instanceView" });
      if (!vm) continue;
      if (!vm.properties?.instanceView) {
        const iv = await this.arm.tryGet<NonNullable<VirtualMachine["properties"]>["instanceView"]>(`${id}/instanceView`, {
          "api-version": COMPUTE_API_VERSION,
        });
        vm.properties = { ...(vm.properties ?? {}), instanceView: iv };
      }
      out.push(vm);
    }
    return out;
  }

  /** NICs of a resource group by one list; per-NIC reads of `ids` only when the endpoint cannot list. */
  async networkInterfacesIn(subscriptionId: string, resourceGroup: string, ids: string[], o: Fresh = {}): Promise<NetworkInterface[]> {
    const key = `nic:${subscriptionId}/${resourceGroup}`.toLowerCase();
    if (!this.listUnsupported.has(key)) {
      try {
        return await this.listNetworkInterfaces(subscriptionId, resourceGroup, o);
      } catch (e) {
        if (!isListUnsupported(e)) throw e;
        this.listUnsupported.add(key);
        this.log(`the ARM endpoint cannot list network interfaces in ${resourceGroup} (${(e as Error).message}); reading NICs one by one`);
      }
    }
    const out: NetworkInterface[] = [];
    for (const id of ids.filter((i) => idSegment(i, "resourceGroups")?.toLowerCase() === resourceGroup.toLowerCase())) {
      const nic = await this.arm.tryGet<NetworkInterface>(id, { "api-version": NETWORK_API_VERSION });
      if (nic) out.push(nic);
    }
    return out;
  }

  /** One VM's instance view (VirtualMachines_InstanceView): power state and the VM agent's status. */
  getVirtualMachineInstanceView(vmId: string): Promise<NonNullable<VirtualMachine["properties"]>["instanceView"] | undefined> {
    return this.arm.tryGet(`${armPath(vmId)}/instanceView`, { "api-version": COMPUTE_API_VERSION });
  }

  /** The item's recovery points (RecoveryPoints_ListByReplicationProtectedItems), every page. */
  listRecoveryPoints(itemId: string): Promise<RecoveryPoint[]> {
    return this.arm.listAll<RecoveryPoint>(`${armPath(itemId)}/recoveryPoints`, this.asr);
  }

  async listTargetComputeSizes(itemId: string): Promise<{ name?: string; properties?: { name?: string; maxNicsCount?: number } }[]> {
    return this.arm.listAll(`${armPath(itemId)}/targetComputeSizes`, this.asr);
  }

  // ---- long-running operations ----
  private poller(res: ArmResponse, label: string, fallbackJob?: string): JobPoller {
    const jobName = (res.confirmedByRead ? fallbackJob : undefined) ?? jobNameFromHeaders(res.headers) ?? fallbackJob;
    if (!jobName) {
      throw new Error(
        `${label}: the service accepted the request (HTTP ${res.status}) but named no job (no x-ms-request-id, Location or Azure-AsyncOperation)`,
      );
    }
    return new JobPoller(
      this.arm,
      this.vaultPath,
      ASR_API_VERSION,
      { jobName, label, initialDelayInMs: retryAfterInMs(res.headers) },
      {
        pollIntervalInMs: this.pollIntervalInMs,
        sleep: this.sleep,
        log: this.log,
      },
    );
  }

  /** Rebuilds a poller for a known job (resume after a killed `up`, or adoption). */
  resumeJob(jobName: string, label: string, initialDelayInMs = 0): JobPoller {
    return new JobPoller(
      this.arm,
      this.vaultPath,
      ASR_API_VERSION,
      { jobName, label, initialDelayInMs },
      {
        pollIntervalInMs: this.pollIntervalInMs,
        sleep: this.sleep,
        log: this.log,
      },
    );
  }

  /**
   * POST testFailover on a protected item or a recovery plan (reference/asr-api.md §4.1, §4.3).
   * networkType "VmNetworkAsInput" with the isolated test VNet's id.
   */
  async beginTestFailover(target: TestFailoverTarget, options: BeginTestFailoverOptions): Promise<JobPoller> {
    const kek = options.primaryKekCertificatePfx ? { primaryKekCertificatePfx: options.primaryKekCertificatePfx } : {};
    const body =
      target.kind === "recoveryPlan"
        ? {
            properties: {
              failoverDirection: options.failoverDirection,
              networkType: "VmNetworkAsInput",
              networkId: options.networkId,
              // RecoveryPlanHyperVReplicaAzureFailoverInput: recoveryPointType, primaryKekCertificatePfx.
              providerSpecificDetails: [{ instanceType: "HyperVReplicaAzure", recoveryPointType: options.recoveryPointType, ...kek }],
            },
          }
        : {
            properties: {
              failoverDirection: options.failoverDirection,
              networkType: "VmNetworkAsInput",
              networkId: options.networkId,
              // HyperVReplicaAzureTestFailoverInput.recoveryPointId: "In case of latest recovery point,
              // null should be passed" — so it is only sent for a chosen point.
              providerSpecificDetails: {
                instanceType: "HyperVReplicaAzure",
                ...(options.recoveryPointId ? { recoveryPointId: options.recoveryPointId } : {}),
                ...kek,
              },
            },
          };
    let acceptedJob: string | undefined;
    const res = await this.arm.post(`${armPath(target.id)}/testFailover`, body, {
      query: this.asr,
      confirmAccepted: options.findAcceptedJob
        ? async () => {
            acceptedJob = await options.findAcceptedJob!();
            return acceptedJob ? { status: 202, headers: {}, body: undefined } : undefined;
          }
        : undefined,
    });
    return this.poller(res, target.label, acceptedJob);
  }

  /** POST testFailoverCleanup with the drill's notes as comments (≤ 1024 characters). */
  async beginTestFailoverCleanup(
    target: TestFailoverTarget,
    comments: string,
    findAcceptedJob?: () => Promise<string | undefined>,
  ): Promise<JobPoller> {
    let acceptedJob: string | undefined;
    const res = await this.arm.post(
      `${armPath(target.id)}/testFailoverCleanup`,
      { properties: { comments } },
      {
        query: this.asr,
        confirmAccepted: findAcceptedJob
          ? async () => {
              acceptedJob = await findAcceptedJob();
              return acceptedJob ? { status: 202, headers: {}, body: undefined } : undefined;
            }
          : undefined,
      },
    );
    return this.poller(res, target.label, acceptedJob);
  }

  /**
   * Run Command on a test VM (in-guest checks), followed to its result. Azure-AsyncOperation is followed
   * when the 202 names it ("If your operation returns this value, use it to track the status of the
   * operation"; Location only without it — Microsoft Learn, "Track asynchronous Azure operations"): its
   * status body carries the operation's `endTime` in the service's clock, which is when the check ended
   * (`endedAt`). Not retried when ambiguous: a check run twice is harmless but costs time, so a failure is
   * reported.
   */
  async runCommand(
    vmId: string,
    commandId: string,
    script: string[],
    timeoutInMs: number,
  ): Promise<{ result: RunCommandResult; endedAt?: string }> {
    const res = await this.arm.post<RunCommandResult>(
      `${armPath(vmId)}/runCommand`,
      { commandId, script },
      { query: { "api-version": COMPUTE_API_VERSION } },
    );
    if (res.status === 200 && res.body) return { result: res.body };
    const location = res.headers["location"];
    const aao = res.headers["azure-asyncoperation"];
    const started = Date.now();
    let delay = retryAfterInMs(res.headers) ?? 2000;
    while (Date.now() - started < timeoutInMs) {
      await this.sleep(delay);
      if (aao) {
        const r = await this.arm.get<{
          status?: string;
          endTime?: string;
          properties?: { output?: RunCommandResult };
          error?: { message?: string };
        }>(aao);
        const s = r.body?.status;
        if (s && s !== "InProgress") {
          if (s !== "Succeeded")
            throw new Error(`Run Command on ${lastSegment(vmId)}: ${s}${r.body?.error?.message ? `: ${r.body.error.message}` : ""}`);
          return { result: r.body?.properties?.output ?? {}, endedAt: r.body?.endTime || undefined };
        }
        delay = retryAfterInMs(r.headers) ?? delay;
      } else if (location) {
        const r = await this.arm.get<RunCommandResult>(location);
        if (r.status === 200 && r.body) return { result: r.body };
        delay = retryAfterInMs(r.headers) ?? delay;
      } else {
        throw new Error(`Run Command on ${lastSegment(vmId)}: HTTP ${res.status} without a result or a polling URL`);
      }
    }
    throw new Error(`Run Command on ${lastSegment(vmId)} did not finish within ${Math.round(timeoutInMs / 1000)} s`);
  }
}

const instanceIds = new WeakMap<object, number>();
let nextInstanceId = 1;
/** A number per injected object (an HTTP client or timer of a test), so clients with different doubles never share a poller. */
function instanceId(o: object | undefined): string {
  if (!o) return "";
  if (!instanceIds.has(o)) instanceIds.set(o, nextInstanceId++);
  return String(instanceIds.get(o));
}

function isListUnsupported(e: unknown): boolean {
  const status = (e as { statusCode?: number }).statusCode;
  return status === 400 || status === 404 || status === 405;
}

export { idSegment };
