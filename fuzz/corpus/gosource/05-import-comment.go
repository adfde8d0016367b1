// Package m does things.
package m // import "example.com/m"

import "example.com/m/sub"
