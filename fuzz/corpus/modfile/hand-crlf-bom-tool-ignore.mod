0﻿module example.com/bom

go 1.24.0

tool (
	example.com/tool/cmd/a
	example.com/tool/cmd/b // second
)

ignore ./testdata
ignore (
	./vendor
	"./node_modules"
)
