package bot

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
)

// terminalTransport prints the bot's messages for `concierge chat`,
// numbering buttons so the person can press one by typing its number.
type terminalTransport struct {
	w       io.Writer
	mu      sync.Mutex
	next    int64
	buttons []Button
}

func (t *terminalTransport) deliver(_ context.Context, _ int64, o Out) (int64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.next++
	switch o.Kind {
	case "answer":
		if o.Text != "" {
			fmt.Fprintf(t.w, "  (%s)\n", o.Text)
		}
		return 0, nil
	case "photo":
		fmt.Fprintf(t.w, "\nbot> [photo] %s\n", o.Text)
	case "edit":
		fmt.Fprintf(t.w, "\nbot (edited)> %s\n", o.Text)
	default:
		fmt.Fprintf(t.w, "\nbot> %s\n", strings.ReplaceAll(o.Text, "\n", "\n     "))
	}
	t.buttons = t.buttons[:0]
	for _, row := range o.Buttons {
		for _, b := range row {
			t.buttons = append(t.buttons, b)
			fmt.Fprintf(t.w, "     [%d] %s\n", len(t.buttons), b.Text)
		}
	}
	if len(t.buttons) > 0 {
		fmt.Fprintln(t.w, "     (type a number to press a button)")
	}
	return t.next, nil
}

// button returns the data of the n-th button last shown (1-based).
func (t *terminalTransport) button(n int) (string, int64, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n < 1 || n > len(t.buttons) {
		return "", 0, false
	}
	return t.buttons[n-1].Data, t.next, true
}

// PressButton returns the callback data of button n shown in the terminal,
// and the message it belongs to; false outside terminal mode or when there
// is no such button.
func (b *Bot) PressButton(n int) (string, int64, bool) {
	tt, ok := b.sender.tr.(*terminalTransport)
	if !ok {
		return "", 0, false
	}
	return tt.button(n)
}
