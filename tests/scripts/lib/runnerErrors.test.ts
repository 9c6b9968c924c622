// A child's failure becomes one line: the useful line of its output, never a Node stack trace.
import { firstLine } from "../../../scripts/lib/runnerErrors";

describe("firstLine", () => {
  it("names a port in use", () => {
    const twinCrash = [
      "the twin exited (1) before listening:",
      "node:events:497",
      "      throw er; // Unhandled 'error' event",
      "Error: listen EADDRINUSE: address already in use 127.0.0.1:47123",
      "    at Server.setupListenHandle [as _listen2] (node:net:1908:16)",
    ].join("\n");
    expect(firstLine(twinCrash)).toBe("the address is already in use (127.0.0.1:47123)");
  });

  it("keeps the error line of anything else, without its Error: prefix", () => {
    expect(
      firstLine("the twin exited (1) before listening:\nError: Cannot find module '/x/dist/twin/main.js'\n    at Module._resolveFilename"),
    ).toBe("Cannot find module '/x/dist/twin/main.js'");
    expect(firstLine("spawn pulumi ENOENT")).toBe("spawn pulumi ENOENT");
  });
});
