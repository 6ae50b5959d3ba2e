package model

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Intents and Categories fix the order of the classes in a model's heads.
var (
	Intents    = [...]string{"repair", "complaint", "inquiry", "other"}
	Categories = [...]string{"water", "electricity", "lift", "door_lock", "wall_ceiling", "gas",
		"public_facility", "noise", "neighbour", "staff_attitude", "security", "cleaning",
		"parking", "fees", "renovation", "pets", "other"}
)

// Head sizes and the layout of one weight row: intent, urgent, category.
const (
	NIntent   = len(Intents)
	NCategory = len(Categories)
	Width     = NIntent + 1 + NCategory
	offUrgent = NIntent
	offCat    = NIntent + 1
)

const magic = "CONCIERGE-INTENTS-3\n"

// Model is a trained linear model over hashed features, quantised to int8
// weights per head. It is read-only after Decode, safe for concurrent use.
type Model struct {
	Buckets         int            // number of feature buckets, a power of two
	Scales          [3]float32     // int8 → float per head (intent, urgent, category)
	Bias            [Width]float32 // per output
	Temperature     float32        // intent logits are divided by it (calibration)
	UrgentThreshold float32        // urgent when P(urgent) >= it (see IsUrgent)
	// UrgentSure is the second level: at or above it a message is urgent
	// whatever it says; between UrgentThreshold and it, only when it names
	// an emergency event and nothing marks it hypothetical, past, over,
	// negated or not urgent. At or below UrgentThreshold: one threshold.
	UrgentSure float32
	// Stack is the second-stage urgency model: logistic regression over
	// StackInputs; all zero means P(urgent) is the urgent head's alone.
	Stack [StackWidth]float32
	rows  []int8 // Buckets × Width
	// stackFeats are the features of StackConcepts for Buckets.
	stackFeats [len(StackConcepts)]uint32
}

// StackWidth is the number of second-stage inputs: a constant, the urgent
// head's logit, the log-probabilities of the intents and categories (before
// temperature), so urgency can depend on what the message is, and one
// indicator per stack concept (see StackConcepts): whether the message names
// an emergency event, is hypothetical, past or negated, asks a question...
const StackWidth = 2 + NIntent + NCategory + len(StackConcepts)

// StackConcepts are the concept groups the second stage sees directly.
var StackConcepts = [...]int{conceptEvent, conceptCalm, 12, 13, 14, 16, 32, 33, 9, 10, 43, 21}

// StackInputs fills x from first-stage outputs and the stack concepts
// present (bit k for StackConcepts[k]).
func StackInputs(x *[StackWidth]float64, urgentLogit float64, intent *[NIntent]float64, category *[NCategory]float64, concepts uint32) {
	x[0], x[1] = 1, urgentLogit
	for k, p := range intent {
		x[2+k] = math.Max(math.Log(p), -20)
	}
	for k, p := range category {
		x[2+NIntent+k] = math.Max(math.Log(p), -20)
	}
	for k := range StackConcepts {
		x[2+NIntent+NCategory+k] = float64(concepts >> k & 1)
	}
}

// stackBuckets returns the feature of each stack concept for a bucket count.
func stackBuckets(buckets int) (b [len(StackConcepts)]uint32) {
	shift := 64 - uint(log2(buckets))
	for k, id := range StackConcepts {
		b[k] = conceptFeature(id, shift)
	}
	return b
}

// IsUrgent is the model's urgency decision for scores from Predict.
func (m *Model) IsUrgent(s *Scores) bool {
	p := float32(s.Urgent)
	return p >= max(m.UrgentThreshold, m.UrgentSure) || p >= m.UrgentThreshold && EventGate(s.Concepts)
}

// EventGate reports whether stack concepts (Scores.Concepts) let a
// borderline score count as urgent: not when the message names no emergency
// event and does name a drip, a minor or uncertain problem, or a marker that
// it is hypothetical, past, over, negated or not urgent.
func EventGate(concepts uint32) bool {
	const event, calm, drip, mild = 1 << 0, 1 << 1, 1 << 10, 1 << 11 // bits of StackConcepts
	return concepts&event != 0 || concepts&(calm|drip|mild) == 0
}

// Scores are a model's outputs for one message.
type Scores struct {
	Intent   [NIntent]float64   // probabilities, calibrated
	Urgent   float64            // probability
	Category [NCategory]float64 // probabilities
	Concepts uint32             // bit k: StackConcepts[k] present
}

