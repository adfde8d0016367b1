"""Test infrastructure for version intelligence through the Go module proxy: a fixture module
tree in GOPROXY layout (`fixture`), a real HTTP module proxy with fault injection
(`proxyserver`) and the go command's answers about the fixture (`gooracle`)."""
