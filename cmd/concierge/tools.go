package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"
	"time"

	"concierge/bot"
	"concierge/intents"
	"concierge/storage"
)

func openStore(ctx context.Context, cfg Config) (*storage.Store, error) {
	s, err := storage.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("%w\nIs PostgreSQL running and does the database exist? Try `make db` or see README.md (DATABASE_URL)", err)
	}
	return s, nil
}

// openMigrated opens the store and brings its schema up to date.
func openMigrated(ctx context.Context, cfg Config) (*storage.Store, error) {
	s, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func migrate(ctx context.Context, cfg Config, out io.Writer) error {
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "migrations applied: %d\n", n)
	return nil
}

func eval(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	if len(args) != 1 {
		return usageError("usage: concierge eval FILE.jsonl")
	}
	f, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer f.Close()
	u, err := understander(cfg, nil)
	if err != nil {
		return err
	}
	_, _, err = intents.Evaluate(ctx, u, f, out)
	return err
}

func staffCmd(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usageError("usage: concierge staff add|list|disable ...")
	}
	fs := flag.NewFlagSet("staff "+args[0], flag.ContinueOnError)
	tid := fs.Int64("telegram-id", 0, "the staff member's Telegram user id")
	name := fs.String("name", "", "name shown to owners, e.g. 小李")
	role := fs.String("role", "agent", "agent, supervisor or technician")
	lang := fs.String("lang", "zh-Hans", "language of the staff member's messages: zh-Hans, zh-Hant or en")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError(err.Error())
	}
	s, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	switch args[0] {
	case "add":
		if *tid == 0 || *name == "" {
			return usageError("usage: concierge staff add --telegram-id N --name NAME --role agent|supervisor|technician")
		}
		switch *role {
		case storage.RoleAgent, storage.RoleSupervisor, storage.RoleTechnician:
		default:
			return usageError("--role must be agent, supervisor or technician")
		}
		st, err := s.AddStaff(ctx, *tid, *name, *role, *lang)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "staff #%d %s (%s) is active\n", st.ID, st.Name, st.Role)
	case "list":
		all, err := s.ListStaff(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tTELEGRAM ID\tNAME\tROLE\tACTIVE")
		for _, st := range all {
			fmt.Fprintf(w, "%d\t%d\t%s\t%s\t%v\n", st.ID, st.TelegramID, st.Name, st.Role, st.Active)
		}
		w.Flush()
	case "disable", "enable":
		if *tid == 0 {
			return usageError("usage: concierge staff " + args[0] + " --telegram-id N")
		}
		err := s.SetStaffActive(ctx, *tid, args[0] == "enable")
		if errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("no staff member with Telegram id %d", *tid)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "staff %d %sd\n", *tid, args[0])
	default:
		return usageError("usage: concierge staff add|list|disable|enable ...")
	}
	return nil
}

// adminCmd holds the supervisors' tools; today the monthly report.
func adminCmd(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "report" {
		return usageError("usage: concierge admin report [--month YYYY-MM] [--lang zh-Hans|zh-Hant|en]")
	}
	fs := flag.NewFlagSet("admin report", flag.ContinueOnError)
	month := fs.String("month", "", "the month, YYYY-MM (default: last month)")
	lang := fs.String("lang", "zh-Hans", "zh-Hans, zh-Hant or en")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError(err.Error())
	}
	s, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	b, err := bot.New(ctx, bot.Config{Store: s, Location: cfg.Location, Terminal: io.Discard, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	from, to, err := bot.MonthRange(*month, time.Now(), cfg.Location)
	if err != nil {
		return usageError("--month: want YYYY-MM, e.g. 2026-10")
	}
	text, err := b.ReportText(ctx, from, to, *lang)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, text)
	return nil
}
