// When `pulumi` is killed (SIGKILL, a crashed CI runner, a closed terminal), the dynamic-provider host that
// runs this provider is orphaned: its stdout/stderr are pipes nobody reads any more. The host of
// @pulumi/pulumi 3.248 (cmd/dynamic-provider) handles every uncaught error by console.error-ing it, and
// writing to the broken pipe raises EPIPE as a new uncaught error: the process spins at full CPU and keeps
// every error in a Set, growing by GBs, for as long as the machine runs (and a create in progress goes on
// polling ARM for a drill nobody will record). The engine is gone, so nothing this process does can be
// recorded any more: exit. The next `pulumi up` adopts a running test failover; `destroy` cleans it up.

/** Inside the dynamic-provider host, exit on the first EPIPE of stdout/stderr. Idempotent. */
export function exitWhenEngineGone(opts: { streams?: NodeJS.WriteStream[]; exit?: (code: number) => void; force?: boolean } = {}): boolean {
  const host = /[\\/]cmd[\\/]dynamic-provider[\\/]/.test(process.argv[1] ?? "");
  if (!host && !opts.force) return false;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  for (const s of opts.streams ?? [process.stdout, process.stderr]) {
    if ((s as { __engineGoneGuard?: boolean }).__engineGoneGuard) continue;
    (s as { __engineGoneGuard?: boolean }).__engineGoneGuard = true;
    s.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") exit(70);
    });
  }
  return true;
}
