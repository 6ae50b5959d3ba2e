package intents

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"testing"
)

// benchTexts are corpus lines when the corpus is there, else a fixed mix.
func benchTexts(b *testing.B) []string {
	texts := []string{
		"你好,我家厨房水槽堵了,水下不去,麻烦派个师傅来看看,3栋2单元1201",
		"有人困咗喺lift入面,快啲嚟!", "Block B 12/F Flat C has no power since this morning",
		"報修咗三日都冇人嚟,你哋做乜嘢", "请问管理费可以用微信交吗?", "楼上每天晚上12点还在剁东西,吵得睡不着",
		"The lobby floor is wet and someone slipped", "謝謝你哋",
	}
	f, err := os.Open("corpus/train.jsonl")
	if err != nil {
		return texts
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 0; sc.Scan() && n < 500; n++ {
		var l struct{ Text string }
		if json.Unmarshal(sc.Bytes(), &l) == nil {
			texts = append(texts, l.Text)
		}
	}
	return texts
}

func BenchmarkLocalUnderstand(b *testing.B) {
	l := newLocal(b)
	texts := benchTexts(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := l.Understand(ctx, texts[i%len(texts)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkLocalUnderstandParallel(b *testing.B) {
	l := newLocal(b)
	texts := benchTexts(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			l.Understand(context.Background(), texts[i%len(texts)])
			i++
		}
	})
}
