package x

import (
	/* lead */ "example.com/m/a" /* trail */
	"example.com/m/b"; "example.com/m/c"
	x /* between */ "example.com/m/d"
)
