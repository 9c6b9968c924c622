// CLI: npm run twin -- [--port N] [--state DIR] [--fixture FILE] [--speed X] [--token T] [--quiet]
import { startTwin } from "./index";

function parseArgs(argv: string[]): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${a}`);
    const [k, inline] = a.slice(2).split("=", 2);
    if (k === "quiet") out.quiet = true;
    else out[k] = inline ?? argv[++i];
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const known = ["port", "state", "fixture", "speed", "token", "quiet"];
  for (const k of Object.keys(args))
    if (!known.includes(k)) throw new Error(`unknown option --${k} (known: ${known.map((x) => `--${x}`).join(" ")})`);
  const port = args.port === undefined ? 0 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${String(args.port)}`);
  const speed = args.speed === undefined ? 1 : Number(args.speed);
  if (!(speed > 0)) throw new Error(`--speed must be a positive number, got ${String(args.speed)}`);
  const twin = await startTwin({
    port,
    speed,
    stateDir: typeof args.state === "string" ? args.state : undefined,
    fixture: typeof args.fixture === "string" ? args.fixture : undefined,
    token: typeof args.token === "string" ? args.token : undefined,
    quiet: args.quiet === true,
  });
  process.stdout.write(`twin listening on ${twin.url}\n`);
  const shutdown = () => {
    twin.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((e) => {
  process.stderr.write(`twin: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
