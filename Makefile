# Concierge — see README.md.
GO      ?= go
BIN     := bin/concierge

.PHONY: run test build services migrate chat bench eval model t2s

## run: bring up PostgreSQL and Redis, migrate, then serve Telegram when
## TELEGRAM_BOT_TOKEN is set, otherwise talk to the bot in the terminal.
run: build services
	$(BIN) migrate
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then exec $(BIN) serve; else \
	  echo "TELEGRAM_BOT_TOKEN is not set: starting 'concierge chat' (see README.md to connect Telegram)"; \
	  exec $(BIN) chat; fi

## test: every test, with the race detector, against real PostgreSQL and Redis.
test: services
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) test -race -count=1 ./...

build:
	$(GO) build -o $(BIN) ./cmd/concierge

services:
	@scripts/services.sh

migrate: build services
	$(BIN) migrate

chat: build services
	$(BIN) chat

bench: build services
	$(BIN) bench

eval: build
	$(BIN) eval intents/corpus/heldout.jsonl
	$(BIN) eval intents/corpus/dev.jsonl

## model: retrain the local intent model from intents/corpus/train*.jsonl (never heldout or dev).
model:
	$(GO) generate ./intents

## t2s: regenerate the traditional→simplified table from OpenCC's data
## (apt-get install opencc).
t2s:
	$(GO) generate ./intents/internal/model
