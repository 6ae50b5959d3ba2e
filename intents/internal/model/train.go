package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// Example is one labelled training line. Category is -1 when unknown.
type Example struct {
	Text     string
	Intent   int
	Urgent   bool
	Category int
	Lang     string // optional, for per-language reports
}

// TrainConfig holds the trainer's hyper-parameters. Training is
// deterministic for a given config and example order.
type TrainConfig struct {
	Buckets      int     // feature buckets, a power of two
	Epochs       int     // passes over the data
	LearnRate    float64 // AdaGrad step
	L2           float64 // weight decay per update
	MinDF        int     // features seen in fewer examples are dropped
	UrgentWeight float64 // loss weight of urgent examples (recall matters most)
	UrgentRecall float64 // target recall when choosing the urgent threshold
	Folds        int     // cross-validation folds for calibration
	Seed         uint64
	Bags         int     // runs with different example orders, weights averaged (one table, no cost at inference)
	UrgentL2     float64 // weight decay of the urgent head (0: L2)
	// UrgentFeatures is what the urgent head reads: 0 all features, 1 no
	// token 2-3-grams nor character grams, 2 concept features only.
	UrgentFeatures int
	TwoLevel       bool    // choose Model.UrgentSure out of fold
	Dropout        float64 // chance of dropping each n-gram feature of an example in an epoch
	UrgentMinDF    int     // the urgent head learns only from n-grams seen in at least this many examples
	// UrgentReadsLocation lets the urgent head learn from n-grams with
	// a number or unit designator (LocBit).
	UrgentReadsLocation bool
}

const bucketMask = 1<<24 - 1 // Decode accepts at most 1<<24 buckets

// rareBit marks, in training only, an n-gram seen in fewer than
// UrgentMinDF examples: the urgent head does not learn from it.
const rareBit = 1 << 29

// DefaultTrainConfig is the configuration the shipped model is trained with.
var DefaultTrainConfig = TrainConfig{
	Buckets: 1 << 17, Epochs: 30, LearnRate: 0.2, L2: 1e-6, MinDF: 2,
	UrgentWeight: 3, UrgentRecall: 0.985, Folds: 5, Seed: 20261124, Bags: 3,
}

// Report describes a training run, from out-of-fold predictions.
type Report struct {
	Examples        int
	Features        int // buckets kept
	OOFAccuracy     float64
	OOFUrgentRecall float64
	OOFUrgentPrec   float64
	OOFCategoryAcc  float64
	Temperature     float64
	RawUrgentPrec   float64 // out-of-fold precision at the target recall, urgent head alone
	StackUrgentPrec float64 // the same with the second stage (used when higher)
	ECE             float64 // expected calibration error of intent confidence, 10 bins, after temperature
	UrgentThreshold float64
	UrgentSure      float64      // second level, see Model.UrgentSure
	HardestUrgent   []string     // urgent examples the out-of-fold models scored lowest
	FalseAlarms     []string     // non-urgent examples they scored highest
	UrgentCurve     [][3]float64 // recall target, threshold, precision
	LangAccuracy    map[string]float64
	FalseAlarmRate  float64               // out of fold, non-urgent examples flagged urgent at the threshold
	Confusion       [NIntent][NIntent]int // out of fold, rows labelled, columns predicted
	Mistakes        []string              // out-of-fold intent errors: labelled→predicted text
}

type featured struct {
	feats []uint32
	value float64 // of n-gram features; concept features are worth ConceptValue
	Example
}

