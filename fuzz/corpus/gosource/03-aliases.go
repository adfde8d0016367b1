package x

import (
	. "example.com/m/dot"
	_ "example.com/m/driver"
	api2 "example.com/m/v2/api"
	api "example.com/m/api"
)
