# TACEBridge: the two README commands and the benchmark.
#   make demo   build and run `tacebridge score` on the bundled samples (fresh checkout ok)
#   make test   every test: Swift unit/integration tests, CLI tests, independent FHIR validation
#   make bench  release build + throughput and memory figures
.PHONY: demo test bench build

build:
	swift build --product tacebridge

demo: build
	./scripts/demo.sh

test:
	./scripts/test.sh

bench:
	./scripts/bench.sh
