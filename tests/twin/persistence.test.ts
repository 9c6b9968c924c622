// State survives a restart (in-process) and a kill -9 of the CLI process; running jobs continue.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn, execFileSync, ChildProcess } from "node:child_process";
import { startTwin, CONTOSO_FIXTURE } from "../../twin/index";
import { client, createTestNetwork, firstOf, items, tfoBody, waitJob, post, TEST_VNET, NET_API } from "./helpers";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "twin-state-"));

test("restart keeps resources and a running job continues", async () => {
  const dir = tmp();
  let t = await startTwin({ fixture: CONTOSO_FIXTURE, stateDir: dir, speed: 1, quiet: true });
  let arm = client(t);
  await createTestNetwork(arm);
  const dc = (await items(arm)).DC01;
  const r = await post(arm, `${dc.id}/testFailover`, tfoBody());
  const jobId = firstOf(r.headers.get("x-ms-request-id") as string);
  await t.admin.advanceClock(10);
  await t.stop();
  t = await startTwin({ fixture: CONTOSO_FIXTURE, stateDir: dir, speed: 1, quiet: true });
  arm = client(t);
  expect((await arm("GET", TEST_VNET, undefined, NET_API)).status).toBe(200);
  expect((await arm("GET", jobId)).body.properties.state).toBe("InProgress");
  expect((await waitJob(t, arm, jobId)).properties.state).toBe("Succeeded");
  await t.stop();
});

function compileTwin(out: string): void {
  execFileSync(
    process.execPath,
    [
      require.resolve("typescript/bin/tsc"),
      "--outDir",
      out,
      "--rootDir",
      ".",
      "--module",
      "commonjs",
      "--target",
      "ES2022",
      "--esModuleInterop",
      "--skipLibCheck",
      "--strict",
      "--types",
      "node",
      "twin/main.ts",
    ],
    { cwd: path.join(__dirname, "..", ".."), stdio: "pipe" },
  );
}

function waitListening(p: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    p.stdout!.on("data", (d) => {
      buf += d;
      const m = /twin listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(buf);
      if (m) resolve(m[1]);
    });
    p.on("exit", (c) => reject(new Error(`twin exited ${c}`)));
  });
}

test("kill -9 of the CLI loses nothing; the job resumes after restart", async () => {
  // Inside the repo so the compiled twin resolves node_modules (yaml).
  const out = fs.mkdtempSync(path.join(__dirname, "..", "..", "node_modules", ".cache-twin-test-"));
  compileTwin(out);
  const dir = tmp();
  const main = path.join(out, "twin", "main.js");
  const start = () =>
    spawn(process.execPath, [main, "--port", "0", "--state", dir, "--fixture", CONTOSO_FIXTURE, "--speed", "20", "--quiet"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
  let p = start();
  let url = await waitListening(p);
  const handle = (u: string) => ({ url: u, token: "failover-drill-twin" }) as never;
  let arm = client(handle(url));
  await createTestNetwork(arm);
  const dc = (await items(arm)).DC01;
  const r = await post(arm, `${dc.id}/testFailover`, tfoBody());
  expect(r.status).toBe(202);
  const jobId = firstOf(r.headers.get("x-ms-request-id") as string);
  p.kill("SIGKILL");
  await new Promise((res) => p.once("exit", res));
  p = start();
  url = await waitListening(p);
  arm = client(handle(url));
  expect((await arm("GET", TEST_VNET, undefined, NET_API)).status).toBe(200);
  const item = (await arm("GET", dc.id)).body;
  expect(["InProgress", "WaitingForCompletion"]).toContain(item.properties.testFailoverState);
  let state = "";
  for (let i = 0; i < 200 && state !== "Succeeded"; i++) {
    state = (await arm("GET", jobId)).body.properties.state;
    if (state !== "Succeeded") await new Promise((res) => setTimeout(res, 100));
  }
  expect(state).toBe("Succeeded");
  p.kill("SIGTERM");
  await new Promise((res) => p.once("exit", res));
  expect(JSON.parse(fs.readFileSync(path.join(dir, "twin-state.json"), "utf8")).version).toBe(1);
  fs.rmSync(out, { recursive: true, force: true });
}, 120_000);
