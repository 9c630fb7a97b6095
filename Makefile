# Eddy: a streaming SQL database that speaks the PostgreSQL protocol.

GO ?= go

.PHONY: run playground build test bench fuzz vet

run:          ## serve on 127.0.0.1:4566 with data in ./eddy-data
	$(GO) run ./cmd/eddy

playground:   ## serve on a temporary data directory, removed on exit
	$(GO) run ./cmd/eddy playground

build:
	$(GO) build -o bin/eddy ./cmd/eddy

test:         ## every test: unit, sqllogictest, clients, differential, recovery
	$(GO) test -count=1 -timeout 45m ./...

bench:        ## every benchmark: point queries and ingest against PostgreSQL 15, streaming, Kafka, Nexmark
	$(GO) run ./tests/bench all

vet:
	$(GO) vet ./...
