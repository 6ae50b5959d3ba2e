// Command evaltool scores the embedded local model on labelled JSON lines,
// as `concierge eval FILE.jsonl` will:
//
//	go run ./intents/internal/evaltool intents/corpus/heldout.jsonl
package main

import (
	"context"
	"log"
	"os"

	"concierge/intents"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: evaltool FILE.jsonl")
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	l, err := intents.NewLocal()
	if err != nil {
		log.Fatal(err)
	}
	if _, _, err := intents.Evaluate(context.Background(), l, f, os.Stdout); err != nil {
		log.Fatal(err)
	}
}
