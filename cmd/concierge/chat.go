package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"

	"concierge/bot"
)

// chat lets a person talk to the bot as an owner in the terminal: the same
// engine, inbox, tickets and handoffs as on Telegram, with the bot's
// messages printed instead of sent.
func chat(ctx context.Context, cfg Config, log *slog.Logger, in io.Reader, out io.Writer) error {
	a, err := newApp(ctx, cfg, log, appOptions{terminal: out, prefix: cfg.redisPrefix(), workers: 2})
	if err != nil {
		return err
	}
	defer a.close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go a.run(ctx)

	const userID = 1 // the terminal owner
	fmt.Fprintf(out, "Concierge chat — you are an owner (user %d). Write in Chinese or English; /start to begin, /quit to leave.\n", userID)
	var next atomic.Int64
	next.Store(time.Now().UnixMicro())
	id := func() int64 { return next.Add(1) }
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for {
		fmt.Fprint(out, "\nyou> ")
		if !sc.Scan() {
			break
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if line == "/quit" || line == "/exit" {
			break
		}
		u := models.Update{ID: id()}
		if n, err := strconv.Atoi(line); err == nil {
			if data, msgID, ok := a.bot.PressButton(n); ok {
				u.CallbackQuery = &models.CallbackQuery{ID: strconv.FormatInt(u.ID, 10), From: terminalUser(userID), Data: data,
					Message: models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage,
						// A message without a date is an inaccessible one to the library.
						Message: &models.Message{ID: int(msgID), Date: int(time.Now().Unix()), Chat: models.Chat{ID: userID, Type: models.ChatTypePrivate}}}}
			}
		}
		if u.CallbackQuery == nil {
			from := terminalUser(userID)
			u.Message = &models.Message{ID: int(u.ID % 1e9), From: &from, Date: int(time.Now().Unix()),
				Chat: models.Chat{ID: userID, Type: models.ChatTypePrivate}, Text: line}
		}
		if err := submit(ctx, a.bot, u); err != nil {
			fmt.Fprintf(out, "(not stored: %v)\n", err)
			continue
		}
		waitQuiet(ctx)
	}
	waitQuiet(ctx) // let the last answer print
	waitQuiet(ctx)
	return nil
}

func terminalUser(id int64) models.User {
	return models.User{ID: id, FirstName: "Owner", LanguageCode: "zh-hans"}
}

func submit(ctx context.Context, b *bot.Bot, u models.Update) error {
	raw, err := json.Marshal(u)
	if err != nil {
		return err
	}
	return b.SubmitRaw(ctx, raw)
}

// waitQuiet gives the bot a moment to answer before the next prompt.
func waitQuiet(ctx context.Context) {
	select {
	case <-time.After(400 * time.Millisecond):
	case <-ctx.Done():
	}
}
