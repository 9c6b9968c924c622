//go:build tools

// Package tools pins actionlint (github.com/rhysd/actionlint), the GitHub Actions workflow checker, so
// that scripts/setup.js can build it from Go modules into .tools/bin the way it builds the Pulumi CLI.
// The workflow tests (tests/examples/githubActions.test.ts) run it on examples/github-actions/*.yml.
package tools

import (
	_ "github.com/rhysd/actionlint/cmd/actionlint"
)
