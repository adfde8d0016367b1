package x

import (
	"example.com/m/a
	"example.com/m/b"
	c "example.com/m/c
	"example.com/m/d"

func broken( {
