package tgfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// splitPath turns "/bot<token>/<method>" into its parts.
func splitPath(p string) (token, method string, ok bool) {
	rest, ok := strings.CutPrefix(p, "/bot")
	if !ok {
		return "", "", false
	}
	i := strings.LastIndexByte(rest, '/')
	if i < 0 || i == len(rest)-1 {
		return "", "", false
	}
	return rest[:i], rest[i+1:], true
}

// readParams accepts multipart forms (what go-telegram/bot sends), URL-encoded
// forms, query strings and JSON objects, like the real Bot API.
func readParams(r *http.Request) (params map[string]string, upload string, err error) {
	params = make(map[string]string)
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/json"):
		var obj map[string]json.RawMessage
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return params, "", fmt.Errorf("read body: %w", err)
		}
		if len(body) > 0 {
			if err := json.Unmarshal(body, &obj); err != nil {
				return params, "", fmt.Errorf("can't parse JSON object")
			}
		}
		for k, v := range obj {
			var str string
			if json.Unmarshal(v, &str) == nil {
				params[k] = str
			} else {
				params[k] = string(v)
			}
		}
	case strings.HasPrefix(ct, "multipart/form-data"):
		// go-telegram/bot sends an empty body for methods without parameters.
		if err := r.ParseMultipartForm(32 << 20); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, multipart.ErrMessageTooLarge) {
			return params, "", fmt.Errorf("can't parse multipart form")
		}
		if r.MultipartForm != nil {
			for k, fhs := range r.MultipartForm.File {
				if len(fhs) > 0 {
					params[k] = "upload:" + fhs[0].Filename
					if k == "photo" {
						upload = params[k]
					}
				}
			}
		}
	default:
		if err := r.ParseForm(); err != nil {
			return params, "", fmt.Errorf("can't parse form")
		}
	}
	// Read the body to its end: only then does net/http watch the connection
	// and cancel r.Context() when the client goes away, which long polls and
	// delays rely on.
	_, _ = io.Copy(io.Discard, r.Body)
	for k, v := range r.Form {
		if len(v) > 0 {
			params[k] = v[0]
		}
	}
	return params, upload, nil
}

// fillCall lifts the common fields out of the raw parameters.
func fillCall(c *Call, p map[string]string, upload string) {
	c.ChatID = parseChatID(p["chat_id"])
	c.Text = p["text"]
	if c.Text == "" {
		c.Text = p["caption"]
	}
	if rm := p["reply_markup"]; rm != "" {
		c.ReplyMarkup = json.RawMessage(rm)
	}
	c.Photo = p["photo"]
	if upload != "" {
		c.Photo = upload
	}
	if id, err := strconv.Atoi(p["message_id"]); err == nil {
		c.MessageID = id
	}
	if rp := p["reply_parameters"]; rp != "" {
		var v models.ReplyParameters
		if json.Unmarshal([]byte(rp), &v) == nil {
			c.ReplyToMessageID = v.MessageID
		}
	} else if id, err := strconv.Atoi(p["reply_to_message_id"]); err == nil {
		c.ReplyToMessageID = id
	}
}

// parseChatID reads a chat_id form value; go-telegram/bot JSON-encodes the
// `any` field, so strings arrive quoted.
func parseChatID(v string) int64 {
	id, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64)
	if err != nil {
		return 0
	}
	return id
}

// wait applies the configured delay; false when the request or server ended.
func (s *Server) wait(ctx context.Context, method string) bool {
	s.mu.Lock()
	d, ok := s.delays[strings.ToLower(method)]
	if !ok {
		d = s.delays[""]
	}
	s.mu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

func (s *Server) takeFailure(method string) (failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := strings.ToLower(method)
	for i := range s.fails {
		f := &s.fails[i]
		if f.left > 0 && (f.method == "" || f.method == m) {
			f.left--
			got := *f
			if f.left == 0 {
				s.fails = slices.Delete(s.fails, i, i+1)
			}
			return got, true
		}
	}
	return failure{}, false
}

func writeFailure(w http.ResponseWriter, f failure) {
	switch f.status {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		text := fmt.Sprintf("%d %s", f.status, http.StatusText(f.status))
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.status)
		fmt.Fprintf(w, "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", text, text)
	case http.StatusTooManyRequests:
		writeError(w, f.status, fmt.Sprintf("Too Many Requests: retry after %d", f.retryAfter), f.retryAfter)
	default:
		writeError(w, f.status, describe(f.status), 0)
	}
}

// describe gives Telegram's description prefix for a status.
func describe(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "Bad Request: injected failure"
	case http.StatusForbidden:
		return "Forbidden: bot was blocked by the user"
	case http.StatusConflict:
		return "Conflict: terminated by other getUpdates request"
	}
	return http.StatusText(status)
}

func writeError(w http.ResponseWriter, status int, description string, retryAfter int) {
	body := map[string]any{"ok": false, "error_code": status, "description": description}
	if retryAfter > 0 {
		body["parameters"] = map[string]int{"retry_after": retryAfter}
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client may be gone; nothing to do about it
}

// botUser is the identity getMe answers; like Telegram, the token's numeric
// prefix is the bot's user id.
func botUser(token string) models.User {
	id := BotID
	if prefix, _, ok := strings.Cut(token, ":"); ok {
		if n, err := strconv.ParseInt(prefix, 10, 64); err == nil {
			id = n
		}
	}
	return models.User{ID: id, IsBot: true, FirstName: "Concierge", Username: "concierge_test_bot"}
}
