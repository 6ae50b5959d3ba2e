// Package tgfake is an in-process Telegram Bot API server for tests and for
// `concierge bench`.
//
// It speaks the real Bot API JSON over HTTP, so go-telegram/bot talks to it
// unmodified through tgbot.WithServerURL(srv.URL()). It records every call,
// assigns message ids per chat, serves queued updates to getUpdates long
// polls, injects failures (429 with retry_after, 500, 502, delays) and can
// check Telegram's sending limits. It imports no other Concierge package.
//
// In a test:
//
//	srv := tgfake.New(tgfake.DefaultToken)
//	t.Cleanup(srv.Close)
//	b, err := tgbot.New(tgfake.DefaultToken, tgbot.WithServerURL(srv.URL()))
//	...
//	srv.PushUpdate(tgfake.TextUpdate(1, 42, "zh-hans", "管理费怎么交?"))
//	sent, err := srv.WaitSent(ctx, 42, 1) // no sleeps: waits on each call
//	srv.FailNext("sendMessage", 1, 429, 3) // next send: retry after 3 s
//	srv.SetLimits(tgfake.LimitsRecord)     // then assert srv.Violations() == 0
//
// Calls are recorded when they are answered; WaitInFlight and WaitPolling
// see requests still being served. Message ids count per chat and continue
// after the ids of pushed incoming messages. editMessage* accept any message
// id in a chat (tests push callbacks for messages the fake never sent) and
// never answer "message is not modified".
package tgfake
