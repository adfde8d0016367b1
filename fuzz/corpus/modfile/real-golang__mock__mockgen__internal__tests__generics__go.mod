0module github.com/golang/mock/mockgen/internal/tests/generics

go 1.18

require (
	github.com/golang/mock v1.6.0
	golang.org/x/exp v0.0.0-20220428152302-39d4317da171
)

replace github.com/golang/mock => ../../../..
