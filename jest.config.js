// One jest project per top-level folder under tests/, mirroring the source tree.
// ts-jest only transpiles (isolatedModules); type checking is done once by `tsc` in scripts/setup.mjs.
const transform = { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] };
const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: "node",
  transform,
  roots: [`<rootDir>/tests/${name}`],
  testMatch: ["**/*.test.ts"],
  ...extra,
});

module.exports = {
  projects: [
    project("components"),
    project("policy"),
    project("twin"),
    project("scripts"),
    project("examples"),
    project("bin"),
    project("bench"),
    // End-to-end tests drive the real Pulumi CLI; each uses its own backend folder, twin and port
    // (tests/e2e/harness.ts), so they may run in parallel with anything else.
    project("e2e", { setupFilesAfterEnv: ["<rootDir>/tests/e2e/jest.setup.ts"] }),
  ],
  testTimeout: 60_000,
};
