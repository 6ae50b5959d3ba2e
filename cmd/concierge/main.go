// Command concierge runs the Concierge Telegram assistant and its tools:
// serve, migrate, chat, eval, bench and staff (see DESIGN.md).
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `concierge — the property service centre's Telegram assistant

usage:
  concierge serve                      run everything (ingest, dialogs, relay, sender, escalations, callbacks)
  concierge migrate                    apply database migrations
  concierge chat                       talk to the bot in the terminal as an owner (no Telegram needed)
  concierge eval FILE.jsonl            score the intent model on labelled lines
  concierge bench [--owners N --messages M]
                                       end-to-end load benchmark against real Postgres and Redis
  concierge staff add --telegram-id N --name NAME --role agent|supervisor|technician
  concierge staff list
  concierge staff disable --telegram-id N
  concierge admin report [--month YYYY-MM] [--lang zh-Hans|zh-Hant|en]
                                       monthly figures (last month by default)

Configuration comes from environment variables; see README.md.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cfg, err := loadConfig(os.LookupEnv)
	if err != nil {
		fmt.Fprintf(stderr, "configuration:\n%v\n", err)
		return 2
	}
	var runErr error
	switch cmd {
	case "serve":
		log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
		slog.SetDefault(log)
		runErr = serve(ctx, cfg, log, stderr)
	case "migrate":
		runErr = migrate(ctx, cfg, stdout)
	case "chat":
		log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		slog.SetDefault(log)
		runErr = chat(ctx, cfg, log, stdin, stdout)
	case "eval":
		runErr = eval(ctx, cfg, rest, stdout)
	case "bench":
		runErr = bench(ctx, cfg, rest, stdout, stderr)
	case "staff":
		runErr = staffCmd(ctx, cfg, rest, stdout)
	case "admin":
		runErr = adminCmd(ctx, cfg, rest, stdout)
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if runErr != nil {
		fmt.Fprintf(stderr, "concierge %s: %v\n", cmd, runErr)
		if _, ok := runErr.(usageError); ok {
			return 2
		}
		return 1
	}
	return 0
}

// usageError is a mistake in the command line; the exit code is 2.
type usageError string

func (e usageError) Error() string { return string(e) }
