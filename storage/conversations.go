package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Conversation is a chat's dialogue state. Data is the engine's own JSON.
type Conversation struct {
	ChatID    int64           `db:"chat_id"`
	State     string          `db:"state"`
	Data      json.RawMessage `db:"data"`
	UpdatedAt time.Time       `db:"updated_at"`
	ExpiresAt *time.Time      `db:"expires_at"`
}

// Conversation returns the chat's state, locking it for this transaction; a
// chat never seen is idle.
func (q *Queries) Conversation(ctx context.Context, chatID int64) (Conversation, error) {
	var c Conversation
	const sel = `SELECT chat_id, state, data, updated_at, expires_at FROM conversations WHERE chat_id = $1 FOR UPDATE`
	err := q.db.GetContext(ctx, &c, sel, chatID)
	if err != nil {
		if mapErr(err) == ErrNotFound {
			return Conversation{ChatID: chatID, State: "idle", Data: json.RawMessage("{}")}, nil
		}
		return Conversation{}, fmt.Errorf("conversation %d: %w", chatID, err)
	}
	return c, nil
}

// SaveConversation stores the chat's state.
func (q *Queries) SaveConversation(ctx context.Context, c Conversation) error {
	data := c.Data
	if len(data) == 0 {
		data = json.RawMessage("{}")
	}
	const ups = `
		INSERT INTO conversations (chat_id, state, data, updated_at, expires_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (chat_id) DO UPDATE SET state = EXCLUDED.state, data = EXCLUDED.data,
			updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at`
	if _, err := q.db.ExecContext(ctx, ups, c.ChatID, c.State, string(data), c.UpdatedAt, c.ExpiresAt); err != nil {
		return fmt.Errorf("save conversation %d: %w", c.ChatID, err)
	}
	return nil
}

// ExpiredConversations lists chats whose pending dialogue has expired.
func (s *Store) ExpiredConversations(ctx context.Context, now time.Time, limit int) ([]Conversation, error) {
	var cs []Conversation
	const sel = `SELECT chat_id, state, data, updated_at, expires_at FROM conversations
		WHERE state <> 'idle' AND expires_at IS NOT NULL AND expires_at < $1 ORDER BY expires_at LIMIT $2`
	if err := s.db.SelectContext(ctx, &cs, sel, now, limit); err != nil {
		return nil, fmt.Errorf("expired conversations: %w", err)
	}
	return cs, nil
}
