module m
go 1.2 3.4
