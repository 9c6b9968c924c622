// The error form the dynamic-provider host turns into ErrorResourceInitFailed: the resource is recorded
// in state with `properties`, so `pulumi destroy` can still run the test failover cleanup.

export class ResourceInitError extends Error {
  readonly properties: Record<string, unknown>;
  constructor(
    message: string,
    readonly id: string,
    properties: Record<string, unknown>,
    readonly reasons: string[],
  ) {
    super(message);
    this.name = "ResourceInitError";
    // The host encodes these with protobuf Struct.fromJavaScript, which throws on `undefined` (and on
    // class instances): the create would then never answer and `pulumi up` hangs with the stack locked.
    // A JSON round trip keeps exactly what state can hold.
    this.properties = JSON.parse(JSON.stringify(properties)) as Record<string, unknown>;
  }
}
