0module github.com/urfave/cli/v3

go 1.22

require github.com/stretchr/testify v1.12.0

require gopkg.in/yaml.v3 v3.0.1 // indirect
