module m
go v1.2
