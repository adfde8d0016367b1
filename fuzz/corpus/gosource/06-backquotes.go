package x

import (
	`example.com/m/raw`
	"example.com/m/\u00e9t\xc3\xa9"
	"example.com/m/esc\x61ped"
)

import `example.com/other/raw`
