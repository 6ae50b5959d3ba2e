// Command train fits the local intent model from labelled JSON lines and
// writes the compact model file the intents package embeds. It is run by
// `go generate ./intents` and is deterministic: the same corpus gives the
// same bytes. It never reads heldout.jsonl or dev.jsonl; those files are for
// evaluation only.
//
//	go run ./intents/internal/train -in intents/corpus/train.jsonl,intents/corpus/train_extra.jsonl,intents/corpus/train_more.jsonl -out intents/model.bin
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"concierge/intents/internal/model"
)

type line struct {
	Text     string `json:"text"`
	Intent   string `json:"intent"`
	Urgent   bool   `json:"urgent"`
	Category string `json:"category"`
	Lang     string `json:"lang"`
}

func main() {
	in := flag.String("in", "corpus/train.jsonl", "labelled training lines, comma-separated files")
	out := flag.String("out", "model.bin", "model file to write")
	verbose := flag.Bool("v", false, "list the urgent lines the model finds hardest")
	cfg := model.DefaultTrainConfig
	flag.IntVar(&cfg.Epochs, "epochs", cfg.Epochs, "passes over the data (experiments only)")
	flag.Float64Var(&cfg.LearnRate, "lr", cfg.LearnRate, "AdaGrad step (experiments only)")
	flag.Float64Var(&cfg.L2, "l2", cfg.L2, "weight decay (experiments only)")
	flag.Float64Var(&cfg.UrgentWeight, "uw", cfg.UrgentWeight, "urgent example weight (experiments only)")
	flag.IntVar(&cfg.MinDF, "mindf", cfg.MinDF, "minimum document frequency (experiments only)")
	flag.IntVar(&cfg.Buckets, "buckets", cfg.Buckets, "feature buckets, a power of two (experiments only)")
	flag.IntVar(&cfg.Bags, "bags", cfg.Bags, "averaged runs (experiments only)")
	flag.Float64Var(&cfg.UrgentL2, "ul2", cfg.UrgentL2, "urgent head weight decay (experiments only)")
	flag.Float64Var(&model.ConceptValue, "cv", model.ConceptValue, "concept feature value (experiments only)")
	flag.IntVar(&cfg.UrgentFeatures, "uf", cfg.UrgentFeatures, "urgent head features: 0 all, 1 unigrams and concepts, 2 concepts (experiments only)")
	flag.IntVar(&model.FalseAlarmList, "alarms", model.FalseAlarmList, "false alarms listed with -v")
	flag.Float64Var(&cfg.UrgentRecall, "urecall", cfg.UrgentRecall, "out-of-fold urgent recall the threshold keeps (experiments only)")
	flag.BoolVar(&cfg.TwoLevel, "twolevel", cfg.TwoLevel, "two-level urgency decision (experiments only)")
	flag.Float64Var(&cfg.Dropout, "dropout", cfg.Dropout, "n-gram feature dropout (experiments only)")
	flag.IntVar(&cfg.UrgentMinDF, "umindf", cfg.UrgentMinDF, "urgent head minimum document frequency (experiments only)")
	flag.BoolVar(&cfg.UrgentReadsLocation, "uloc", cfg.UrgentReadsLocation, "urgent head reads unit numbers (experiments only)")
	flag.Parse()
	var exs []model.Example
	for _, path := range strings.Split(*in, ",") {
		if base := filepath.Base(path); strings.Contains(base, "heldout") || strings.HasPrefix(base, "dev") {
			log.Fatal("train: refusing to train on an evaluation file")
		}
		more, err := read(path)
		if err != nil {
			log.Fatal(err)
		}
		exs = append(exs, more...)
	}
	m, rep := model.Train(exs, cfg)
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "train: %d examples, %d features kept, %d bytes written to %s\n",
		rep.Examples, rep.Features, buf.Len(), *out)
	fmt.Fprintf(os.Stderr, "train: out-of-fold accuracy=%.4f category=%.4f urgent recall=%.4f precision=%.4f; temperature=%.2f urgent threshold=%.4f second level=%.4f\n",
		rep.OOFAccuracy, rep.OOFCategoryAcc, rep.OOFUrgentRecall, rep.OOFUrgentPrec, rep.Temperature, rep.UrgentThreshold, rep.UrgentSure)
	fmt.Fprintf(os.Stderr, "train: urgent precision at target recall: head alone %.4f, with second stage %.4f\n", rep.RawUrgentPrec, rep.StackUrgentPrec)
	fmt.Fprintf(os.Stderr, "train: out-of-fold calibration error of confidence (ECE, 10 bins): %.4f\n", rep.ECE)
	fmt.Fprintf(os.Stderr, "train: out-of-fold false-alarm rate at the threshold: %.4f\n", rep.FalseAlarmRate)
	langs := slices.Sorted(maps.Keys(rep.LangAccuracy))
	for _, l := range langs {
		fmt.Fprintf(os.Stderr, "train: out-of-fold accuracy lang %-8s %.4f\n", l, rep.LangAccuracy[l])
	}
	for i, row := range rep.Confusion {
		fmt.Fprintf(os.Stderr, "train: out-of-fold confusion %-9s %v\n", model.Intents[i], row)
	}
	for _, c := range rep.UrgentCurve {
		fmt.Fprintf(os.Stderr, "train: urgent recall target %.2f: threshold %.4f precision %.4f\n", c[0], c[1], c[2])
	}
	if *verbose {
		for _, h := range rep.HardestUrgent {
			fmt.Fprintf(os.Stderr, "train: hardest urgent: %s\n", h)
		}
		for _, h := range rep.Mistakes {
			fmt.Fprintf(os.Stderr, "train: mistake: %s\n", h)
		}
		for _, h := range rep.FalseAlarms {
			fmt.Fprintf(os.Stderr, "train: false alarm: %s\n", h)
		}
	}
}

func read(path string) ([]model.Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var exs []model.Example
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		in := slices.Index(model.Intents[:], l.Intent)
		if in < 0 {
			return nil, fmt.Errorf("%s:%d: unknown intent %q", path, n, l.Intent)
		}
		cat := slices.Index(model.Categories[:], l.Category)
		exs = append(exs, model.Example{Text: l.Text, Intent: in, Urgent: l.Urgent, Category: cat, Lang: l.Lang})
	}
	return exs, sc.Err()
}
