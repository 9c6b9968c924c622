// The "created but failed to initialise" error must be encodable by the dynamic-provider host, which
// turns its properties into a protobuf Struct: otherwise the create never answers and `pulumi up` hangs.
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ResourceInitError } from "../../../components/asr/provider";

describe("ResourceInitError", () => {
  it("carries properties that protobuf Struct can encode, even when the state has undefined fields", () => {
    const state = {
      verdict: "failed",
      rtoAchievedSeconds: undefined,
      testVms: [{ friendlyName: "APP01", secondsToRunning: undefined, checks: [{ name: "exists", passed: false, detail: "no VM" }] }],
      startedAt: new Date("2026-11-26T07:00:00Z"),
    };
    // The raw state is what used to be passed through: it cannot be encoded.
    expect(() => Struct.fromJavaScript(state as never)).toThrow(/Unexpected struct type/);
    const err = new ResourceInitError("test failover failed", "/subscriptions/s/x", state, ["job failed"]);
    expect(() => Struct.fromJavaScript(err.properties as never)).not.toThrow();
    expect(err.properties).toEqual({
      verdict: "failed",
      testVms: [{ friendlyName: "APP01", checks: [{ name: "exists", passed: false, detail: "no VM" }] }],
      startedAt: "2026-11-26T07:00:00.000Z",
    });
  });
});
