package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"concierge/bot"
	"concierge/handoff"
	"concierge/intents"
	"concierge/storage"
)

// understander picks the local model, or an OpenAI-compatible model with
// the local one as fallback when OPENAI_API_KEY is set.
func understander(cfg Config, log *slog.Logger) (interface {
	Understand(context.Context, string) (intents.Result, error)
}, error) {
	local, err := intents.NewLocal()
	if err != nil {
		return nil, err
	}
	if cfg.OpenAIKey == "" {
		return local, nil
	}
	return intents.NewLLM(intents.LLMConfig{APIKey: cfg.OpenAIKey, BaseURL: cfg.OpenAIBaseURL, Model: cfg.OpenAIModel, Logger: log}, local), nil
}

// app is everything serve, chat and bench run.
type app struct {
	store *storage.Store
	rdb   *redis.Client
	bot   *bot.Bot
	hub   *handoff.Hub
}

type appOptions struct {
	token     string
	apiURL    string
	skipGetMe bool
	terminal  io.Writer
	registry  prometheus.Registerer
	prefix    string // Redis key prefix
	workers   int
}

func newApp(ctx context.Context, cfg Config, log *slog.Logger, o appOptions) (*app, error) {
	store, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := store.Migrate(ctx); err != nil {
		store.Close()
		return nil, err
	}
	ropt, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	rdb := redis.NewClient(ropt)
	if err := rdb.Ping(ctx).Err(); err != nil {
		// Tickets still open without Redis; handoffs wait in the outbox.
		log.Warn("Redis is not answering; handoffs will be published when it is back", "addr", ropt.Addr, "err", err)
	}
	u, err := understander(cfg, log)
	if err != nil {
		store.Close()
		return nil, err
	}
	kb, err := newAnswers(cfg, log)
	if err != nil {
		store.Close()
		return nil, err
	}
	b, err := bot.New(ctx, bot.Config{
		Store: store, Understand: u, Answers: kb, UnderstandFirst: cfg.OpenAIKey != "",
		TelegramToken: o.token, TelegramAPIURL: o.apiURL, SkipGetMe: o.skipGetMe, Terminal: o.terminal,
		StaffChatID: cfg.StaffChatID, Location: cfg.Location,
		ClaimTimeoutUrgent: cfg.ClaimTimeoutUrgent, ClaimTimeoutNormal: cfg.ClaimTimeoutNormal,
		EstateName: kb.EstateName(), EstateNames: kb.EstateNames(), Hotline: kb.Hotline(),
		CallbackDelay: cfg.CallbackDelay, CallbackDelayUrgent: cfg.CallbackDelayUrgent,
		CallbackReminderInterval: cfg.CallbackReminderInterval, CallbackMaxReminders: maxReminders(cfg.CallbackMaxReminders),
		AutoCloseAfter: cfg.AutoCloseAfter, QuietStart: cfg.QuietHours.Start, QuietEnd: cfg.QuietHours.End,
		Sender:  bot.SenderConfig{Limits: cfg.SendLimits},
		Workers: o.workers, Logger: log, Registry: o.registry,
	})
	if err != nil {
		store.Close()
		return nil, err
	}
	hub := handoff.New(rdb, store, b, handoff.Config{
		Prefix: o.prefix, ClaimTimeoutUrgent: cfg.ClaimTimeoutUrgent, ClaimTimeoutNormal: cfg.ClaimTimeoutNormal, Logger: log,
	})
	b.SetHub(hub)
	return &app{store: store, rdb: rdb, bot: b, hub: hub}, nil
}

// maxReminders maps CALLBACK_MAX_REMINDERS onto bot.Config, where 0 means
// the default and a negative number none.
func maxReminders(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

func (a *app) close() {
	a.rdb.Close()
	a.store.Close()
}

// run runs the bot and the hub until ctx ends.
func (a *app) run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { a.bot.Run(ctx) })
	wg.Go(func() { a.hub.Run(ctx) })
	wg.Wait()
}

