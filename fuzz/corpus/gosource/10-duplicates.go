package x

import (
	"example.com/m/a"
	"example.com/m/a"
	"example.com/m/b"
	b "example.com/m/b"
	"example.com/m/v2/a"
)
