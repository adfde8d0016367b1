module m
go 1.2.beta1
