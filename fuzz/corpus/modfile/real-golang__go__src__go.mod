0module std

go 1.23

require (
	golang.org/x/crypto v0.21.0
	golang.org/x/net v0.22.1-0.20240308015937-8c07e20f924f
)

require (
	golang.org/x/sys v0.18.0 // indirect
	golang.org/x/text v0.14.0 // indirect
)
