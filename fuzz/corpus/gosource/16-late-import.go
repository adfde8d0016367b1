package x

import "example.com/m/early"

func f() {}

import "example.com/m/late"
