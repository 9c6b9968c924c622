// Follows an ASR job to a terminal state: polls GET {VAULT}/replicationJobs/{opId} once per interval
// (the server's Retry-After, else pollIntervalInMs), treats NotStarted (the skeleton seen right after a
// 202) as running, and reports each task's progress as it changes. Resumable from its serialized state
// ({jobName}), per the Azure SDK LRO guideline; giving up (timeout/abort) stops polling, never the job.
import type { ArmClient } from "./armClient";
import { retryAfterInMs } from "./armClient";
import type { AsrTask, Job } from "./types";

export const TERMINAL_JOB_STATES = ["Succeeded", "Failed", "Cancelled", "Suspended", "Other"];

export function isTerminalJobState(state: string | null | undefined): boolean {
  return !!state && TERMINAL_JOB_STATES.some((s) => s.toLowerCase() === state.toLowerCase());
}

export interface JobPollerState {
  jobName: string;
  /** What the job is for, used in progress lines, e.g. "test failover of DC01". */
  label: string;
  /** Retry-After of the response that started the job. */
  initialDelayInMs?: number;
}

export interface PollUntilDoneOptions {
  abortSignal?: AbortSignal;
  timeoutInMs?: number;
}

export class JobTimeoutError extends Error {
  constructor(
    readonly jobName: string,
    label: string,
    minutes: number,
    readonly lastState: string | undefined,
  ) {
    super(`${label}: ASR job ${jobName} still ${lastState ?? "running"} after ${minutes} minutes (the job itself was not cancelled)`);
    this.name = "JobTimeoutError";
  }
}

/** Depth-first list of a job's tasks, including a recovery plan's group child tasks. */
export function flattenTasks(tasks: AsrTask[] | null | undefined, depth = 0): { task: AsrTask; depth: number }[] {
  const out: { task: AsrTask; depth: number }[] = [];
  for (const t of tasks ?? []) {
    out.push({ task: t, depth });
    out.push(...flattenTasks(t.groupTaskCustomDetails?.childTasks, depth + 1));
  }
  return out;
}

export class JobPoller {
  latest: Job | undefined;
  polls = 0;
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly arm: ArmClient,
    private readonly vaultPath: string,
    private readonly apiVersion: string,
    readonly state: JobPollerState,
    private readonly options: {
      pollIntervalInMs: number;
      sleep: (ms: number, abortSignal?: AbortSignal) => Promise<void>;
      log: (line: string) => void;
    },
  ) {}

  toString(): string {
    return JSON.stringify(this.state);
  }

  async poll(abortSignal?: AbortSignal): Promise<{ job: Job | undefined; retryAfterInMs?: number }> {
    this.polls++;
    try {
      const res = await this.arm.get<Job>(
        `${this.vaultPath}/replicationJobs/${encodeURIComponent(this.state.jobName)}`,
        { "api-version": this.apiVersion },
        abortSignal,
      );
      this.latest = res.body;
      if (res.body) this.report(res.body);
      return { job: res.body, retryAfterInMs: retryAfterInMs(res.headers) };
    } catch (e) {
      // A job created a moment ago may not be readable yet: same as NotStarted.
      if ((e as { statusCode?: number }).statusCode === 404 && this.polls <= 3) return { job: undefined };
      throw e;
    }
  }

  async pollUntilDone(options: PollUntilDoneOptions = {}): Promise<Job> {
    const started = Date.now();
    let delay = this.state.initialDelayInMs ?? this.options.pollIntervalInMs;
    for (;;) {
      if (options.timeoutInMs !== undefined && Date.now() - started + delay > options.timeoutInMs) {
        throw new JobTimeoutError(
          this.state.jobName,
          this.state.label,
          Math.round(options.timeoutInMs / 60000),
          this.latest?.properties.state ?? undefined,
        );
      }
      await this.options.sleep(delay, options.abortSignal);
      const { job, retryAfterInMs: ra } = await this.poll(options.abortSignal);
      if (job && isTerminalJobState(job.properties.state)) return job;
      delay = ra ?? this.options.pollIntervalInMs;
    }
  }

  /** Takes a job body read elsewhere (a job list poll) as this poller's latest poll. */
  observe(job: Job): void {
    this.latest = job;
    this.report(job);
  }

  get delays() {
    return { initialDelayInMs: this.state.initialDelayInMs, pollIntervalInMs: this.options.pollIntervalInMs, sleep: this.options.sleep };
  }

  private report(job: Job): void {
    const p = job.properties;
    const jobKey = `job:${p.state}`;
    if (this.seen.get("job") !== jobKey) {
      this.seen.set("job", jobKey);
      this.options.log(
        `[${this.state.label}] job ${job.name}: ${p.state ?? "?"}${p.stateDescription && p.stateDescription !== p.state ? ` (${p.stateDescription})` : ""}`,
      );
    }
    const flat = flattenTasks(p.tasks);
    const top = (p.tasks ?? []).length;
    let index = 0;
    for (const { task, depth } of flat) {
      if (depth === 0) index++;
      const key = task.taskId || `${depth}:${task.name}:${task.friendlyName}:${index}`;
      const value = `${task.state}`;
      if (this.seen.get(key) === value) continue;
      this.seen.set(key, value);
      if (task.state === "NotStarted" && !this.seen.has(`${key}:announced`)) {
        this.seen.set(`${key}:announced`, "1");
        continue; // do not spam the pending task list
      }
      const pos = depth === 0 ? `${index}/${top} ` : "  ".repeat(depth);
      this.options.log(
        `[${this.state.label}] ${pos}${task.friendlyName ?? task.name ?? "task"}: ${task.state}${task.stateDescription && task.stateDescription !== task.state ? ` (${task.stateDescription})` : ""}`,
      );
    }
  }
}
