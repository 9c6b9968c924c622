// A transport error (connection reset, refused) must not keep the process alive for the request timeout.
// @typespec/ts-http-runtime 0.3.6 (under @azure/core-rest-pipeline) clears its `timeout` timer only when
// the request got a response: after a reset it stays armed for the whole timeout (120 s by default), and
// a process that made the request cannot exit until then. In the chaos suite's "reset once on every
// request kind" the drill program's friendly-name lookup was reset and `pulumi up` sat at "creating" for
// 107 s after the last resource was done. Plain node child (jest keeps its own process alive anyway).
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const CLIENT = path.join(ROOT, "dist", "components", "asr", "armClient.js");

const script = `
const http = require("http");
const { ArmClient } = require(${JSON.stringify(CLIENT)});
let n = 0;
process.env.T = "token";
const server = http.createServer((req, res) => {
  if (n++ === 0) return void req.socket.destroy(); // the first attempt is reset
  res.writeHead(200, { "Content-Type": "application/json" });
  res.end("{}");
});
server.listen(0, "127.0.0.1", async () => {
  const arm = new ArmClient({ endpoint: "http://127.0.0.1:" + server.address().port, credentialMode: "staticToken", tokenVariable: "T", retryDelayInMs: 1, maxRetryDelayInMs: 1, requestTimeoutInMs: 30000 });
  const r = await arm.request("GET", "/subscriptions/s/resourceGroups/r/providers/Microsoft.RecoveryServices/vaults/v/replicationProtectedItems", { query: { "api-version": "x" } });
  console.log(JSON.stringify({ status: r.status, attempts: n }));
  server.closeAllConnections();
  server.close();
});
`;

// A missing build fails here (npm test always builds first) instead of skipping the case silently.
beforeAll(() => {
  if (!fs.existsSync(CLIENT)) throw new Error(`${CLIENT} is missing: run npm run build (npm test builds first)`);
});

describe("ArmClient after a connection reset", () => {
  it("lets the process exit as soon as its work is done (no request timer left armed)", async () => {
    const started = Date.now();
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const code = await new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
    clearTimeout(timer);
    expect(JSON.parse(out)).toEqual({ status: 200, attempts: 2 });
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000); // was the 30 s request timeout
  }, 30_000);
});
