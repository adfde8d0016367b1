module m
toolchain inconceivable!
