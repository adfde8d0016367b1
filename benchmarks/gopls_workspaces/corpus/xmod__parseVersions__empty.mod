module m
go 
