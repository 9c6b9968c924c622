// End-to-end tests drive the real Pulumi CLI and whole drills; jest's testTimeout is a global option
// (ignored inside `projects`), so the e2e project sets its own here.
jest.setTimeout(600_000);
