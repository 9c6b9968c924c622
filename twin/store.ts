// The twin's whole state is one JSON document: ARM resources keyed by lower-cased id (ARM ids are
// case-insensitive), async operations, ASR jobs and sidecar metadata. It is written atomically
// (temp file + fsync + rename) before any mutating response is sent, so `kill -9` loses nothing.
import * as fs from "node:fs";
import * as path from "node:path";
import type { FaultSpec } from "./faultSpec";
import type { FixtureSettings } from "./fixtures/types";
import type { JobRecord } from "./asr/jobTypes";
import type { Json } from "./json";

export type { Json };

export interface ArmResource {
  id: string;
  name: string;
  type: string;
  location?: string;
  [key: string]: Json;
}

/** A long-running ARM operation (async PUT/DELETE, Run Command, VM power actions). */
export interface ArmOperation {
  name: string;
  kind: "put" | "delete" | "action";
  resourceId: string;
  startMs: number;
  doneAtMs: number;
  status: "InProgress" | "Succeeded" | "Failed";
  error?: { code: string; message: string };
  /** Result body served once done (Run Command output, for example). */
  output?: Json;
  /** Location/AAO scope (namespace + location) for building the polling URLs. */
  namespace: string;
  location: string;
  /** For kind "action": what completes (runCommand, start, powerOff, deallocate, restart). */
  action?: string;
  params?: Json;
}

/** Twin-only facts about a resource that are not part of its ARM payload. */
export interface ResourceMeta {
  /** Protected item (ASR) id a test VM/NIC/disk was created for. */
  createdFor?: string;
  /** Fixture role of the source VM, e.g. "domainController". */
  role?: string;
  /** Friendly name of the source item (for Run Command scripts). */
  sourceName?: string;
  /** VM power state code suffix: running, stopped, deallocated, starting. */
  powerState?: string;
  /** Protected items: the ASR job currently running on the item. */
  activeJob?: string;
  /** Protected items: ARM ids of the test VM, NICs and disks the last test failover created. */
  testResources?: string[];
  /** Protected items (fixture `vmAgent: false`) and their test VMs: no Azure VM agent in the guest. */
  noVmAgent?: boolean;
  /** Protected items: comments of the last test failover cleanup. */
  cleanupComments?: string;
}

export interface TwinState {
  version: 1;
  virtualMs: number;
  seq: number;
  resources: Record<string, ArmResource>;
  meta: Record<string, ResourceMeta>;
  operations: Record<string, ArmOperation>;
  jobs: Record<string, JobRecord>;
  faults: FaultSpec[];
  settings: FixtureSettings;
  /** Item ids whose "cleanupFailsOnce" fault already fired. */
  firedOnce: string[];
}

export function emptyState(virtualMs: number): TwinState {
  return {
    version: 1,
    virtualMs,
    seq: 0,
    resources: {},
    meta: {},
    operations: {},
    jobs: {},
    faults: [],
    settings: { pageSize: 50, domain: "contoso.local", runCommand: [] },
    firedOnce: [],
  };
}

export const key = (id: string) => id.toLowerCase();

export class StateFile {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = path.join(dir, "twin-state.json");
  }

  load(): TwinState | undefined {
    if (!fs.existsSync(this.file)) return undefined;
    const text = fs.readFileSync(this.file, "utf8");
    const parsed = JSON.parse(text) as TwinState;
    if (parsed.version !== 1) throw new Error(`${this.file}: unsupported state version ${String(parsed.version)}`);
    return parsed;
  }

  /** Atomic replace: a reader (or a restart after kill -9) sees the old or the new file, never half. */
  saveSync(state: TwinState): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeSync(fd, JSON.stringify(state));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
  }

  /**
   * The same atomic replace with the write and fsync off the event loop: the state is serialised when
   * this is called (later changes go to a later save), and the file is replaced only if `stillWanted()`
   * holds once it is on disk (stop() saves synchronously meanwhile; an older write must not follow it).
   * The caller runs one at a time.
   */
  async save(state: TwinState, stillWanted: () => boolean = () => true): Promise<void> {
    const text = JSON.stringify(state);
    await fs.promises.mkdir(this.dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.async.tmp`;
    const handle = await fs.promises.open(tmp, "w");
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (stillWanted()) await fs.promises.rename(tmp, this.file);
    else await fs.promises.rm(tmp, { force: true });
  }
}
