// verifiedAt: when a VM's verification ended successfully, in the service's clock.
import { verifiedAtOf } from "../../../components/asr/verifier";

const ok = (name: string) => ({ name, passed: true, detail: "" });
const RUNNING = "2026-12-03T10:01:10.0000000Z";
const RUN_COMMAND_END = "2026-12-03T10:02:05.1234567Z";

test("a VM with in-guest checks is verified when its last Run Command ended", () => {
  expect(verifiedAtOf([ok("exists"), ok("running"), ok("in-guest:dns")], RUNNING, RUN_COMMAND_END, true)).toBe(RUN_COMMAND_END);
});

test("a VM without in-guest checks is verified at its boot task's end (what the list checks read)", () => {
  expect(verifiedAtOf([ok("exists"), ok("running"), ok("size")], RUNNING, undefined, false)).toBe(RUNNING);
});

test("absent when any check failed, or when the service gave no Run Command end time", () => {
  expect(
    verifiedAtOf([ok("exists"), { name: "in-guest:dns", passed: false, detail: "no" }], RUNNING, RUN_COMMAND_END, true),
  ).toBeUndefined();
  expect(verifiedAtOf([ok("exists"), ok("in-guest:dns")], RUNNING, undefined, true)).toBeUndefined();
  expect(verifiedAtOf([], RUNNING, undefined, false)).toBeUndefined();
});
