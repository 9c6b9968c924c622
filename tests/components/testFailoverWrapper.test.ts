// The serialized provider wrapper: when the implementation reports a started-then-failed test failover
// (the init-failed error form), the recorded state must keep __provider, or `pulumi destroy` cannot load
// the provider to run the cleanup.
import * as path from "path";

// What failover-drill/provider resolves to in this repository (package self-reference, built by npm run build).
const IMPL = path.join(__dirname, "..", "..", "dist", "components", "asr", "providerEntry.js");

describe("TestFailover provider wrapper", () => {
  beforeEach(() => jest.resetModules());

  it.each(["create", "update"] as const)("%s: an init-failed error keeps __provider in its properties", async (method) => {
    const initFailed = Object.assign(new Error("job failed at VmTfoPrepareTestVm"), {
      id: "/subscriptions/s/rp",
      properties: { verdict: "failed" } as Record<string, unknown>,
      reasons: ["job failed"],
    });
    jest.doMock(IMPL, () => ({ create: async () => Promise.reject(initFailed), update: async () => Promise.reject(initFailed) }), {
      virtual: true,
    });
    const { provider } = await import("../../components/testFailover");
    const inputs = { __provider: "exports.handler = ...", drillId: "d" };
    const call = method === "create" ? provider.create(inputs) : provider.update!("id", { __provider: "old" }, inputs);
    await expect(call).rejects.toBe(initFailed);
    expect(initFailed.properties).toEqual({ verdict: "failed", __provider: "exports.handler = ..." });
  });

  it("leaves other errors (nothing started) untouched", async () => {
    const plain = new Error("preflight: APP01 is not protected");
    jest.doMock(IMPL, () => ({ create: async () => Promise.reject(plain) }), { virtual: true });
    const { provider } = await import("../../components/testFailover");
    await expect(provider.create({ __provider: "p" })).rejects.toBe(plain);
    expect(Object.keys(plain)).toEqual([]);
  });
});
