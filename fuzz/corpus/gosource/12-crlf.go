package crlf

import (
	"example.com/m/a" // a
	"example.com/m/bb"
)
