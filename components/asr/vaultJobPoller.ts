// One job poller per vault in the provider process. The engine runs every TestFailover of a program in
// one dynamic-provider process, concurrently: the DC copy, each recovery plan, their cleanups. Each of
// them follows its ASR jobs through here, and one loop per vault reads the jobs of all of them with ONE
// request per interval — a GET of the job by name while only one job is followed, else one read of the
// vault's job list (ReplicationJobs_List, newest first, further pages only while a followed job is still
// missing; a job the list does not show after 3 polls is read by name). So polling cost grows with
// neither items nor plans (issue 19: 10 plans × 10 VMs cost 316 requests, one 100-VM plan 33).
// Jobs are still followed by name (JobPoller state {jobName}), so resume-from-state is unchanged, and
// timing out stops following a job, never the job.
import { isTerminalJobState, JobPoller, JobTimeoutError } from "./jobFollower";
import type { Job } from "./types";

/** What the poller needs of the vault's client (asrClient.ts's SiteRecoveryDrillClient), named here so the
 * client can import the poller without an import circle. */
export interface JobListClient {
  listJobsPage(nextLink?: string, abortSignal?: AbortSignal): Promise<{ jobs: Job[]; nextLink?: string; retryAfterInMs?: number }>;
  readonly sleep: (ms: number, abortSignal?: AbortSignal) => Promise<void>;
}

interface Watch {
  poller: JobPoller;
  /** Wall-clock ms after which the watch times out (absent: no timeout). */
  deadline?: number;
  timeoutInMs?: number;
  intervalInMs: number;
  missing: number;
  resolve(job: Job): void;
  reject(reason: unknown): void;
}

export interface FollowOptions {
  timeoutInMs?: number;
}

/** Pages read per poll at most while looking for jobs not on the first page. */
const MAX_PAGES = 5;
/** Polls in which a job may be missing from the list before it is read by name. */
const MISSING_POLLS_BEFORE_GET = 3;

export class VaultJobPoller {
  private readonly watches = new Set<Watch>();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly client: JobListClient,
    private readonly onIdle: () => void,
  ) {}

  /** How many jobs are followed right now (all drills of this vault in this process). */
  get following(): number {
    return this.watches.size;
  }

  /** Follows one job to a terminal state; its first poll waits for the 202's Retry-After or the next tick. */
  follow(poller: JobPoller, intervalInMs: number, options: FollowOptions = {}): Promise<Job> {
    return new Promise<Job>((resolve, reject) => {
      const w: Watch = {
        poller,
        intervalInMs,
        missing: 0,
        resolve,
        reject,
        timeoutInMs: options.timeoutInMs,
        deadline: options.timeoutInMs === undefined ? undefined : Date.now() + options.timeoutInMs,
      };
      this.watches.add(w);
      if (!this.loop) this.start();
    });
  }

  /** The first poll waits for the shortest first delay of the jobs waiting (the 202's Retry-After). */
  private start(): void {
    const first = Math.min(...[...this.watches].map((w) => w.poller.delays.initialDelayInMs ?? w.intervalInMs));
    this.loop = this.run(first).finally(() => {
      this.loop = undefined;
      // A watch added while the loop was ending starts a new one.
      if (this.watches.size) this.start();
      else this.onIdle();
    });
  }

  private settle(w: Watch, result: { job: Job } | { error: unknown }): void {
    this.watches.delete(w);
    if ("job" in result) w.resolve(result.job);
    else w.reject(result.error);
  }

  private async run(firstDelayInMs: number): Promise<void> {
    let delay = firstDelayInMs;
    while (this.watches.size) {
      // Watches that would pass their deadline before the next poll give up now (as JobPoller does).
      for (const w of [...this.watches]) {
        if (w.deadline !== undefined && Date.now() + delay > w.deadline) {
          const p = w.poller;
          this.settle(w, {
            error: new JobTimeoutError(
              p.state.jobName,
              p.state.label,
              Math.round((w.timeoutInMs ?? 0) / 60000),
              p.latest?.properties.state ?? undefined,
            ),
          });
        }
      }
      if (!this.watches.size) return;
      await this.client.sleep(delay);
      const open = [...this.watches];
      if (!open.length) return;
      let retryAfter: number | undefined;
      try {
        retryAfter = open.length === 1 ? await this.pollOne(open[0]) : await this.pollList(open);
      } catch (e) {
        for (const w of open) this.settle(w, { error: e });
      }
      delay = retryAfter ?? Math.min(...[...this.watches].map((w) => w.intervalInMs), ...open.map((w) => w.intervalInMs));
    }
  }

  private async pollOne(w: Watch): Promise<number | undefined> {
    const askedAt = Date.now();
    const { job, retryAfterInMs } = await w.poller.poll();
    if (job) seenAt.set(job, askedAt);
    if (job && isTerminalJobState(job.properties.state)) this.settle(w, { job });
    return retryAfterInMs;
  }

  private async pollList(open: Watch[]): Promise<number | undefined> {
    const wanted = new Map(open.map((w) => [w.poller.state.jobName.toLowerCase(), w]));
    let retryAfter: number | undefined;
    let nextLink: string | undefined;
    let pages = 0;
    do {
      const askedAt = Date.now();
      const page = await this.client.listJobsPage(nextLink);
      pages++;
      retryAfter ??= page.retryAfterInMs;
      for (const job of page.jobs) {
        const w = wanted.get((job.name ?? "").toLowerCase());
        if (!w) continue;
        wanted.delete(job.name.toLowerCase());
        w.missing = 0;
        w.poller.polls++;
        w.poller.observe(job);
        seenAt.set(job, askedAt);
        if (isTerminalJobState(job.properties.state)) this.settle(w, { job });
      }
      nextLink = page.nextLink;
    } while (wanted.size && nextLink && pages < MAX_PAGES);
    for (const w of wanted.values()) {
      if (++w.missing < MISSING_POLLS_BEFORE_GET) continue;
      try {
        const askedAt = Date.now();
        const { job } = await w.poller.poll();
        if (job) seenAt.set(job, askedAt);
        if (job && isTerminalJobState(job.properties.state)) this.settle(w, { job });
      } catch (e) {
        this.settle(w, { error: e });
      }
    }
    return retryAfter;
  }
}

const pollers = new Map<string, VaultJobPoller>();

/** When the request that returned a job was sent: what the job says held by then. */
const seenAt = new WeakMap<Job, number>();

/**
 * The latest time at which the poller saw these jobs as they are: reads that start after it see what the
 * jobs made (a test VM of an ended job). Undefined for jobs read elsewhere.
 */
export function jobsSeenSince(jobs: Job[]): number | undefined {
  const times = jobs.map((j) => seenAt.get(j)).filter((t): t is number => t !== undefined);
  return times.length === jobs.length && times.length ? Math.max(...times) : undefined;
}

/**
 * The vault's shared poller for this client's connection (endpoint, credential, vault). The first client
 * to follow a job reads for everyone until no job is left; the next one starts a new poller.
 */
export function vaultJobPollerFor(client: JobListClient, connectionKey: string): VaultJobPoller {
  let p = pollers.get(connectionKey);
  if (!p) {
    const created = new VaultJobPoller(client, () => {
      if (pollers.get(connectionKey) === created) pollers.delete(connectionKey);
    });
    pollers.set(connectionKey, created);
    p = created;
  }
  return p;
}
