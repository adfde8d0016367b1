//go:build linux && (amd64 || arm64)

// Package x.
package x // import `example.com/m/x`

import (
	"example.com/m/a" //go:generate stringer
	"example.com/m/b" //nolint:depguard
	"example.com/m/c" //  spaced
	"example.com/m/dd"
)
