package x

import "example.com/m/a"
import "example.com/m/b" // b
import m "example.com/m/c"

import (
	"example.com/m/d"
)

const c = 1