// Predict scores a message from its features (see AppendFeatures).
func (m *Model) Predict(feats []uint32, s *Scores) {
	var acc, cacc [Width]int32
	s.Concepts = 0
	mask := uint32(m.Buckets - 1)
	grams := 0
	for _, f := range feats {
		row := m.rows[int(f&mask)*Width:][:Width]
		if f&ConceptBit != 0 {
			for k, w := range row {
				cacc[k] += int32(w)
			}
			for k, sf := range m.stackFeats {
				if f == sf {
					s.Concepts |= 1 << k
				}
			}
			continue
		}
		grams++
		for k, w := range row {
			acc[k] += int32(w)
		}
	}
	norm := float32(featureValue(grams))
	cv := float32(ConceptValue)
	var z [Width]float64
	for k := range z {
		sc := m.Scales[0]
		if k == offUrgent {
			sc = m.Scales[1]
		} else if k >= offCat {
			sc = m.Scales[2]
		}
		z[k] = float64((float32(acc[k])*norm+float32(cacc[k])*cv)*sc + m.Bias[k])
	}
	softmax(z[:NIntent], s.Intent[:])
	softmax(z[offCat:], s.Category[:])
	s.Urgent = sigmoid(z[offUrgent])
	if m.Stack != ([StackWidth]float32{}) {
		var x [StackWidth]float64
		StackInputs(&x, z[offUrgent], &s.Intent, &s.Category, s.Concepts)
		dot := 0.0
		for k, w := range m.Stack {
			dot += float64(w) * x[k]
		}
		s.Urgent = sigmoid(dot)
	}
	if t := float64(m.Temperature); t > 0 && t != 1 {
		for k := range NIntent {
			z[k] /= t
		}
		softmax(z[:NIntent], s.Intent[:])
	}
}

// NormPad is added to a message's feature count before length
// normalisation, so that a message of two or three features ("...", "在吗")
// cannot reach extreme scores on so little evidence.
const NormPad = 16.0

// ConceptBit marks a concept feature (see AppendFeatures): its value is
// ConceptValue whatever the message's length, where n-gram features are
// length-normalised, so a long message does not dilute "gas" or "trapped".
const ConceptBit = 1 << 31

// ConceptValue is the value of each concept feature present.
var ConceptValue = 0.25

// featureValue is the value of each feature of a message with n features.
func featureValue(n int) float64 { return 1 / math.Sqrt(float64(n)+NormPad) }

func softmax(z, p []float64) {
	max := z[0]
	for _, v := range z[1:] {
		if v > max {
			max = v
		}
	}
	sum := 0.0
	for i, v := range z {
		p[i] = math.Exp(v - max)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// Encode writes the model gzip-compressed, keeping only non-zero rows.
func (m *Model) Encode(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	bw.WriteString(magic)
	le := binary.LittleEndian
	var hdr []byte
	hdr = le.AppendUint32(hdr, uint32(m.Buckets))
	hdr = le.AppendUint32(hdr, uint32(Width))
	for _, f := range m.Scales {
		hdr = le.AppendUint32(hdr, math.Float32bits(f))
	}
	for _, f := range m.Bias {
		hdr = le.AppendUint32(hdr, math.Float32bits(f))
	}
	hdr = le.AppendUint32(hdr, math.Float32bits(m.Temperature))
	hdr = le.AppendUint32(hdr, math.Float32bits(m.UrgentThreshold))
	hdr = le.AppendUint32(hdr, math.Float32bits(m.UrgentSure))
	for _, f := range m.Stack {
		hdr = le.AppendUint32(hdr, math.Float32bits(f))
	}
	bw.Write(hdr)
	prev := -1
	var buf [binary.MaxVarintLen64]byte
	for b := range m.Buckets {
		row := m.rows[b*Width : (b+1)*Width]
		if allZero(row) {
			continue
		}
		bw.Write(buf[:binary.PutUvarint(buf[:], uint64(b-prev))])
		for _, v := range row {
			bw.WriteByte(byte(v))
		}
		prev = b
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

func allZero(row []int8) bool {
	for _, v := range row {
		if v != 0 {
			return false
		}
	}
	return true
}

// Decode reads a model written by Encode.
func Decode(data []byte) (*Model, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode model: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("decode model: %w", err)
	}
	if !bytes.HasPrefix(raw, []byte(magic)) {
		return nil, errors.New("decode model: not a model file")
	}
	raw = raw[len(magic):]
	le := binary.LittleEndian
	const hdrLen = 4 * (2 + 3 + Width + 3 + StackWidth)
	if len(raw) < hdrLen {
		return nil, errors.New("decode model: short header")
	}
	m := &Model{Buckets: int(le.Uint32(raw))}
	if le.Uint32(raw[4:]) != uint32(Width) || m.Buckets <= 0 || m.Buckets > 1<<24 || m.Buckets&(m.Buckets-1) != 0 {
		return nil, errors.New("decode model: unexpected shape")
	}
	f := func(i int) float32 { return math.Float32frombits(le.Uint32(raw[8+4*i:])) }
	for i := range m.Scales {
		m.Scales[i] = f(i)
	}
	for i := range m.Bias {
		m.Bias[i] = f(3 + i)
	}
	m.Temperature = f(3 + Width)
	m.UrgentThreshold = f(4 + Width)
	m.UrgentSure = f(5 + Width)
	for i := range m.Stack {
		m.Stack[i] = f(6 + Width + i)
	}
	raw = raw[hdrLen:]
	m.stackFeats = stackBuckets(m.Buckets)
	m.rows = make([]int8, m.Buckets*Width)
	b := -1
	for len(raw) > 0 {
		d, n := binary.Uvarint(raw)
		if n <= 0 || d == 0 || d > uint64(m.Buckets) {
			return nil, errors.New("decode model: bad row index")
		}
		b += int(d)
		if b >= m.Buckets || len(raw) < n+Width {
			return nil, errors.New("decode model: truncated row")
		}
		for k := range Width {
			m.rows[b*Width+k] = int8(raw[n+k])
		}
		raw = raw[n+Width:]
	}
	return m, nil
}
