// A Pulumi resource-provider gRPC server for the stand-in plugins. @pulumi/pulumi/provider's own
// server (3.248.0) never reports `supportsPreview`, drops the `preview` flag of Create/Update and the
// old inputs the engine sends, so the engine substitutes inputs for outputs during preview — every
// output not among the inputs (a resource group's `name`) turns unknown and every child plans a
// replace. azure-native answers Configure with `SupportsPreview: true` and computes planned outputs
// itself (pulumi-azure-native provider/pkg/provider/provider.go, Configure/Create/Update), so the
// stand-in needs a server that passes these through. Same protocol, same generated stubs.
import * as path from "node:path";

type Obj = Record<string, any>;

// The generated stubs and grpc-js come from inside @pulumi/pulumi (its own dependencies), so the
// stand-in speaks exactly the protocol version of the SDK the program uses.
const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved at run time from inside @pulumi/pulumi (see above), untyped
const fromSdk = (m: string) => require(require.resolve(m, { paths: [sdkDir] }));
const grpc = fromSdk("@grpc/grpc-js");
const provproto = fromSdk("@pulumi/pulumi/proto/provider_pb");
const provrpc = fromSdk("@pulumi/pulumi/proto/provider_grpc_pb");
const plugproto = fromSdk("@pulumi/pulumi/proto/plugin_pb");
const structproto = fromSdk("google-protobuf/google/protobuf/struct_pb");
const emptyproto = fromSdk("google-protobuf/google/protobuf/empty_pb");

export interface CheckFailure {
  property: string;
  reason: string;
}

/** PropertyDiff kinds of the protocol (provider.proto). */
export type DiffKind = "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Top-level property → kind, shown by the engine as `[diff: ~tags]`. */
  detailedDiff?: Record<string, DiffKind>;
}

/** What a stand-in implements. `oldInputs` are the inputs the engine recorded (it sends them since v3.74). */
export interface StandInProvider {
  version: string;
  check(urn: string, olds: Obj, news: Obj, randomSeed?: Uint8Array): Promise<{ inputs: Obj; failures?: CheckFailure[] }>;
  diff(id: string, urn: string, oldState: Obj, oldInputs: Obj | undefined, news: Obj): Promise<DiffResult>;
  create(urn: string, inputs: Obj, preview: boolean): Promise<{ id: string; outs: Obj }>;
  read(id: string, urn: string, state: Obj, oldInputs: Obj | undefined): Promise<{ id: string; props: Obj; inputs?: Obj }>;
  update(id: string, urn: string, oldState: Obj, oldInputs: Obj | undefined, news: Obj, preview: boolean): Promise<{ outs: Obj }>;
  delete(id: string, urn: string, state: Obj, oldInputs: Obj | undefined): Promise<void>;
  invoke(token: string, args: Obj): Promise<{ outputs?: Obj; failures?: CheckFailure[] }>;
  /** The provider resource's configuration (e.g. azure-native's `subscriptionId`), once, before any other call. */
  configure?(config: Obj): void;
}

const KIND: Record<DiffKind, number> = {
  add: provproto.PropertyDiff.Kind.ADD,
  "add-replace": provproto.PropertyDiff.Kind.ADD_REPLACE,
  delete: provproto.PropertyDiff.Kind.DELETE,
  "delete-replace": provproto.PropertyDiff.Kind.DELETE_REPLACE,
  update: provproto.PropertyDiff.Kind.UPDATE,
  "update-replace": provproto.PropertyDiff.Kind.UPDATE_REPLACE,
};

const toJs = (s: any): Obj | undefined => (s ? s.toJavaScript() : undefined);
const toStruct = (o: Obj | undefined) => structproto.Struct.fromJavaScript(o ?? {});

function failureList(failures: CheckFailure[] | undefined): any[] {
  return (failures ?? []).map((f) => {
    const cf = new provproto.CheckFailure();
    cf.setProperty(f.property);
    cf.setReason(f.reason);
    return cf;
  });
}

