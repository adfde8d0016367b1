module m
go 1
