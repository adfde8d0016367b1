package x

import (
	"example.com/z"
	"example.com/m/y"
	"example.com/m"
	"bytes"
	"example.com/m/b"
)
