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
    // End-to-end tests drive the real Pulumi CLI; they share the local state backend and the twin,
    // so they run one file at a time (see tests/e2e/harness.ts).
    project("e2e", { testTimeout: 600_000 }),
  ],
  testTimeout: 60_000,
};
