package main

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const (
	defaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/concierge?sslmode=disable"
	defaultRedisURL    = "redis://127.0.0.1:6379/0"
	defaultAPIURL      = "https://api.telegram.org"
)

// Config is the whole configuration, read from the environment in one place
// (DESIGN.md, "Configuration").
type Config struct {
	DatabaseURL    string
	RedisURL       string
	TelegramToken  string
	TelegramAPIURL string
	WebhookURL     string
	WebhookSecret  string
	StaffChatID    int64
	HTTPAddr       string

	OpenAIKey     string
	OpenAIBaseURL string
	OpenAIModel   string

	SendLimits bool
	Location   *time.Location

	ClaimTimeoutUrgent time.Duration
	ClaimTimeoutNormal time.Duration

	CallbackDelay            time.Duration
	CallbackDelayUrgent      time.Duration
	CallbackReminderInterval time.Duration
	CallbackMaxReminders     int
	AutoCloseAfter           time.Duration
	QuietHours               QuietHours
}

// QuietHours is a daily window, in the estate's clock, with no callbacks.
// Start == End means none.
type QuietHours struct {
	Start, End time.Duration // since midnight
}

// Enabled reports whether there is a window at all.
func (q QuietHours) Enabled() bool { return q.Start != q.End }

// loadConfig turns the environment into a Config, reporting every bad
// variable by name in one error. lookup is os.LookupEnv in main, a map in
// tests.
func loadConfig(lookup func(string) (string, bool)) (Config, error) {
	getenv := func(k string) string { v, _ := lookup(k); return v }
	var errs []error
	dur := func(name, def string) time.Duration {
		v := cmp.Or(strings.TrimSpace(getenv(name)), def)
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s=%q: want a positive Go duration such as 30s, 5m or 2h", name, v))
			return 0
		}
		return d
	}
	c := Config{
		DatabaseURL:    cmp.Or(getenv("DATABASE_URL"), defaultDatabaseURL),
		RedisURL:       cmp.Or(getenv("REDIS_URL"), defaultRedisURL),
		TelegramToken:  strings.TrimSpace(getenv("TELEGRAM_BOT_TOKEN")),
		TelegramAPIURL: strings.TrimRight(cmp.Or(getenv("TELEGRAM_API_URL"), defaultAPIURL), "/"),
		WebhookURL:     strings.TrimSpace(getenv("TELEGRAM_WEBHOOK_URL")),
		WebhookSecret:  strings.TrimSpace(getenv("TELEGRAM_WEBHOOK_SECRET")),
		HTTPAddr:       cmp.Or(getenv("HTTP_ADDR"), ":8080"),
		OpenAIKey:      strings.TrimSpace(getenv("OPENAI_API_KEY")),
		OpenAIBaseURL:  strings.TrimSpace(getenv("OPENAI_BASE_URL")),
		OpenAIModel:    strings.TrimSpace(getenv("OPENAI_MODEL")),

		ClaimTimeoutUrgent:       dur("CLAIM_TIMEOUT_URGENT", "5m"),
		ClaimTimeoutNormal:       dur("CLAIM_TIMEOUT_NORMAL", "30m"),
		CallbackDelay:            dur("CALLBACK_DELAY", "2h"),
		CallbackDelayUrgent:      dur("CALLBACK_DELAY_URGENT", "30m"),
		CallbackReminderInterval: dur("CALLBACK_REMINDER_INTERVAL", "24h"),
		AutoCloseAfter:           dur("AUTO_CLOSE_AFTER", "72h"),
	}
	if v := strings.TrimSpace(getenv("STAFF_CHAT_ID")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("STAFF_CHAT_ID=%q: want the group's numeric chat id, e.g. -1001234567890", v))
		}
		c.StaffChatID = id
	}
	switch v := strings.ToLower(cmp.Or(strings.TrimSpace(getenv("TELEGRAM_SEND_LIMITS")), "on")); v {
	case "on", "true", "1", "yes":
		c.SendLimits = true
	case "off", "false", "0", "no":
	default:
		errs = append(errs, fmt.Errorf("TELEGRAM_SEND_LIMITS=%q: want on or off", v))
	}
	tz := cmp.Or(strings.TrimSpace(getenv("ESTATE_TIMEZONE")), "Asia/Shanghai")
	loc, err := time.LoadLocation(tz)
	if err != nil {
		errs = append(errs, fmt.Errorf("ESTATE_TIMEZONE=%q: want an IANA zone such as Asia/Shanghai or Asia/Hong_Kong", tz))
	}
	c.Location = loc
	maxRem := cmp.Or(strings.TrimSpace(getenv("CALLBACK_MAX_REMINDERS")), "2")
	if n, err := strconv.Atoi(maxRem); err != nil || n < 0 || n > 10 {
		errs = append(errs, fmt.Errorf("CALLBACK_MAX_REMINDERS=%q: want a whole number from 0 to 10", maxRem))
	} else {
		c.CallbackMaxReminders = n
	}
	quiet, set := lookup("QUIET_HOURS")
	qh, err := parseQuietHours(quiet, !set)
	if err != nil {
		errs = append(errs, err)
	}
	c.QuietHours = qh
	errs = append(errs, c.validate()...)
	return c, errors.Join(errs...)
}

