// Package intents owns understanding one owner message: text in, Result out
// (intent, calibrated confidence, urgency, category, location, a one-line
// summary and the message's language).
//
// Two understanders share one method, Understand: Local, a small trained
// linear model embedded in the binary (the default, offline, microseconds),
// and LLM, an OpenAI-compatible chat model that falls back to Local on any
// trouble. Evaluate scores either on labelled JSON lines.
//
// The package must not import Telegram, PostgreSQL or Redis libraries, nor any
// other Concierge package. The model is regenerated with `go generate
// ./intents` from corpus/train.jsonl (never from heldout.jsonl).
package intents
