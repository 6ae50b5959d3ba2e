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

const magic = "CONCIERGE-INTENTS-1\n"

// Model is a trained linear model over hashed features, quantised to int8
// weights per head. It is read-only after Decode, safe for concurrent use.
type Model struct {
	Buckets         int            // number of feature buckets, a power of two
	Scales          [3]float32     // int8 → float per head (intent, urgent, category)
	Bias            [Width]float32 // per output
	Temperature     float32        // intent logits are divided by it (calibration)
	UrgentThreshold float32        // urgent when P(urgent) >= it
	rows            []int8         // Buckets × Width
}

// Scores are a model's outputs for one message.
type Scores struct {
	Intent   [NIntent]float64   // probabilities, calibrated
	Urgent   float64            // probability
	Category [NCategory]float64 // probabilities
}

// Predict scores a message from its features (see AppendFeatures).
func (m *Model) Predict(feats []uint32, s *Scores) {
	var acc [Width]int32
	mask := uint32(m.Buckets - 1)
	for _, f := range feats {
		row := m.rows[int(f&mask)*Width:][:Width]
		for k, w := range row {
			acc[k] += int32(w)
		}
	}
	norm := float32(featureValue(len(feats)))
	var z [Width]float64
	for k := range z {
		sc := m.Scales[0]
		if k == offUrgent {
			sc = m.Scales[1]
		} else if k >= offCat {
			sc = m.Scales[2]
		}
		z[k] = float64(float32(acc[k])*sc*norm + m.Bias[k])
	}
	t := float64(m.Temperature)
	if t <= 0 {
		t = 1
	}
	for k := range NIntent {
		z[k] /= t
	}
	softmax(z[:NIntent], s.Intent[:])
	s.Urgent = sigmoid(z[offUrgent])
	softmax(z[offCat:], s.Category[:])
}

// NormPad is added to a message's feature count before length
// normalisation, so that a message of two or three features ("...", "在吗")
// cannot reach extreme scores on so little evidence.
const NormPad = 16.0

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
	const hdrLen = 4 * (2 + 3 + Width + 2)
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
	raw = raw[hdrLen:]
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
