// The process-tree memory sampler of the CLI drill benchmark, on a real child process tree.
import { spawn } from "child_process";
import { cpuSecondsOf, descendantsOf, labelOf, sampleProcessTree } from "../../bench/processTree";

test("labels the drill's processes from their command lines", () => {
  expect(labelOf("node /w/dist/scripts/drill.js --fixture f")).toBe("drill runner");
  expect(labelOf("node /w/dist/twin/main.js --port 0")).toBe("twin");
  expect(labelOf("node /w/dist/twin/plugins/azure-native/main.js")).toBe("plugin azure-native (stand-in)");
  expect(labelOf("node /w/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js")).toBe("dynamic provider");
  // Pulumi's plugin script runs node as its child: the shell is not counted as a second provider.
  expect(labelOf("/bin/sh /w/.tools/bin/pulumi-resource-pulumi-nodejs 127.0.0.1:4001")).toBe("dynamic provider (sh wrapper)");
  expect(labelOf("node /w/node_modules/@pulumi/pulumi/cmd/run-policy-pack /w/policy")).toBe("policy pack");
  expect(labelOf("node /w/node_modules/@pulumi/pulumi/cmd/run /w")).toBe("program (index.ts)");
  expect(labelOf("/w/.tools/bin/pulumi up --yes")).toBe("pulumi CLI");
  // The CLI of a policy-checked operation is the CLI, not the pack (it names the pack in its arguments).
  expect(labelOf("/w/.tools/bin/pulumi up --yes --skip-preview --policy-pack /w/policy --parallel 19")).toBe("pulumi CLI");
  expect(labelOf("pulumi preview --policy-pack /w/policy")).toBe("pulumi CLI");
  expect(labelOf("/w/.tools/bin/pulumi-language-nodejs 127.0.0.1:4000")).toBe("language host");
});

test("finds grandchildren and records each one's peak; the tree total covers a 64 MB buffer held by a grandchild", async () => {
  // sh → node (holds 64 MB for a while): the sampler must see the grandchild, not only the direct child.
  const script = "const b = Buffer.alloc(64 * 2 ** 20, 1); setTimeout(() => b.length, 1500);";
  const child = spawn("sh", ["-c", `"${process.execPath}" -e '${script}'`], { stdio: "ignore" });
  const sampler = sampleProcessTree(child.pid as number, 50);
  await new Promise((r) => setTimeout(r, 800));
  expect(descendantsOf(child.pid as number).length).toBeGreaterThanOrEqual(2);
  await new Promise((r) => child.on("close", r));
  const mem = sampler.stop();
  const node = mem.processes.find((p) => p.pid !== child.pid);
  expect(node?.peakMB).toBeGreaterThanOrEqual(64);
  expect(mem.peakTotalMB).toBeGreaterThanOrEqual(64);
  expect(mem.peakTotalPssMB).toBeGreaterThan(0);
  expect(mem.processes.find((p) => p.pid === child.pid)).toBeDefined();
  // What was alive at the peak holds the buffer (kinds are labelled from the command lines).
  expect(mem.atPeak.reduce((sum, k) => sum + k.rssMB, 0)).toBeGreaterThanOrEqual(64);
  expect(mem.atPeak.reduce((sum, k) => sum + k.processes, 0)).toBeGreaterThanOrEqual(2);
});

test("reads utime + stime from /proc/<pid>/stat, past a command name with spaces and parentheses", () => {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
  const stat = "4242 (node (worker) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 11 0";
  expect(cpuSecondsOf(stat)).toBeCloseTo(3.25);
  expect(cpuSecondsOf(stat, 1000)).toBeCloseTo(0.325);
});

test("counts the CPU time a busy grandchild spent", async () => {
  const script = "const end = Date.now() + 1200; while (Date.now() < end);";
  const child = spawn("sh", ["-c", `"${process.execPath}" -e '${script}'; sleep 0.3`], { stdio: "ignore" });
  const sampler = sampleProcessTree(child.pid as number, 50);
  await new Promise((r) => child.on("close", r));
  const mem = sampler.stop();
  const busy = mem.processes.reduce((max, p) => Math.max(max, p.cpuSeconds), 0);
  expect(busy).toBeGreaterThanOrEqual(0.8);
});

test("a process seen before its exec is labelled by what it runs after it", async () => {
  // The shell is sampled first (label "sh -c": what it execs is in its environment, not its arguments); it
  // then execs node, which keeps its pid and names the twin's entry point in its arguments.
  const child = spawn("sh", ["-c", 'sleep 0.4; exec "$NODE" -e "$SCRIPT" "$ENTRY"'], {
    stdio: "ignore",
    env: {
      ...process.env,
      NODE: process.execPath,
      SCRIPT: "const b = Buffer.alloc(16 * 2 ** 20, 1); setTimeout(() => b.length, 600);",
      ENTRY: "/w/dist/twin/main.js",
    },
  });
  const sampler = sampleProcessTree(child.pid as number, 50);
  await new Promise((r) => child.on("close", r));
  const mem = sampler.stop();
  const it = mem.processes.find((p) => p.pid === child.pid);
  expect(it?.label).toBe("twin");
  expect(it?.peakMB).toBeGreaterThanOrEqual(16);
});
