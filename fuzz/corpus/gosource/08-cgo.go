package x

/*
#include <stdio.h>
*/
import "C"

import (
	"unsafe"

	"example.com/m/cbind"
)