// Train fits the model: K-fold out-of-fold predictions choose the intent
// temperature and the urgent threshold, then one model is fitted on all
// examples.
func Train(exs []Example, cfg TrainConfig) (*Model, Report) {
	var rep Report
	data := make([]featured, len(exs))
	df := make([]int32, cfg.Buckets)
	var norm []byte
	seen := make(map[uint32]bool)
	for i, ex := range exs {
		norm = AppendNormalized(norm[:0], ex.Text)
		fs := AppendFeatures(nil, norm, cfg.Buckets)
		clear(seen)
		grams := 0
		for j, f := range fs {
			if f&ConceptBit == 0 {
				grams++
			}
			f &= uint32(cfg.Buckets - 1)
			fs[j] = f | fs[j]&(ConceptBit|GramBit|LocBit)
			if !seen[f] {
				seen[f] = true
				df[f]++
			}
		}
		v := featureValue(grams)
		data[i] = featured{feats: fs, value: v, Example: ex}
	}
	kept := 0
	for i := range data { // drop rare features from training; they keep weight 0
		data[i].feats = slices.DeleteFunc(data[i].feats, func(f uint32) bool { return int(df[f&bucketMask]) < cfg.MinDF })
		for j, f := range data[i].feats {
			if f&ConceptBit == 0 && int(df[f&bucketMask]) < cfg.UrgentMinDF {
				data[i].feats[j] |= rareBit
			}
		}
	}
	for _, d := range df {
		if int(d) >= cfg.MinDF {
			kept++
		}
	}
	rep.Examples, rep.Features = len(exs), kept

	// Out-of-fold predictions.
	type oof struct {
		logits [NIntent]float64
		s      Scores
	}
	preds := make([]oof, len(data))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	for fold := range cfg.Folds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var train []featured
			for i, d := range data {
				if i%cfg.Folds != fold {
					train = append(train, d)
				}
			}
			m := fit(train, cfg)
			m.Temperature = 1
			for i := fold; i < len(data); i += cfg.Folds {
				var norm []byte
				norm = AppendNormalized(norm, data[i].Text)
				fs := AppendFeatures(nil, norm, cfg.Buckets)
				m.Predict(fs, &preds[i].s)
				for k := range NIntent {
					preds[i].logits[k] = math.Log(math.Max(preds[i].s.Intent[k], 1e-300))
				}
			}
		}()
	}
	wg.Wait()
	// Temperature: minimise out-of-fold negative log-likelihood.
	bestT, bestNLL := 1.0, math.Inf(1)
	for t := 0.25; t <= 4.0001; t += 0.05 {
		nll := 0.0
		var p [NIntent]float64
		for i, d := range data {
			var z [NIntent]float64
			for k := range z {
				z[k] = preds[i].logits[k] / t
			}
			softmax(z[:], p[:])
			nll -= math.Log(math.Max(p[d.Intent], 1e-12))
		}
		if nll < bestNLL {
			bestT, bestNLL = t, nll
		}
	}
	{ // expected calibration error of the top intent's probability
		var conf, acc [10]float64
		var cnt [10]int
		var p [NIntent]float64
		for i, d := range data {
			var z [NIntent]float64
			for k := range z {
				z[k] = preds[i].logits[k] / bestT
			}
			softmax(z[:], p[:])
			top := argmax(p[:])
			b := min(9, int(p[top]*10))
			cnt[b]++
			conf[b] += p[top]
			if top == d.Intent {
				acc[b]++
			}
		}
		for b := range cnt {
			rep.ECE += math.Abs(acc[b]-conf[b]) / float64(len(data))
		}
	}

	// Second stage for urgency, kept only if it is better out of fold.
	xs := make([][StackWidth]float64, len(data))
	ys := make([]bool, len(data))
	raw := make([]float64, len(data))
	for i, d := range data {
		u := math.Min(math.Max(preds[i].s.Urgent, 1e-12), 1-1e-12)
		StackInputs(&xs[i], math.Log(u/(1-u)), &preds[i].s.Intent, &preds[i].s.Category, preds[i].s.Concepts)
		ys[i], raw[i] = d.Urgent, preds[i].s.Urgent
	}
	stacked := make([]float64, len(data))
	for fold := range cfg.Folds {
		var tx [][StackWidth]float64
		var ty []bool
		for i := range data {
			if i%cfg.Folds != fold {
				tx, ty = append(tx, xs[i]), append(ty, ys[i])
			}
		}
		beta := fitStack(tx, ty, cfg.UrgentWeight)
		for i := fold; i < len(data); i += cfg.Folds {
			stacked[i] = stackProb(beta, &xs[i])
		}
	}
	_, rawPrec := precisionAtRecall(raw, ys, cfg.UrgentRecall)
	_, stackPrec := precisionAtRecall(stacked, ys, cfg.UrgentRecall)
	rep.RawUrgentPrec, rep.StackUrgentPrec = rawPrec, stackPrec
	var stack [StackWidth]float32
	if stackPrec > rawPrec {
		for k, b := range fitStack(xs, ys, cfg.UrgentWeight) {
			stack[k] = float32(b)
		}
		for i := range data {
			preds[i].s.Urgent = stacked[i]
		}
	}

	// Urgent threshold: the highest that keeps the target recall.
	var pos []float64
	correct, catOK, catN := 0, 0, 0
	for i, d := range data {
		if argmax(preds[i].s.Intent[:]) == d.Intent {
			correct++
		}
		if d.Category >= 0 {
			catN++
			if argmax(preds[i].s.Category[:]) == d.Category {
				catOK++
			}
		}
		if d.Urgent {
			pos = append(pos, preds[i].s.Urgent)
		}
	}
	thr := 0.5
	type scored struct {
		p    float64
		text string
	}
	var hard []scored
	for i, d := range data {
		if d.Urgent {
			hard = append(hard, scored{preds[i].s.Urgent, d.Text})
		}
	}
	slices.SortFunc(hard, func(a, b scored) int { return cmpFloat(a.p, b.p) })
	for _, h := range hard[:min(FalseAlarmList/10+12, len(hard))] {
		rep.HardestUrgent = append(rep.HardestUrgent, fmt.Sprintf("%.4f %s", h.p, h.text))
	}
	var alarms []scored
	for i, d := range data {
		if !d.Urgent {
			alarms = append(alarms, scored{preds[i].s.Urgent, d.Text})
		}
	}
	slices.SortFunc(alarms, func(a, b scored) int { return cmpFloat(b.p, a.p) })
	for _, h := range alarms[:min(FalseAlarmList, len(alarms))] {
		rep.FalseAlarms = append(rep.FalseAlarms, fmt.Sprintf("%.4f %s", h.p, h.text))
	}
	precisionAt := func(t float64) float64 {
		tp, fp := 0, 0
		for i, d := range data {
			if preds[i].s.Urgent >= t {
				if d.Urgent {
					tp++
				} else {
					fp++
				}
			}
		}
		return ratio(tp, tp+fp)
	}
	if len(pos) > 0 {
		slices.Sort(pos)
		for _, target := range []float64{0.95, 0.97, 0.98, 0.99, 1} {
			t := pos[min(len(pos)-1, int(math.Floor((1-target)*float64(len(pos)))))] * 0.999
			rep.UrgentCurve = append(rep.UrgentCurve, [3]float64{target, t, precisionAt(t)})
		}
	}
	if len(pos) > 0 {
		slices.Sort(pos)
		miss := int(math.Floor((1 - cfg.UrgentRecall) * float64(len(pos))))
		thr = math.Min(0.5, pos[miss]*0.999)
	}
	sure := thr
	if cfg.TwoLevel && len(pos) > 0 {
		thr, sure = chooseTwoLevel(preds2scores(len(data), func(i int) *Scores { return &preds[i].s }), ys, cfg.UrgentRecall, thr)
	}
	isUrgent := func(s *Scores) bool {
		m := Model{UrgentThreshold: float32(thr), UrgentSure: float32(sure)}
		return m.IsUrgent(s)
	}
	tp, fp := 0, 0
	for i, d := range data {
		if isUrgent(&preds[i].s) {
			if d.Urgent {
				tp++
			} else {
				fp++
			}
		}
	}
	rep.FalseAlarmRate = ratio(fp, len(data)-len(pos))
	for i, d := range data {
		p := argmax(preds[i].s.Intent[:])
		rep.Confusion[d.Intent][p]++
		if p != d.Intent {
			rep.Mistakes = append(rep.Mistakes, fmt.Sprintf("%s→%s %.2f %s", Intents[d.Intent], Intents[p], preds[i].s.Intent[p], d.Text))
		}
	}
	langN, langOK := map[string]int{}, map[string]int{}
	for i, d := range data {
		if d.Lang == "" {
			continue
		}
		langN[d.Lang]++
		if argmax(preds[i].s.Intent[:]) == d.Intent {
			langOK[d.Lang]++
		}
	}
	if len(langN) > 0 {
		rep.LangAccuracy = map[string]float64{}
		for l, n := range langN {
			rep.LangAccuracy[l] = ratio(langOK[l], n)
		}
	}
	rep.OOFAccuracy = ratio(correct, len(data))
	rep.OOFCategoryAcc = ratio(catOK, catN)
	rep.OOFUrgentRecall = ratio(tp, len(pos))
	rep.OOFUrgentPrec = ratio(tp, tp+fp)
	rep.Temperature, rep.UrgentThreshold, rep.UrgentSure = bestT, thr, sure

	m := fit(data, cfg)
	m.Temperature = float32(bestT)
	m.UrgentThreshold = float32(thr)
	m.UrgentSure = float32(sure)
	m.Stack = stack
	return m, rep
}

