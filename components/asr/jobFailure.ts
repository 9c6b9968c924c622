// A failed ASR job as one readable line: the failed task and every distinct error (service and provider
// details, recommended action), including errors of a recovery plan's child tasks.
import type { Job, JobErrorDetails } from "./types";

function jobErrorText(e: JobErrorDetails): string {
  const s = e.serviceErrorDetails;
  const p = e.providerErrorDetails;
  const parts = [
    s?.code || s?.message ? `${s?.code ?? ""}${s?.code && s?.message ? ": " : ""}${s?.message ?? ""}` : undefined,
    p?.errorCode || p?.errorMessage ? `provider ${p?.errorCode ?? ""} ${p?.errorMessage ?? ""}`.trim() : undefined,
    s?.recommendedAction || p?.recommendedAction ? `recommended: ${s?.recommendedAction ?? p?.recommendedAction}` : undefined,
  ];
  return parts.filter(Boolean).join("; ");
}

export function jobFailureText(job: Job, label: string): string {
  const p = job.properties;
  const errs = [...(p.errors ?? [])];
  const walk = (tasks: Job["properties"]["tasks"]) => {
    for (const t of tasks ?? []) {
      for (const e of t.errors ?? []) errs.push({ ...e, taskId: e.taskId ?? t.name ?? t.friendlyName });
      walk(t.groupTaskCustomDetails?.childTasks);
    }
  };
  walk(p.tasks);
  const failedTask = (p.tasks ?? []).find((t) => t.state === "Failed");
  const unique = [...new Set(errs.map(jobErrorText).filter(Boolean))];
  return `${label}: ASR job ${job.name} ${p.state}${failedTask ? ` at task "${failedTask.friendlyName ?? failedTask.name}"` : ""}${unique.length ? `: ${unique.join(" | ")}` : ""}`;
}
