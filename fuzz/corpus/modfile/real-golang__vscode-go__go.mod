0module github.com/golang/vscode-go

go 1.26.0

require golang.org/x/telemetry v0.0.0-20260717140457-bdb89881bb75

require github.com/google/pprof v0.0.0-20260709232956-b9395ee17fa0

require golang.org/x/sys v0.47.0 // indirect
