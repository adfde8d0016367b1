package x

import (
	"example.com/m/a"         // short
	"example.com/m/longer/bb" // longer
	"example.com/m/c"         // c

	// a comment line
	"example.com/m/d" // d
)