const noTokenHelp = `TELEGRAM_BOT_TOKEN is not set, so there is no bot to serve.

To run Concierge on Telegram:
  1. Open @BotFather in Telegram, send /newbot, and copy the token it gives you.
  2. export TELEGRAM_BOT_TOKEN=123456:ABC...   (and STAFF_CHAT_ID for the staff group)
  3. concierge serve

To try the bot without Telegram, run:  concierge chat
`

func serve(ctx context.Context, cfg Config, log *slog.Logger, stderr io.Writer) error {
	if cfg.TelegramToken == "" {
		fmt.Fprint(stderr, noTokenHelp)
		return usageError("TELEGRAM_BOT_TOKEN is required for serve")
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a, err := newApp(ctx, cfg, log, appOptions{token: cfg.TelegramToken, apiURL: cfg.TelegramAPIURL, registry: reg, prefix: cfg.redisPrefix()})
	if err != nil {
		return err
	}
	defer a.close()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		cctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		var problems []error
		if err := a.store.Ping(cctx); err != nil {
			problems = append(problems, fmt.Errorf("postgres: %w", err))
		}
		if err := a.rdb.Ping(cctx).Err(); err != nil {
			problems = append(problems, fmt.Errorf("redis: %w", err))
		}
		if err := errors.Join(problems...); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready\n")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	if cfg.WebhookURL != "" {
		mux.Handle("POST "+cfg.webhookPath(), a.bot.WebhookHandler(cfg.WebhookSecret))
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server", "err", err)
			cancel()
		}
	})
	wg.Go(func() { a.run(ctx) })

	tg := a.bot.Telegram()
	setupTelegram(ctx, tg, cfg, log)
	if cfg.WebhookURL == "" {
		wg.Go(func() { a.bot.Poll(ctx, cfg.TelegramAPIURL, cfg.TelegramToken, 50*time.Second) })
	}
	log.Info("concierge serving", "http_addr", ln.Addr().String(), "webhook", cfg.WebhookURL != "", "staff_chat", cfg.StaffChatID != 0)
	<-ctx.Done()
	shut, cancelShut := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelShut()
	srv.Shutdown(shut)
	wg.Wait()
	log.Info("concierge stopped")
	return nil
}

// setupTelegram registers the webhook (or removes it for polling) and the
// command menus. Optional methods failing never stop the start.
func setupTelegram(ctx context.Context, tg *tgbot.Bot, cfg Config, log *slog.Logger) {
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if cfg.WebhookURL != "" {
		if _, err := tg.SetWebhook(cctx, &tgbot.SetWebhookParams{URL: cfg.WebhookURL, SecretToken: cfg.WebhookSecret,
			AllowedUpdates: []string{"message", "edited_message", "callback_query", "my_chat_member"}}); err != nil {
			log.Error("setWebhook failed; Telegram will not deliver updates until it succeeds", "err", err)
		}
	} else if _, err := tg.DeleteWebhook(cctx, &tgbot.DeleteWebhookParams{}); err != nil {
		log.Warn("deleteWebhook failed; polling may get 409 until the webhook is removed", "err", err)
	}
	cmds := []struct {
		lang string
		list []models.BotCommand
	}{
		{"", []models.BotCommand{{Command: "start", Description: "开始 / Start"}, {Command: "mytickets", Description: "我的工单 / My tickets"},
			{Command: "status", Description: "查询进度 / Ticket status"}, {Command: "cancel", Description: "撤销工单 / Withdraw a ticket"}, {Command: "help", Description: "帮助 / Help"}}},
	}
	for _, c := range cmds {
		if _, err := tg.SetMyCommands(cctx, &tgbot.SetMyCommandsParams{Commands: c.list, LanguageCode: c.lang}); err != nil {
			log.Warn("setMyCommands failed; going on without the command menu", "err", err)
		}
	}
}
