0module golang.org/x/exp/slog/benchmarks/zap_benchmarks

go 1.26.0

require (
	go.uber.org/zap v1.24.0
	golang.org/x/exp v0.0.0-20260812173653-3d80eb74bc5b
)

require (
	go.uber.org/atomic v1.7.0 // indirect
	go.uber.org/multierr v1.6.0 // indirect
)

replace golang.org/x/exp => ../../..
