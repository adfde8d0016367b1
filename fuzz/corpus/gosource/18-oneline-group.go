package x

import ("example.com/m/a"; "example.com/m/b"; x "example.com/m/c")
import ()

type T[P any] struct{ p P }
