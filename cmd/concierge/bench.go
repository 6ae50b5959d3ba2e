package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"concierge/bot/tgfake"
	"concierge/storage"
)

// benchMessages are what simulated owners write: repairs with and without
// a location, complaints, inquiries, emergencies and small talk, in the
// three languages.
var benchMessages = []string{
	"3栋2单元1201 厨房水龙头关不紧，一直滴水",
	"The light in the 12/F corridor of Block B is not working",
	"楼上每天半夜装修,吵得睡不着",
	"装修要办什么手续?",
	"B座1203 洗手間去水塞咗",
	"您好",
	"5号楼302 卫生间灯不亮了",
	"管理費點樣交?",
	"Flat 12C, the intercom is not working",
	"谢谢!",
	"停车场的保安态度很差",
	"3-2-1201 空调漏水",
}

// bench drives the whole pipeline — webhook, inbox, understanding,
// tickets, outbox relay to Redis, the sender — with simulated owners
// against an in-process Bot API server, and reports throughput and the
// latency from update received to reply handed to the Bot API.
func bench(ctx context.Context, cfg Config, args []string, out, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	owners := fs.Int("owners", 50, "simulated owners writing at once")
	messages := fs.Int("messages", 3000, "messages in all")
	rate := fs.Float64("rate", 0, "target messages per second in all (0: as fast as the pipeline goes)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	compare := fs.Bool("pgbench", false, "then run pgbench (4 clients, 10 s, synchronous_commit on) inserting one ticket and one event per transaction, and print the ratio")
	burst := fs.Int("burst", 0, "instead: queue this many replies at once and send them at Telegram's limits (a Bot API that answers 429 past them)")
	if err := fs.Parse(args); err != nil {
		return usageError(err.Error())
	}
	if *owners < 1 || *messages < 1 {
		return usageError("--owners and --messages must be positive")
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))

	var rnd [4]byte
	rand.Read(rnd[:])
	tag := "bench_" + hex.EncodeToString(rnd[:])
	dbURL, drop, err := storage.CreateSchema(ctx, cfg.DatabaseURL, tag)
	if err != nil {
		return fmt.Errorf("%w\nIs PostgreSQL running and does the database exist? See README.md", err)
	}
	defer drop(context.WithoutCancel(ctx))
	cfg.DatabaseURL = dbURL
	cfg.SendLimits = *burst > 0 // capacity runs without Telegram's pacing (DESIGN.md); the burst measures it
	cfg.StaffChatID = -1000000000001

	fake := tgfake.New(tgfake.DefaultToken)
	defer fake.Close()
	a, err := newApp(ctx, cfg, log, appOptions{token: tgfake.DefaultToken, apiURL: fake.URL(), skipGetMe: true, prefix: tag + ":"})
	if err != nil {
		return err
	}
	defer a.close()
	defer cleanRedis(context.WithoutCancel(ctx), a, tag+":")
	if *burst > 0 {
		return benchBurst(ctx, a, fake, *burst, out, stderr)
	}
	const secret = "bench-secret"
	hook := httptest.NewServer(a.bot.WebhookHandler(secret))
	defer hook.Close()
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { a.run(runCtx) })
	defer func() { stop(); wg.Wait() }()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *owners + 8}, Timeout: 30 * time.Second}
	var (
		nextUpdate atomic.Int64
		errs       atomic.Int64
		mu         sync.Mutex
		lat        = make([]time.Duration, 0, *messages)
	)
	per := *messages / *owners
	extra := *messages % *owners
	var gap time.Duration
	if *rate > 0 {
		gap = time.Duration(float64(*owners) / *rate * float64(time.Second))
	}
	fmt.Fprintf(stderr, "bench: %d owners, %d messages, rate %s, schema %s\n", *owners, *messages, rateText(*rate), tag)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	var owg sync.WaitGroup
	for o := range *owners {
		n := per
		if o < extra {
			n++
		}
		chat := int64(100000 + o)
		owg.Go(func() {
			// Owners start spread over one gap, so the load is even rather
			// than a burst from every owner at once.
			next := time.Now().Add(gap * time.Duration(o) / time.Duration(*owners))
			for i := range n {
				if gap > 0 {
					if d := time.Until(next); d > 0 {
						time.Sleep(d)
					}
					next = next.Add(gap)
				}
				text := benchMessages[(o+i)%len(benchMessages)]
				upd := tgfake.TextUpdate(nextUpdate.Add(1), chat, "zh-hans", text)
				t0 := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, strings.NewReader(string(tgfake.Marshal(upd))))
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
				resp, err := client.Do(req)
				if err != nil || resp.StatusCode != http.StatusOK {
					errs.Add(1)
					if resp != nil {
						resp.Body.Close()
					}
					continue
				}
				resp.Body.Close()
				wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				sent, err := fake.WaitSent(wctx, chat, i+1)
				cancel()
				if err != nil || len(sent) < i+1 {
					errs.Add(1)
					continue
				}
				d := sent[i].At.Sub(t0)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		})
	}
	owg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	q := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	throughput := float64(len(lat)) / elapsed.Seconds()
	if *compare {
		tps, err := pgbenchBaseline(ctx, dbURL, tag)
		if err != nil {
			return fmt.Errorf("pgbench: %w", err)
		}
		fmt.Fprintf(stderr, "bench: pgbench_tps=%.1f ratio=%.2f (target >= 0.5)\n", tps, throughput/tps)
	}
	fmt.Fprintf(out, "msgs_per_s=%.1f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f n=%d errors=%d\n",
		throughput, q(0.50), q(0.95), q(0.99), len(lat), errs.Load())
	return nil
}

