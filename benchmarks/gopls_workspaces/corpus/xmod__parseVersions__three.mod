module m
go 1.22.333