// precisionAtRecall returns the highest threshold keeping the target recall
// and the precision there.
func preds2scores(n int, at func(int) *Scores) []*Scores {
	out := make([]*Scores, n)
	for i := range out {
		out[i] = at(i)
	}
	return out
}

// chooseTwoLevel picks the urgent threshold and the second level (see
// Model.UrgentSure) that flag the fewest non-urgent examples while keeping the
// target recall, from out-of-fold scores. single is the one-threshold answer,
// kept when nothing does better.
func chooseTwoLevel(ss []*Scores, y []bool, target, single float64) (thr, sure float64) {
	var pos []float64
	for i, s := range ss {
		if y[i] {
			pos = append(pos, s.Urgent)
		}
	}
	slices.Sort(pos)
	allowed := int(math.Floor((1 - target) * float64(len(pos))))
	count := func(thr, sure float64) (misses, fps int) {
		m := Model{UrgentThreshold: float32(thr), UrgentSure: float32(sure)}
		for i, s := range ss {
			u := m.IsUrgent(s)
			switch {
			case y[i] && !u:
				misses++
			case !y[i] && u:
				fps++
			}
		}
		return misses, fps
	}
	thr, sure = single, single
	_, best := count(single, single)
	for q := 0.01; q <= 0.99; q += 0.01 { // the second level at the q-quantile of urgent scores
		s := pos[int(q*float64(len(pos)))]
		// lowest-scored urgent examples that the gate lets through below s
		var gated []float64
		missed := 0
		for i, sc := range ss {
			if !y[i] || sc.Urgent >= s {
				continue
			}
			if EventGate(sc.Concepts) {
				gated = append(gated, sc.Urgent)
			} else {
				missed++
			}
		}
		if missed > allowed {
			continue
		}
		t := s
		if len(gated) > 0 {
			slices.Sort(gated)
			k := allowed - missed
			if k >= len(gated) {
				continue // no need for a lower threshold: one level at s would do; covered by single
			}
			t = gated[k] * 0.999
		}
		t = math.Min(t, 0.5)
		if misses, fps := count(t, s); misses <= allowed && fps < best {
			thr, sure, best = t, s, fps
		}
	}
	return thr, sure
}

