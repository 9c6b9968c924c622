// The long-running work the twin moves on virtual time, handed to the Twin core (twin.ts) by
// startTwin: ARM async operations (finishing with the POST actions) and ASR jobs.
import type { Scheduler } from "./twin";
import { completeDueOperations, nextOperationDue } from "./arm/operations";
import { completeAction } from "./arm/actions";
import { advanceJobs, nextJobDue } from "./asr/engine";

export const TWIN_SCHEDULERS: Scheduler[] = [
  { advance: (twin, now) => completeDueOperations(twin, now, completeAction), nextDue: nextOperationDue },
  { advance: advanceJobs, nextDue: nextJobDue },
];
