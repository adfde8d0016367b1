0module github.com/klauspost/compress/s2/cmd/_s2sx

go 1.24

require github.com/klauspost/compress v1.11.9

replace github.com/klauspost/compress v1.11.9 => ../../..
