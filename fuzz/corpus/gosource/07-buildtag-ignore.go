//go:build ignore
// +build ignore

package main

import (
	"example.com/m/gen"
	"os"
)

func main() { gen.Run(os.Args) }
