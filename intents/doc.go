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
// other Concierge package.
//
// The local model (model.bin, embedded) is regenerated deterministically
// from corpus/train.jsonl, never from heldout.jsonl, by
//
//	go generate ./intents        # go run ./internal/train -in corpus/train.jsonl -out model.bin
//
// which also prints out-of-fold accuracy, calibration error and the urgent
// threshold's recall and precision. How it works: text is normalised
// (full-width folded, lower case, traditional→simplified with OpenCC's
// table, digit runs folded); features are hashed token 1–3-grams (each Han
// character a token, each Latin word a token), character 3–4-grams of Latin
// words, and cross-language concept groups; three linear heads (intent,
// urgency, category) are trained jointly with AdaGrad; intent confidence is
// temperature-scaled and urgency goes through a small second-stage model,
// both fitted on 5-fold out-of-fold predictions, the urgent threshold set
// for 99% out-of-fold recall. The OpenCC table is regenerated with
//
//	apt-get install -y opencc libopencc-data
//	go generate ./intents/internal/model
//
// Units and common areas are parsed, not learned; see Location.
package intents
