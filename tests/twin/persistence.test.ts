// State survives a restart (in-process) and a kill -9 of the CLI process; running jobs continue.
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { spawn, execFileSync, ChildProcess } from "node:child_process";
import { startTwin, CONTOSO_FIXTURE } from "../../twin/index";
import { StateFile } from "../../twin/store";
import { Twin } from "../../twin/twin";
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

test("a reply is sent only once what it acknowledged is on disk", async () => {
  const dir = tmp();
  const t = await startTwin({ fixture: CONTOSO_FIXTURE, stateDir: dir, speed: 1, quiet: true });
  const arm = client(t);
  const file = path.join(dir, "twin-state.json");
  const rg = (n: number) => `/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/group-commit-${n}`;
  // The order on the twin's side, saves and replies. (Reading the file back alone cannot tell: in one
  // process the save runs before this client sees the reply either way.)
  const events: string[] = [];
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the original, called with the spied instance as `this`
  const save = StateFile.prototype.save;
  const saves = jest.spyOn(StateFile.prototype, "save").mockImplementation(async function (this: StateFile, state, stillWanted) {
    await save.call(this, state, stillWanted);
    events.push("save");
  });
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the original, called with the spied response as `this`
  const writeHead = http.ServerResponse.prototype.writeHead;
  const heads = jest.spyOn(http.ServerResponse.prototype, "writeHead").mockImplementation(function (this: http.ServerResponse, ...args) {
    events.push("reply");
    return writeHead.apply(this, args as Parameters<typeof writeHead>);
  });
  const onDisk = await Promise.all(
    Array.from({ length: 20 }, async (_, n) => {
      const r = await arm("PUT", rg(n), { location: "westeurope" }, "2024-03-01");
      expect([200, 201]).toContain(r.status);
      // The moment the reply is in, what it acknowledged is in the state file.
      return fs.readFileSync(file, "utf8").toLowerCase().includes(`group-commit-${n}"`);
    }),
  );
  expect(onDisk).toEqual(Array(20).fill(true));
  expect(events.filter((e) => e === "reply")).toHaveLength(20);
  // Each batch is saved, then its replies go out: the last event is a reply. Replying first (no wait for
  // the save) leaves the last request's save after every reply.
  expect(events[0]).toBe("save");
  expect(events[events.length - 1]).toBe("reply");
  saves.mockRestore();
  heads.mockRestore();
  await t.stop();
});

test("changes committed in one turn of the event loop share one save (group commit)", async () => {
  const dir = tmp();
  const twin = new Twin({ stateDir: dir, speed: 1, schedulers: [] });
  const saves = jest.spyOn(StateFile.prototype, "save");
  // As 100 Run Command POSTs handled in one turn would: each changes the state and commits.
  for (let n = 0; n < 100; n++) {
    twin.state.settings.pageSize = n + 1;
    twin.commit();
  }
  expect(saves).not.toHaveBeenCalled();
  await twin.durable();
  expect(saves).toHaveBeenCalledTimes(1);
  expect(JSON.parse(fs.readFileSync(path.join(dir, "twin-state.json"), "utf8")).settings.pageSize).toBe(100);
  // A later change gets a save of its own; stop() saves what is pending, and nothing is written after it.
  const stopSaves = jest.spyOn(StateFile.prototype, "saveSync");
  twin.state.settings.pageSize = 7;
  twin.commit();
  twin.stop();
  await twin.durable();
  await new Promise((r) => setImmediate(r));
  expect(saves).toHaveBeenCalledTimes(1);
  expect(stopSaves).toHaveBeenCalledTimes(1);
  expect(JSON.parse(fs.readFileSync(path.join(dir, "twin-state.json"), "utf8")).settings.pageSize).toBe(7);
  saves.mockRestore();
  stopSaves.mockRestore();
});

test("changes made while a save is written go to the next save, one save at a time, off the event loop", async () => {
  const dir = tmp();
  const file = path.join(dir, "twin-state.json");
  const twin = new Twin({ stateDir: dir, speed: 1, schedulers: [] });
  const events: string[] = [];
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the original, called with the spied instance as `this`
  const save = StateFile.prototype.save;
  const saves = jest.spyOn(StateFile.prototype, "save").mockImplementation(async function (this: StateFile, state, stillWanted) {
    const n = state.settings.pageSize;
    events.push(`start ${n}`);
    await save.call(this, state, stillWanted);
    events.push(`end ${n}`);
  });
  twin.state.settings.pageSize = 1;
  twin.commit();
  const first = twin.durable();
  await new Promise((r) => setImmediate(r));
  // The first save has taken its snapshot and is being written; the loop is free to take more changes.
  expect(events).toEqual(["start 1"]);
  twin.state.settings.pageSize = 2;
  twin.commit();
  const second = twin.durable();
  expect(second).not.toBe(first);
  await first;
  expect(JSON.parse(fs.readFileSync(file, "utf8")).settings.pageSize).toBe(1);
  await second;
  expect(JSON.parse(fs.readFileSync(file, "utf8")).settings.pageSize).toBe(2);
  // The second save started only once the first was on disk.
  expect(events).toEqual(["start 1", "end 1", "start 2", "end 2"]);

  // stop() during a write: its synchronous save wins, the older write only removes its temp file.
  twin.state.settings.pageSize = 3;
  twin.commit();
  await new Promise((r) => setImmediate(r));
  expect(events[events.length - 1]).toBe("start 3");
  twin.state.settings.pageSize = 4;
  twin.stop();
  await twin.durable();
  expect(events[events.length - 1]).toBe("end 3");
  expect(JSON.parse(fs.readFileSync(file, "utf8")).settings.pageSize).toBe(4);
  expect(fs.readdirSync(dir)).toEqual(["twin-state.json"]);
  saves.mockRestore();
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
