0module github.com/golang/mock

require (
	golang.org/x/mod v0.5.1
	golang.org/x/tools v0.1.8
)

go 1.15
