0module "example.com/m/v3"

go 1.21rc1
toolchain go1.21.0
godebug (
	default=go1.21
	panicnil=1
	x509sha1 = 1
	nosuch=2
)

require (
	example.com/a v1.2 // indirect
	example.com/b/v2 v2.0.0+incompatible
	gopkg.in/yaml.v3 v2.4.0
	example.com/c v0.0.0-20240101120000-0123456789ab
	"example.com/d" "v1.0.0"
	example.com/e v1.0.0-rc.1 /* block */
	example.com/f `v1.0.0
)

exclude example.com/a v1.1.0
exclude example.com/a v1.1.0
replace example.com/a => ../a v1.0.0
replace example.com/b/v2 v2.0.0 => example.com/b2 latest
replace (
	example.com/x => /abs/x
	example.com/x => ./x
)
retract [v1.3.0, v1.2.0] // reversed
retract (
	v1.0.0
	[v0.1.0, v0.2.0]
	[v0.3.0,
)
requre example.com/z v1.0.0
require (
	example.com/unterminated v1.0.0
