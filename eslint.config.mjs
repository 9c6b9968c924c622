// One lint configuration for the whole repository, policy pack included. Type-checked rules are kept to
// the ones that find real bugs in this code base (a floating promise in a provider silently drops an ASR
// error; a promise passed where a callback is expected never gets awaited; a promise returned from inside
// `try` escapes its `catch`), not style: Prettier owns style. README "Lint and format" lists them.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import comments from "@eslint-community/eslint-plugin-eslint-comments/configs";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      ".tools/**",
      ".state/**",
      ".pulumi-state/**",
      ".pulumi-home/**",
      "reports/**",
      "coverage/**",
    ],
  },
  // A disable comment that no longer suppresses anything is an error, so none outlives its reason.
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Disable comments name their rules, pair up, and say why (`-- <why>`).
  comments.recommended,
  { rules: { "@eslint-community/eslint-comments/require-description": ["error", { ignore: ["eslint-enable"] }] } },
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/return-await": ["error", "in-try-catch"],
      "@typescript-eslint/only-throw-error": "error",
      "@typescript-eslint/prefer-promise-reject-errors": "error",
      "@typescript-eslint/unbound-method": "error",
      "@typescript-eslint/no-for-in-array": "error",
      "@typescript-eslint/no-array-delete": "error",
      "@typescript-eslint/no-implied-eval": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  {
    // Tests build fixtures from loosely typed protocol and ARM bodies; `any` there is deliberate.
    files: ["tests/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // The stand-in plugins handle the provider protocol's property bags, which @pulumi/pulumi/provider types
    // as `any` (inputs, outs, props), over gRPC stubs loaded untyped from inside @pulumi/pulumi; the
    // benchmark reads the twin's ARM JSON and writes a results document. Neither is product code.
    files: ["twin/plugins/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["**/*.js", "**/*.cjs", "**/*.mjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        URL: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  { files: ["**/*.mjs"], languageOptions: { sourceType: "module" } },
);