// pgbenchScript is the baseline of DESIGN.md: a bare transaction inserting
// one ticket row and one event row.
const pgbenchScript = `BEGIN;
WITH t AS (
  INSERT INTO tickets (code, kind, queue, category, summary, body, lang, owner_id)
  VALUES ('P-' || md5(random()::text), 'repair', 'repair', 'water', 'kitchen tap dripping', '3栋2单元1201 厨房水龙头关不紧，一直滴水', 'zh-Hans', 1)
  RETURNING id)
INSERT INTO ticket_events (ticket_id, actor, kind, detail) SELECT id, 'owner', 'created', '{}' FROM t;
COMMIT;
`

// pgbenchBaseline runs pgbench against the bench schema, in the same run,
// and returns its transactions per second.
func pgbenchBaseline(ctx context.Context, dbURL, schema string) (float64, error) {
	path, err := exec.LookPath("pgbench")
	if err != nil {
		return 0, errors.New("pgbench is not installed (apt-get install postgresql-client)")
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return 0, err
	}
	q := u.Query()
	q.Del("search_path")
	q.Del("binary_parameters")
	u.RawQuery = q.Encode()
	dir, err := os.MkdirTemp("", "concierge-pgbench")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "ticket.sql")
	if err := os.WriteFile(script, []byte(pgbenchScript), 0o600); err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(ctx, path, "-n", "-c", "4", "-j", "2", "-T", "10", "-f", script, u.String())
	cmd.Env = append(os.Environ(), "PGOPTIONS=-c search_path="+schema+" -c synchronous_commit=on")
	outb, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("%w: %s", err, outb)
	}
	m := regexp.MustCompile(`tps = ([0-9.]+)`).FindSubmatch(outb)
	if m == nil {
		return 0, fmt.Errorf("no tps in pgbench output: %s", outb)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

// benchBurst queues n replies to n/2 owners (one in ten urgent) in one go and
// sends them through a Bot API that enforces Telegram's limits, reporting
// how long it took, whether anything was refused and whether urgent replies
// went first.
func benchBurst(ctx context.Context, a *app, fake *tgfake.Server, n int, out, stderr io.Writer) error {
	fake.SetLimits(tgfake.LimitsEnforce)
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { a.run(runCtx) })
	defer func() { stop(); wg.Wait() }()
	chats := max(n/2, 1)
	urgent := 0
	start := time.Now()
	for i := range n {
		u := i%10 == 9
		if u {
			urgent++
		}
		text := "您好,您的报修已登记,师傅今天下午上门。"
		if u {
			text = "🚨 紧急工单已登记,值班同事正在赶来。"
		}
		if err := a.bot.Notify(ctx, int64(200000+i%chats), text, u); err != nil {
			return err
		}
	}
	queued := time.Since(start)
	fmt.Fprintf(stderr, "bench: %d replies queued in %s; sending at Telegram's limits (about %.0f s)\n", n, queued.Round(time.Millisecond), float64(n)/30)
	sent, err := fake.WaitSent(ctx, 0, n)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	lastUrgent := -1 // position of the last urgent reply sent
	for i, m := range sent {
		if strings.HasPrefix(m.Text, "🚨") {
			lastUrgent = i
		}
	}
	throttled := 0
	for _, c := range fake.Calls() {
		if c.Status == http.StatusTooManyRequests {
			throttled++
		}
	}
	fmt.Fprintf(out, "burst_n=%d seconds=%.1f msgs_per_s=%.1f throttled=%d violations=%d urgent_sent_by=%d urgent=%d\n",
		n, elapsed.Seconds(), float64(n)/elapsed.Seconds(), throttled, fake.Violations(), lastUrgent+1, urgent)
	return nil
}

func rateText(r float64) string {
	if r <= 0 {
		return "unlimited"
	}
	return fmt.Sprintf("%.0f/s", r)
}

func cleanRedis(ctx context.Context, a *app, prefix string) {
	iter := a.rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if len(keys) > 0 {
		a.rdb.Del(ctx, keys...)
	}
}
