0// A module with one of each problem modlsp finds. Try: modlsp check examples/
module example.com/demo/v1

go 1.22.0

toolchain go1.21.0

requre golang.org/x/text v0.14.0

require (
	github.com/google/uuid v1.6
	github.com/pkg/errors 0.9.1
	github.com/go-yaml/yaml v2.4.0
	GitHub.com/example/lib v1.0.0
	golang.org/x/mod v0.17.0
	golang.org/x/mod v0.18.0
	golang.org/x/net/v2 v2.0.0+incompatible
	golang.org/x/sync v0.0.0-2024010112-0123456789ab
)

godebug nosuchsetting=1

replace golang.org/x/tools => golang.org/x/tools/v2

replace golang.org/x/term => ../term v0.1.0

replace golang.org/x/sys => /home/me/src/sys

retract v1.0.0 /* broken */

retract [v1.2.0, v1.1.0] // wrong order
