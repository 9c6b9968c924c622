// The local world's poll interval: the service's 30 s between job polls on the twin's faster clock.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { setLocalPollInterval } from "../../../scripts/lib/drillWorld";

function stackFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-world-"));
  const file = path.join(dir, "Pulumi.test.yaml");
  fs.writeFileSync(file, text);
  return file;
}

const timeoutsOf = (file: string) =>
  (YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config["failover-drill:timeouts"];

test("30 s ÷ speed goes into the derived config's timeouts, beside what the stack set", () => {
  const file = stackFile("config:\n  failover-drill:notes: x # kept\n  failover-drill:timeouts:\n    testFailoverMinutes: 60\n");
  setLocalPollInterval(file, 60);
  expect(timeoutsOf(file)).toEqual({ testFailoverMinutes: 60, pollIntervalSeconds: 0.5 });
  expect(fs.readFileSync(file, "utf8")).toContain("# kept");
});

test("a stack without a timeouts section gets one; speed 1 is the service's own 30 s", () => {
  const file = stackFile("config:\n  failover-drill:notes: x\n");
  setLocalPollInterval(file, 1);
  expect(timeoutsOf(file)).toEqual({ pollIntervalSeconds: 30 });
});

test("a poll interval the stack sets itself is kept", () => {
  const file = stackFile("config:\n  failover-drill:timeouts:\n    pollIntervalSeconds: 5\n");
  setLocalPollInterval(file, 60);
  expect(timeoutsOf(file)).toEqual({ pollIntervalSeconds: 5 });
});
