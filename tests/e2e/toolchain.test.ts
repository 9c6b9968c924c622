// The offline toolchain end to end: the project-local CLI, our Node.js language host and the dynamic
// provider shim run a real program through up, preview and destroy on a local file backend.
import * as fs from "fs";
import * as path from "path";
import { PulumiWorkspace, runCommand, TOOLS_BIN } from "./harness";

describe("offline Pulumi toolchain", () => {
  it("has pulumi v3.248.0 with pulumi-language-nodejs and pulumi-resource-pulumi-nodejs beside it", async () => {
    const r = await runCommand(path.join(TOOLS_BIN, "pulumi"), ["version"], {
      cwd: TOOLS_BIN,
      env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
    });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("v3.248.0");
    for (const bin of ["pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]) {
      fs.accessSync(path.join(TOOLS_BIN, bin), fs.constants.X_OK);
    }
  });

  describe("a dynamic-resource program", () => {
    const ws = new PulumiWorkspace({ program: "toolchain" });
    beforeAll(() => ws.init({ greeting: "Good morning" }));
    afterAll(() => ws.dispose());

    it("pulumi up creates the dynamic resource and exports its computed outputs", async () => {
      const up = await ws.pulumi(["up", "--yes", "--skip-preview"]);
      expect(up.output).toContain("pulumi-nodejs:dynamic/smoke:Greeter");
      expect(up.code).toBe(0);
      // The provider computed these: they only exist if create ran in the dynamic-provider plugin.
      expect(await ws.outputs()).toEqual({ message: "Good morning, drill!", length: 20 });
    });

    it("pulumi preview afterwards reports no changes", async () => {
      const preview = await ws.pulumi(["preview", "--expect-no-changes"]);
      expect(preview.code).toBe(0);
    });

    it("a changed config value is an update the provider recomputes", async () => {
      expect((await ws.pulumi(["config", "set", "greeting", "Hello"])).code).toBe(0);
      const up = await ws.pulumi(["up", "--yes", "--skip-preview"]);
      expect(up.code).toBe(0);
      expect(up.output).toMatch(/1 updated/);
      expect(await ws.outputs()).toEqual({ message: "Hello, drill!", length: 13 });
    });

    it("pulumi destroy leaves the stack empty", async () => {
      const destroy = await ws.pulumi(["destroy", "--yes", "--skip-preview"]);
      expect(destroy.code).toBe(0);
      expect(await ws.resources()).toEqual([]);
    });
  });
});
