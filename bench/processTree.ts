// Peak memory of a process and all its descendants, sampled from /proc (Linux): a CLI drill is a tree of
// short-lived processes (the runner, the twin, Azurite, the pulumi CLI per command, its language host,
// the program, plugins, the policy pack, the dynamic provider), so one maxRSS says little. Each process's
// own peak is its VmHWM (kept by the kernel between samples); the tree's total is the largest sum of
// VmRSS seen at one sample, a lower bound of the true peak between samples. RSS counts pages the
// processes share (the node binary, shared libraries) once per process, so the total also comes as PSS
// (proportional set size, /proc/<pid>/smaps_rollup), which splits each shared page among its sharers.
// CPU time per process is utime + stime of /proc/<pid>/stat at its last sample (a lower bound for a
// process that exited between samples); what was alive at the RSS peak is kept by kind.
import * as fs from "fs";

export interface ProcessPeak {
  pid: number;
  label: string;
  peakMB: number;
  /** Wall seconds from the sampler's start. */
  firstSeenS: number;
  lastSeenS: number;
  /** User + system CPU seconds at the last sample. */
  cpuSeconds: number;
}

/** The processes of one kind alive at the sample of the tree's RSS peak. */
export interface KindAtPeak {
  label: string;
  processes: number;
  rssMB: number;
}

export interface TreeMemory {
  processes: ProcessPeak[];
  /** Largest sum of VmRSS over the tree at one sample. */
  peakTotalMB: number;
  /** Largest sum of PSS over the tree at one sample (shared pages split among their sharers). */
  peakTotalPssMB: number;
  /** What made up the RSS peak, largest kind first. */
  atPeak: KindAtPeak[];
  samples: number;
}

/** What a process of a drill is, from its command line (the first rule that matches). */
const LABELS: [RegExp, string][] = [
  // The CLI by its program name first: `pulumi up --policy-pack /w/policy` names the pack in its arguments.
  [/^(\S*\/)?pulumi(\s|$)/, "pulumi CLI"],
  [/dist\/scripts\/drill\.js/, "drill runner"],
  [/dist\/twin\/main\.js/, "twin"],
  [/azurite/, "azurite"],
  [/pulumi-language-nodejs/, "language host"],
  [/plugins\/azure-native\/|pulumi-resource-azure-native/, "plugin azure-native (stand-in)"],
  [/plugins\/random\/|pulumi-resource-random/, "plugin random (stand-in)"],
  // Pulumi's own pulumi-resource-pulumi-nodejs is a shell script that starts node without exec: the shell
  // apart, so "dynamic provider" counts the node processes only.
  [/^(\S*\/)?(ba|da)?sh \S*pulumi-resource-pulumi-nodejs/, "dynamic provider (sh wrapper)"],
  [/pulumi-resource-pulumi-nodejs|cmd\/dynamic-provider/, "dynamic provider"],
  [/run-policy-pack|policy-pack/, "policy pack"],
  [/@pulumi\/pulumi\/cmd\/run|cmd\/run\/index/, "program (index.ts)"],
  [/(^|\/)pulumi(\s|$)/, "pulumi CLI"],
];

/** The label of a process with no command line (yet). */
const UNLABELLED = "?";

export function labelOf(cmdline: string): string {
  for (const [re, label] of LABELS) if (re.test(cmdline)) return label;
  return (
    cmdline
      .split(" ")
      .slice(0, 2)
      .map((s) => s.split("/").pop())
      .join(" ")
      .slice(0, 60) || UNLABELLED
  );
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string {
  return (read(`/proc/${pid}/cmdline`) ?? "").split("\0").join(" ").trim();
}

/** pid → parent pid of every process visible now. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    if (!stat) continue;
    // The command name (field 2) may hold spaces and parentheses: the fields after it follow the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    out.set(Number(name), ppid);
  }
  return out;
}

export function descendantsOf(root: number, table = parents()): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const out: number[] = [];
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop() as number;
    if (!table.has(pid)) continue;
    out.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on Linux on every common architecture). */
const TICKS_PER_SECOND = 100;

/** utime + stime (fields 14 and 15) of a /proc/<pid>/stat line, in seconds. */
export function cpuSecondsOf(stat: string, ticksPerSecond = TICKS_PER_SECOND): number {
  // Fields after the command name (which may hold spaces and parentheses) start at field 3.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / ticksPerSecond : 0;
}

function kB(status: string, field: string): number | undefined {
  const m = new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(status);
  return m ? Number(m[1]) : undefined;
}

export interface TreeSampler {
  stop(): TreeMemory;
}

/** Samples the tree under `root` every `intervalMs` until stop(). */
export function sampleProcessTree(root: number, intervalMs = 250): TreeSampler {
  const start = Date.now();
  const seen = new Map<number, ProcessPeak>();
  let peakTotalKB = 0;
  let peakPssKB = 0;
  let atPeak: KindAtPeak[] = [];
  let samples = 0;
  const sample = () => {
    let totalKB = 0;
    let pssKB = 0;
    const kinds = new Map<string, KindAtPeak>();
    const t = (Date.now() - start) / 1000;
    for (const pid of descendantsOf(root)) {
      const status = read(`/proc/${pid}/status`);
      const hwmKB = status ? kB(status, "VmHWM") : undefined;
      // A zombie or a process that just exited has no memory fields.
      if (!status || hwmKB === undefined) continue;
      const rssKB = kB(status, "VmRSS") ?? 0;
      totalKB += rssKB;
      pssKB += kB(read(`/proc/${pid}/smaps_rollup`) ?? "", "Pss") ?? 0;
      const hwm = Math.round(hwmKB / 1024);
      const stat = read(`/proc/${pid}/stat`);
      let known = seen.get(pid);
      if (known) {
        // A process first seen between fork and exec carries its parent's command line (and memory), or
        // none while the kernel swaps its image: after exec it is what it runs now, and its VmHWM restarts.
        const cmdline = commandLine(pid);
        const label = cmdline ? labelOf(cmdline) : known.label;
        known.peakMB = label === known.label ? Math.max(known.peakMB, hwm) : hwm;
        known.label = label;
        known.lastSeenS = t;
      } else {
        known = { pid, label: labelOf(commandLine(pid)), peakMB: hwm, firstSeenS: t, lastSeenS: t, cpuSeconds: 0 };
        seen.set(pid, known);
      }
      if (stat) known.cpuSeconds = Math.max(known.cpuSeconds, cpuSecondsOf(stat));
      const kind = kinds.get(known.label) ?? { label: known.label, processes: 0, rssMB: 0 };
      kind.processes++;
      kind.rssMB += rssKB / 1024;
      kinds.set(known.label, kind);
    }
    if (totalKB > peakTotalKB) {
      peakTotalKB = totalKB;
      atPeak = [...kinds.values()].map((k) => ({ ...k, rssMB: Math.round(k.rssMB) })).sort((a, b) => b.rssMB - a.rssMB);
    }
    peakPssKB = Math.max(peakPssKB, pssKB);
    samples++;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return {
        processes: [...seen.values()],
        peakTotalMB: Math.round(peakTotalKB / 1024),
        peakTotalPssMB: Math.round(peakPssKB / 1024),
        atPeak,
        samples,
      };
    },
  };
}
