// The stand-in's provider gRPC handlers (twin/plugins/common/providerServer.ts): Configure announces
// preview support, Create/Update hand the `preview` flag and the engine's old inputs to the provider,
// Diff carries replaces, delete-before-replace and the detailed diff, errors come back with the message.
import * as path from "path";
import { serviceImplementation, StandInProvider } from "../../../twin/plugins/common/providerServer";

const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the generated stubs are resolved from inside @pulumi/pulumi, as the server under test loads them
const fromSdk = (m: string) => require(require.resolve(m, { paths: [sdkDir] }));
const provproto = fromSdk("@pulumi/pulumi/proto/provider_pb");
const structproto = fromSdk("google-protobuf/google/protobuf/struct_pb");
const struct = (o: object) => structproto.Struct.fromJavaScript(o);

type Calls = { method: string; args: unknown[] }[];

function fakeProvider(calls: Calls): StandInProvider {
  const record =
    (method: string, result: unknown) =>
    async (...args: unknown[]) => {
      calls.push({ method, args });
      if (result instanceof Error) throw result;
      return result as never;
    };
  return {
    version: "3.28.0",
    check: record("check", { inputs: { a: 1 }, failures: [{ property: "b", reason: "missing" }] }),
    diff: record("diff", {
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: true,
      detailedDiff: { name: "update-replace", tags: "add" },
    }),
    create: record("create", { id: "", outs: { name: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } }),
    read: record("read", { id: "/x", props: { p: 1 }, inputs: { i: 1 } }),
    update: record("update", { outs: { name: "kept" } }),
    delete: record("delete", new Error("InUseSubnetCannotBeDeleted: in use")),
    invoke: record("invoke", { outputs: { o: 1 } }),
    configure: (config) => void calls.push({ method: "configure", args: [config] }),
  };
}

function call(impl: Record<string, any>, method: string, request: unknown): Promise<{ err: any; value: any }> {
  return new Promise((resolve) => impl[method]({ request }, (err: any, value: any) => resolve({ err, value })));
}

describe("stand-in provider server", () => {
  const calls: Calls = [];
  const impl = serviceImplementation(fakeProvider(calls));
  beforeEach(() => (calls.length = 0));

  it("Configure announces preview support (as azure-native's Configure does) and accepts secrets", async () => {
    const { value } = await call(impl, "configure", new provproto.ConfigureRequest());
    expect(value.getSupportspreview()).toBe(true);
    expect(value.getAcceptsecrets()).toBe(true);
  });

  it("Configure hands an explicit provider's configuration (args, else the variables) to the stand-in", async () => {
    const withArgs = new provproto.ConfigureRequest();
    withArgs.setArgs(struct({ subscriptionId: "33333333-3333-4333-8333-333333333333" }));
    await call(impl, "configure", withArgs);
    const withVariables = new provproto.ConfigureRequest();
    withVariables.getVariablesMap().set("azure-native:config:subscriptionId", "44444444-4444-4444-8444-444444444444");
    await call(impl, "configure", withVariables);
    expect(calls.filter((c) => c.method === "configure").map((c) => c.args[0])).toEqual([
      { subscriptionId: "33333333-3333-4333-8333-333333333333" },
      { subscriptionId: "44444444-4444-4444-8444-444444444444" },
    ]);
  });

  it("Create and Update pass the preview flag and the old inputs through", async () => {
    const create = new provproto.CreateRequest();
    create.setUrn("u");
    create.setProperties(struct({ x: 1 }));
    create.setPreview(true);
    const c = await call(impl, "create", create);
    expect(calls[0]).toEqual({ method: "create", args: ["u", { x: 1 }, true] });
    expect(c.value.getProperties().toJavaScript()).toEqual({ name: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" });

    const update = new provproto.UpdateRequest();
    update.setId("/x");
    update.setUrn("u");
    update.setOlds(struct({ name: "kept" }));
    update.setOldInputs(struct({ tags: { a: "1" } }));
    update.setNews(struct({ tags: { a: "2" } }));
    update.setPreview(true);
    await call(impl, "update", update);
    expect(calls[1]).toEqual({ method: "update", args: ["/x", "u", { name: "kept" }, { tags: { a: "1" } }, { tags: { a: "2" } }, true] });
  });

  it("Diff answers with changes, replaces, delete-before-replace and a detailed diff", async () => {
    const req = new provproto.DiffRequest();
    req.setId("/x");
    req.setUrn("u");
    req.setOlds(struct({}));
    req.setOldInputs(struct({ name: "a" }));
    req.setNews(struct({ name: "b" }));
    const { value } = await call(impl, "diff", req);
    expect(calls[0].args[3]).toEqual({ name: "a" });
    expect(value.getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(value.getReplacesList()).toEqual(["name"]);
    expect(value.getDeletebeforereplace()).toBe(true);
    expect(value.getHasdetaileddiff()).toBe(true);
    const detailed = value.getDetaileddiffMap();
    expect(detailed.get("name").getKind()).toBe(provproto.PropertyDiff.Kind.UPDATE_REPLACE);
    expect(detailed.get("tags").getKind()).toBe(provproto.PropertyDiff.Kind.ADD);
  });

  it("Check returns inputs and failures; Read the engine's inputs; errors carry the provider's message", async () => {
    const check = new provproto.CheckRequest();
    check.setUrn("u");
    check.setOlds(struct({}));
    check.setNews(struct({ a: 1 }));
    const c = await call(impl, "check", check);
    expect(c.value.getFailuresList().map((f: any) => [f.getProperty(), f.getReason()])).toEqual([["b", "missing"]]);

    const read = new provproto.ReadRequest();
    read.setId("/x");
    read.setUrn("u");
    read.setProperties(struct({ p: 0 }));
    read.setInputs(struct({ i: 0 }));
    const r = await call(impl, "read", read);
    expect(calls[1].args).toEqual(["/x", "u", { p: 0 }, { i: 0 }]);
    expect(r.value.getInputs().toJavaScript()).toEqual({ i: 1 });

    const del = new provproto.DeleteRequest();
    del.setId("/x");
    del.setUrn("u");
    const d = await call(impl, "delete", del);
    expect(d.err.details).toBe("InUseSubnetCannotBeDeleted: in use");
  });
});