var quietRe = regexp.MustCompile(`^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$`)

// parseQuietHours reads "21:00-08:00"; an empty value disables the window
// unless the variable is absent, when the default applies.
func parseQuietHours(v string, useDefault bool) (QuietHours, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		if useDefault {
			v = "21:00-08:00"
		} else {
			return QuietHours{}, nil
		}
	}
	m := quietRe.FindStringSubmatch(v)
	if m == nil {
		return QuietHours{}, fmt.Errorf("QUIET_HOURS=%q: want HH:MM-HH:MM such as 21:00-08:00, or empty for none", v)
	}
	hm := func(h, mm string) (time.Duration, bool) {
		hh, _ := strconv.Atoi(h)
		mi, _ := strconv.Atoi(mm)
		return time.Duration(hh)*time.Hour + time.Duration(mi)*time.Minute, hh < 24 && mi < 60
	}
	s, ok1 := hm(m[1], m[2])
	e, ok2 := hm(m[3], m[4])
	if !ok1 || !ok2 {
		return QuietHours{}, fmt.Errorf("QUIET_HOURS=%q: hours 00-23, minutes 00-59", v)
	}
	return QuietHours{Start: s, End: e}, nil
}

var secretRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func (c Config) validate() []error {
	var errs []error
	if (c.WebhookURL == "") != (c.WebhookSecret == "") {
		errs = append(errs, errors.New("TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET go together: set both for webhook mode, or neither for long polling"))
	}
	if c.WebhookURL != "" {
		if u, err := url.Parse(c.WebhookURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("TELEGRAM_WEBHOOK_URL=%q: want a full URL such as https://bot.example.com/telegram/webhook", c.WebhookURL))
		}
	}
	if c.WebhookSecret != "" && !secretRe.MatchString(c.WebhookSecret) {
		errs = append(errs, errors.New("TELEGRAM_WEBHOOK_SECRET: 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)"))
	}
	if c.OpenAIKey != "" && c.OpenAIModel == "" {
		errs = append(errs, errors.New("OPENAI_MODEL: set the model name to use with OPENAI_API_KEY (e.g. gpt-4o-mini, deepseek-chat, qwen-plus)"))
	}
	if _, err := url.Parse(c.TelegramAPIURL); err != nil {
		errs = append(errs, fmt.Errorf("TELEGRAM_API_URL=%q: %v", c.TelegramAPIURL, err))
	}
	return errs
}

// webhookPath is the path Telegram will POST to.
func (c Config) webhookPath() string {
	u, err := url.Parse(c.WebhookURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// redisPrefix namespaces Concierge's Redis keys by its database (and schema,
// when DATABASE_URL sets a search_path): deployments, or tests, that share a
// Redis but not a database never read each other's queues.
// The default configuration gives "concierge:concierge:".
func (c Config) redisPrefix() string {
	name := "concierge"
	if u, err := url.Parse(c.DatabaseURL); err == nil {
		if db := strings.Trim(u.Path, "/"); db != "" {
			name = db
		}
		if sp := u.Query().Get("search_path"); sp != "" {
			name += "." + sp
		}
	}
	return "concierge:" + name + ":"
}
