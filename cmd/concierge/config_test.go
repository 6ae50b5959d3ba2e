package main

import (
	"strings"
	"testing"
	"time"
)

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		vars    map[string]string
		errs    []string // each must appear in the error; none → valid
		inspect func(t *testing.T, c Config)
	}{
		{"defaults", map[string]string{}, nil, func(t *testing.T, c Config) {
			if c.DatabaseURL != defaultDatabaseURL || c.RedisURL != defaultRedisURL || c.HTTPAddr != ":8080" || !c.SendLimits {
				t.Errorf("defaults: %+v", c)
			}
			if c.ClaimTimeoutUrgent != 5*time.Minute || c.ClaimTimeoutNormal != 30*time.Minute || c.CallbackDelay != 2*time.Hour ||
				c.CallbackDelayUrgent != 30*time.Minute || c.CallbackReminderInterval != 24*time.Hour || c.CallbackMaxReminders != 2 || c.AutoCloseAfter != 72*time.Hour {
				t.Errorf("durations: %+v", c)
			}
			if c.QuietHours != (QuietHours{21 * time.Hour, 8 * time.Hour}) || c.Location.String() != "Asia/Shanghai" {
				t.Errorf("quiet hours %v, zone %v", c.QuietHours, c.Location)
			}
		}},
		{"seconds for an end-to-end run", map[string]string{"CLAIM_TIMEOUT_URGENT": "5s", "CALLBACK_DELAY": "10s", "QUIET_HOURS": "", "TELEGRAM_SEND_LIMITS": "off"}, nil, func(t *testing.T, c Config) {
			if c.ClaimTimeoutUrgent != 5*time.Second || c.CallbackDelay != 10*time.Second || c.QuietHours.Enabled() || c.SendLimits {
				t.Errorf("%+v", c)
			}
		}},
		{"every bad variable named", map[string]string{
			"CLAIM_TIMEOUT_NORMAL": "soon", "STAFF_CHAT_ID": "staff", "ESTATE_TIMEZONE": "Mars/Olympus", "QUIET_HOURS": "9pm-8am",
			"CALLBACK_MAX_REMINDERS": "-1", "TELEGRAM_SEND_LIMITS": "maybe", "TELEGRAM_WEBHOOK_URL": "https://x.example/hook",
		}, []string{"CLAIM_TIMEOUT_NORMAL", "STAFF_CHAT_ID", "ESTATE_TIMEZONE", "QUIET_HOURS", "CALLBACK_MAX_REMINDERS", "TELEGRAM_SEND_LIMITS", "TELEGRAM_WEBHOOK_SECRET"}, nil},
		{"bad webhook secret", map[string]string{"TELEGRAM_WEBHOOK_URL": "https://x.example/hook", "TELEGRAM_WEBHOOK_SECRET": "has spaces"}, []string{"TELEGRAM_WEBHOOK_SECRET"}, nil},
		{"openai needs a model", map[string]string{"OPENAI_API_KEY": "k"}, []string{"OPENAI_MODEL"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := loadConfig(env(c.vars))
			if len(c.errs) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				c.inspect(t, cfg)
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, want := range c.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %s:\n%v", want, err)
				}
			}
		})
	}
}

func TestRedisPrefix(t *testing.T) {
	t.Parallel()
	cases := []struct{ url, want string }{
		{defaultDatabaseURL, "concierge:concierge:"},
		{"postgres://u:p@db:5432/estate_a?sslmode=disable", "concierge:estate_a:"},
		{"postgres://u@db/estate_a?search_path=t_1", "concierge:estate_a.t_1:"},
	}
	for _, c := range cases {
		if got := (Config{DatabaseURL: c.url}).redisPrefix(); got != c.want {
			t.Errorf("%s: %s, want %s", c.url, got, c.want)
		}
	}
}