/** gRPC handlers: each unpacks the request, calls the stand-in and packs the answer; errors go back as UNKNOWN with the message. */
export function serviceImplementation(p: StandInProvider): Obj {
  const unary =
    (fn: (req: any) => Promise<any>) =>
    (call: any, callback: (err: any, value?: any) => void): void => {
      fn(call.request).then(
        (resp) => callback(null, resp),
        (err: unknown) => callback({ code: grpc.status.UNKNOWN, details: err instanceof Error ? err.message : String(err) }),
      );
    };
  return {
    getPluginInfo: unary(async () => {
      const r = new plugproto.PluginInfo();
      r.setVersion(p.version);
      return r;
    }),
    getSchema: unary(async () => {
      const r = new provproto.GetSchemaResponse();
      r.setSchema("{}");
      return r;
    }),
    configure: unary(async (req) => {
      // The engine sends an explicit provider's inputs as `args` (and, flattened, as `variables`
      // "<pkg>:config:<key>"); the stand-in reads args, else the variables.
      const args = toJs(req.getArgs?.());
      const variables: Obj = {};
      req.getVariablesMap?.().forEach((v: string, k: string) => (variables[k.replace(/^[^:]+:config:/, "")] = v));
      p.configure?.(args && Object.keys(args).length ? args : variables);
      const r = new provproto.ConfigureResponse();
      r.setAcceptsecrets(true);
      r.setAcceptresources(true);
      r.setAcceptoutputs(true);
      r.setSupportspreview(true);
      return r;
    }),
    cancel: unary(async () => new emptyproto.Empty()),
    attach: unary(async () => new emptyproto.Empty()),
    check: unary(async (req) => {
      const res = await p.check(req.getUrn(), toJs(req.getOlds()) ?? {}, toJs(req.getNews()) ?? {}, req.getRandomseed_asU8());
      const r = new provproto.CheckResponse();
      r.setInputs(toStruct(res.inputs));
      r.setFailuresList(failureList(res.failures));
      return r;
    }),
    diff: unary(async (req) => {
      const d = await p.diff(req.getId(), req.getUrn(), toJs(req.getOlds()) ?? {}, toJs(req.getOldInputs()), toJs(req.getNews()) ?? {});
      const r = new provproto.DiffResponse();
      r.setChanges(d.changes ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
      r.setReplacesList(d.replaces);
      r.setDeletebeforereplace(d.deleteBeforeReplace);
      if (d.detailedDiff) {
        r.setDiffsList(Object.keys(d.detailedDiff));
        const m = r.getDetaileddiffMap();
        for (const [k, kind] of Object.entries(d.detailedDiff)) {
          const pd = new provproto.PropertyDiff();
          pd.setKind(KIND[kind]);
          pd.setInputdiff(true);
          m.set(k, pd);
        }
        r.setHasdetaileddiff(true);
      }
      return r;
    }),
    create: unary(async (req) => {
      const res = await p.create(req.getUrn(), toJs(req.getProperties()) ?? {}, req.getPreview());
      const r = new provproto.CreateResponse();
      r.setId(res.id);
      r.setProperties(toStruct(res.outs));
      return r;
    }),
    read: unary(async (req) => {
      const res = await p.read(req.getId(), req.getUrn(), toJs(req.getProperties()) ?? {}, toJs(req.getInputs()));
      const r = new provproto.ReadResponse();
      r.setId(res.id);
      r.setProperties(toStruct(res.props));
      if (res.inputs) r.setInputs(toStruct(res.inputs));
      return r;
    }),
    update: unary(async (req) => {
      const res = await p.update(
        req.getId(),
        req.getUrn(),
        toJs(req.getOlds()) ?? {},
        toJs(req.getOldInputs()),
        toJs(req.getNews()) ?? {},
        req.getPreview(),
      );
      const r = new provproto.UpdateResponse();
      r.setProperties(toStruct(res.outs));
      return r;
    }),
    delete: unary(async (req) => {
      await p.delete(req.getId(), req.getUrn(), toJs(req.getProperties()) ?? {}, toJs(req.getOldInputs()));
      return new emptyproto.Empty();
    }),
    invoke: unary(async (req) => {
      const res = await p.invoke(req.getTok(), toJs(req.getArgs()) ?? {});
      const r = new provproto.InvokeResponse();
      r.setReturn(toStruct(res.outputs));
      r.setFailuresList(failureList(res.failures));
      return r;
    }),
  };
}

/** Serves the provider on 127.0.0.1 (a free port) and prints the port, as the engine expects of a plugin. */
export async function serveProvider(p: StandInProvider): Promise<void> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  // Methods left out (construct, call, parameterize, checkConfig, diffConfig, …) answer UNIMPLEMENTED,
  // which the engine handles the same way as with @pulumi/pulumi/provider's server.
  server.addService(provrpc.ResourceProviderService, serviceImplementation(p));
  const port: number = await new Promise((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err: Error | null, bound: number) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  process.stdout.write(`${port}\n`);
}
