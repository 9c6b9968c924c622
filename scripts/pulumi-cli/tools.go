//go:build tools

// Package tools pins the Pulumi CLI so that scripts/setup.mjs can build it from
// Go modules when no CLI is installed.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