// FalseAlarmList is how many false alarms Report lists.
var FalseAlarmList = 25

func precisionAtRecall(p []float64, y []bool, target float64) (thr, precision float64) {
	var pos []float64
	for i, v := range p {
		if y[i] {
			pos = append(pos, v)
		}
	}
	if len(pos) == 0 {
		return 0.5, 0
	}
	slices.Sort(pos)
	thr = pos[min(len(pos)-1, int(math.Floor((1-target)*float64(len(pos)))))] * 0.999
	tp, fp := 0, 0
	for i, v := range p {
		if v >= thr {
			if y[i] {
				tp++
			} else {
				fp++
			}
		}
	}
	return thr, ratio(tp, tp+fp)
}

func stackProb(beta [StackWidth]float64, x *[StackWidth]float64) float64 {
	dot := 0.0
	for k := range beta {
		dot += beta[k] * x[k]
	}
	return sigmoid(dot)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func argmax(p []float64) int {
	best := 0
	for i, v := range p {
		if v > p[best] {
			best = i
		}
	}
	return best
}

// fit runs AdaGrad on the three heads jointly and quantises the result.
func fit(data []featured, cfg TrainConfig) *Model {
	bags := max(1, cfg.Bags)
	var w []float64
	var bias [Width]float64
	for b := range bags {
		wb, bb := fitOnce(data, cfg, cfg.Seed+uint64(b)*0x9E3779B9)
		if w == nil {
			w = wb
		} else {
			for i, v := range wb {
				w[i] += v
			}
		}
		for k := range bias {
			bias[k] += bb[k]
		}
	}
	if bags > 1 {
		for i := range w {
			w[i] /= float64(bags)
		}
		for k := range bias {
			bias[k] /= float64(bags)
		}
	}
	return quantise(w, bias, cfg.Buckets)
}

// fitOnce is one AdaGrad run with the given shuffling seed.
func fitOnce(data []featured, cfg TrainConfig, seed uint64) ([]float64, [Width]float64) {
	w := make([]float64, cfg.Buckets*Width)
	g2 := make([]float64, cfg.Buckets*Width)
	var bias, gb [Width]float64
	var l2 [Width]float64
	for k := range l2 {
		l2[k] = cfg.L2
	}
	if cfg.UrgentL2 > 0 {
		l2[offUrgent] = cfg.UrgentL2
	}
	rng := rand.New(rand.NewPCG(seed, uint64(len(data))))
	var kept []uint32
	order := make([]int, len(data))
	for i := range order {
		order[i] = i
	}
	var z, grad [Width]float64
	var p [NCategory]float64
	for range cfg.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, idx := range order {
			d := &data[idx]
			z = bias
			feats := d.feats
			if cfg.Dropout > 0 { // drop n-gram features at random, keep concepts; rescale the rest
				kept = kept[:0]
				for _, f := range d.feats {
					if f&ConceptBit != 0 || rng.Float64() >= cfg.Dropout {
						kept = append(kept, f)
					}
				}
				feats = kept
			}
			scale := 1.0
			if cfg.Dropout > 0 {
				scale = 1 / (1 - cfg.Dropout)
			}
			for _, f := range feats {
				v := d.value * scale
				if f&ConceptBit != 0 {
					v = ConceptValue
				}
				row := w[int(f&bucketMask)*Width:][:Width]
				for k := range Width {
					z[k] += row[k] * v
				}
			}
			softmax(z[:NIntent], p[:NIntent])
			for k := range NIntent {
				grad[k] = p[k]
			}
			grad[d.Intent]--
			y, wt := 0.0, 1.0
			if d.Urgent {
				y, wt = 1, cfg.UrgentWeight
			}
			grad[offUrgent] = (sigmoid(z[offUrgent]) - y) * wt
			if d.Category >= 0 {
				softmax(z[offCat:], p[:])
				for k := range NCategory {
					grad[offCat+k] = p[k]
				}
				grad[offCat+d.Category]--
			} else {
				for k := range NCategory {
					grad[offCat+k] = 0
				}
			}
			for k := range Width {
				gb[k] += grad[k] * grad[k]
				bias[k] -= cfg.LearnRate * grad[k] / math.Sqrt(gb[k]+1e-8)
			}
			for _, f := range feats {
				v := d.value * scale
				if f&ConceptBit != 0 {
					v = ConceptValue
				}
				base := int(f&bucketMask) * Width
				urgentToo := (cfg.UrgentFeatures == 0 || cfg.UrgentFeatures == 1 && f&GramBit == 0 || f&ConceptBit != 0) && f&rareBit == 0 && (f&LocBit == 0 || cfg.UrgentReadsLocation)
				for k := range Width {
					if k == offUrgent && !urgentToo {
						continue
					}
					gk := grad[k]*v + l2[k]*w[base+k]
					if gk == 0 {
						continue
					}
					g2[base+k] += gk * gk
					w[base+k] -= cfg.LearnRate * gk / math.Sqrt(g2[base+k]+1e-8)
				}
			}
		}
	}
	return w, bias
}

func quantise(w []float64, bias [Width]float64, buckets int) *Model {
	m := &Model{Buckets: buckets, rows: make([]int8, len(w)), stackFeats: stackBuckets(buckets)}
	head := func(k int) int {
		switch {
		case k < NIntent:
			return 0
		case k == offUrgent:
			return 1
		}
		return 2
	}
	var maxAbs [3]float64
	for i, v := range w {
		h := head(i % Width)
		maxAbs[h] = math.Max(maxAbs[h], math.Abs(v))
	}
	for h := range maxAbs {
		m.Scales[h] = float32(math.Max(maxAbs[h], 1e-9) / 127)
	}
	for i, v := range w {
		m.rows[i] = int8(math.Round(v / float64(m.Scales[head(i%Width)])))
	}
	for k := range Width {
		m.Bias[k] = float32(bias[k])
	}
	return m
}
