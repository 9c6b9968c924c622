// The TestFailover resource's state and the plumbing every provider operation shares: inputs without
// the outputs the engine hands back, the ASR client for those inputs, the outputs record and its report.
import { DEFAULT_POLL_INTERVAL_SECONDS, type TestFailoverInputs, type TestFailoverOutputs } from "../contract";
import { SiteRecoveryDrillClient, SiteRecoveryDrillClientOptions } from "./asrClient";
import type { TestVmReportEx } from "./verifier";
import type { InGuestOptions } from "./inGuestChecks";

/** The resource's state: the contract's outputs plus a few fields the provider needs later. */
export interface TestFailoverState extends TestFailoverOutputs {
  testVms: TestVmReportEx[];
  /** True when create adopted a test failover an earlier (killed) `up` had started. */
  adopted: boolean;
  /** ARM requests the create (or last update) sent, for the drill's cost report. */
  armRequests: number;
}

export interface ProviderDeps {
  log?: (line: string) => void;
  /** Overrides for tests (sleep, pollIntervalInMs, retry options). */
  clientOptions?: Partial<SiteRecoveryDrillClientOptions>;
  /** Overrides for tests: how long and how often the VM agent of a test VM is awaited, progress cadence. */
  verify?: InGuestOptions;
}

/** Test failover cleanup comments: "Test failover cleanup comments.", maxLength 1024 (spec). */
export const MAX_NOTES = 1024;
/** Inputs whose change needs a new test failover (ASR allows one active test failover per item). */
export const REPLACE_KEYS = ["scope", "testNetworkId", "vault", "recoveryPointType", "failoverDirection"] as const;
/**
 * Secret inputs: used when the test failover is triggered, never written to the outputs (the drill report
 * reads the outputs from state) and not a reason to re-verify or replace when they change.
 */
export const SECRET_INPUT_KEYS = ["kekCertificatePfx"] as const;
const OUTPUT_ONLY_KEYS = ["jobIds", "testVms", "groupTimings", "rtoAchievedSeconds", "verdict", "failures", "adopted", "armRequests"];

export function stripProvider<T extends Record<string, unknown>>(o: T): T {
  const { __provider: _p, ...rest } = o as Record<string, unknown>;
  return rest as T;
}

/** The inputs part of what the engine passes (olds carry outputs too). */
export function inputsOf(o: Record<string, unknown>): TestFailoverInputs {
  const rest = stripProvider({ ...o });
  for (const k of OUTPUT_ONLY_KEYS) delete (rest as Record<string, unknown>)[k];
  return rest as unknown as TestFailoverInputs;
}

/** JSON with sorted keys, so that diff compares values, not key order. */
export function stable(v: unknown): string {
  return JSON.stringify(v, (_k, val) =>
    val && typeof val === "object" && !Array.isArray(val)
      ? Object.fromEntries(
          Object.keys(val)
            .sort()
            .map((k) => [k, val[k]]),
        )
      : val,
  );
}

/** Every log line of a drill's test failover starts with this, so parallel drills stay readable. */
export function drillLog(inputs: TestFailoverInputs, deps: ProviderDeps): (line: string) => void {
  const log = deps.log ?? ((line: string) => console.log(line));
  return (line) => log(`[drill ${inputs.drillId} ${inputs.role}] ${line}`);
}

export function makeClient(inputs: TestFailoverInputs, deps: ProviderDeps): SiteRecoveryDrillClient {
  return new SiteRecoveryDrillClient(inputs.vault, {
    // The whole connection: endpoint, credential mode, cloud and (staticToken) the token's variable.
    ...inputs.arm,
    // The resource's own poll interval (a resource recorded before it existed gets the service's 30 s).
    pollIntervalInMs: (inputs.timeouts?.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS) * 1000,
    log: drillLog(inputs, deps),
    ...deps.clientOptions,
  });
}

/** The resource id: the scope's ARM id(s) — stable across adopt/retry, known before anything starts. */
export function resourceIdOf(inputs: TestFailoverInputs): string {
  if (inputs.scope.kind === "recoveryPlan") return inputs.scope.recoveryPlanId;
  return inputs.scope.items.map((i) => i.id).join(",");
}

/** The state record: inputs + outputs, with defaults for what is not known (yet). */
export function outputs(inputs: TestFailoverInputs, fields: Partial<TestFailoverState>): TestFailoverState {
  const publicInputs: Record<string, unknown> = { ...inputs };
  for (const k of SECRET_INPUT_KEYS) delete publicInputs[k];
  return {
    ...publicInputs,
    jobIds: [],
    testVms: [],
    groupTimings: [],
    verdict: "failed",
    failures: [],
    adopted: false,
    armRequests: 0,
    ...fields,
  } as TestFailoverState;
}

/** One line per test VM and the verdict, as Pulumi shows them under the resource. */
export function report(log: (l: string) => void, state: TestFailoverState): void {
  for (const vm of state.testVms) {
    const bad = vm.checks.filter((c) => !c.passed);
    log(
      `${vm.friendlyName} → ${vm.testVmName || "(no test VM)"}: ${vm.size || "-"} ${vm.powerState} ${vm.ips.join(",") || "-"} ${bad.length ? `FAILED ${bad.map((c) => c.name).join(", ")}` : "all checks passed"}${vm.secondsToRunning !== undefined ? `, running after ${vm.secondsToRunning} s` : ""}`,
    );
  }
  log(`verdict: ${state.verdict}${state.failures.length ? `\n  - ${state.failures.join("\n  - ")}` : ""}`);
}
