// The memory floor of the drill's Node.js processes: @pulumi/pulumi's own import, measured in fresh processes.
import { floorAtPeak, measureImportFloor, SDK_LOADING_KINDS } from "../../bench/importFloor";

test("counts the processes alive at the peak that load @pulumi/pulumi, not the plugins, the twin or the shell wrapper", () => {
  const floor = { bareMB: 40, pulumiMB: 130, typescriptMB: 90, arboristMB: 77 };
  const atPeak = [
    { label: "dynamic provider", processes: 1, rssMB: 348 },
    { label: "dynamic provider (sh wrapper)", processes: 1, rssMB: 2 },
    { label: "pulumi CLI", processes: 1, rssMB: 312 },
    { label: "program (index.ts)", processes: 1, rssMB: 268 },
    { label: "policy pack", processes: 1, rssMB: 237 },
    { label: "drill runner", processes: 1, rssMB: 200 },
    { label: "twin", processes: 1, rssMB: 192 },
    { label: "plugin azure-native (stand-in)", processes: 1, rssMB: 71 },
  ];
  expect(floorAtPeak(floor, atPeak)).toEqual({ processes: 4, importMB: 360 });
  expect(SDK_LOADING_KINDS).not.toContain("twin");
});

test("measures a real floor: @pulumi/pulumi costs more than bare node, and TypeScript alone is a large part of it", () => {
  const f = measureImportFloor();
  expect(f.bareMB).toBeGreaterThan(10);
  expect(f.pulumiMB).toBeGreaterThan(f.bareMB);
  expect(f.typescriptMB).toBeGreaterThan(f.bareMB);
  expect(f.arboristMB).toBeGreaterThan(f.bareMB);
  // Loading TypeScript alone is at most what loading @pulumi/pulumi (which loads it) costs, give or take GC noise.
  expect(f.typescriptMB).toBeLessThanOrEqual(f.pulumiMB + 5);
}, 60_000);
