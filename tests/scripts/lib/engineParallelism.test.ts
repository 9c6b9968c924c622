import { defaultEngineParallelism, engineParallelism } from "../../../scripts/lib/engineParallelism";

describe("engineParallelism", () => {
  it("is the CLI's default (4 × cores, pulumi up.go defaultParallel) plus one slot per TestFailover", () => {
    expect(defaultEngineParallelism(2)).toBe(8);
    // 10 plans + the AD/DNS copy on 2 cores: every TestFailover holds a slot and 8 remain for the rest.
    expect(engineParallelism(11, {}, 2)).toBe(19);
    expect(engineParallelism(0, {}, 2)).toBe(8);
  });

  it("leaves the choice to the CLI when the user set PULUMI_PARALLEL", () => {
    expect(engineParallelism(11, { PULUMI_PARALLEL: "3" }, 2)).toBeUndefined();
    expect(engineParallelism(11, { PULUMI_PARALLEL: "" }, 2)).toBe(19);
  });
});
