//go:build tools

// Package tools pins the Pulumi CLI (github.com/pulumi/pulumi/pkg/v3) so that scripts/setup.mjs can
// build it from Go modules when no CLI is installed. The Node.js language host is ./cmd/pulumi-language-nodejs.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
