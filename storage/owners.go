package storage

import (
	"context"
	"fmt"
	"time"
)

// Owner is a person who writes to the bot about their home.
type Owner struct {
	ID         int64     `db:"id"`
	TelegramID int64     `db:"telegram_id"`
	ChatID     int64     `db:"chat_id"`
	Name       string    `db:"name"`
	Lang       string    `db:"lang"`
	Estate     string    `db:"estate"`
	Unit       string    `db:"unit"`
	CreatedAt  time.Time `db:"created_at"`
	UpdatedAt  time.Time `db:"updated_at"`
}

const ownerColumns = `id, telegram_id, chat_id, name, lang, estate, unit, created_at, updated_at`

// UpsertOwner returns the owner for this Telegram user, creating it on first
// contact. An existing owner keeps their language and unit; chat and name
// follow Telegram.
func (q *Queries) UpsertOwner(ctx context.Context, telegramID, chatID int64, name, lang string) (Owner, error) {
	const ups = `
		INSERT INTO owners (telegram_id, chat_id, name, lang) VALUES ($1, $2, $3, $4)
		ON CONFLICT (telegram_id) DO UPDATE SET chat_id = EXCLUDED.chat_id, name = EXCLUDED.name,
			updated_at = CASE WHEN owners.chat_id <> EXCLUDED.chat_id OR owners.name <> EXCLUDED.name
				THEN now() ELSE owners.updated_at END
		RETURNING ` + ownerColumns
	var o Owner
	if err := q.db.GetContext(ctx, &o, ups, telegramID, chatID, name, lang); err != nil {
		return Owner{}, fmt.Errorf("upsert owner: %w", err)
	}
	return o, nil
}

// Owner returns the owner with this id, or ErrNotFound.
func (q *Queries) Owner(ctx context.Context, id int64) (Owner, error) {
	var o Owner
	if err := q.db.GetContext(ctx, &o, `SELECT `+ownerColumns+` FROM owners WHERE id = $1`, id); err != nil {
		return Owner{}, fmt.Errorf("owner %d: %w", id, mapErr(err))
	}
	return o, nil
}

// SetOwnerUnit remembers the unit the owner last gave, to offer it next time.
func (q *Queries) SetOwnerUnit(ctx context.Context, id int64, unit string) error {
	if _, err := q.db.ExecContext(ctx, `UPDATE owners SET unit = $2, updated_at = now() WHERE id = $1 AND unit <> $2`, id, unit); err != nil {
		return fmt.Errorf("set owner unit: %w", err)
	}
	return nil
}

// ChatLang returns the language of the owner in this chat, zh-Hans if none.
func (q *Queries) ChatLang(ctx context.Context, chatID int64) (string, error) {
	var lang string
	err := q.db.GetContext(ctx, &lang, `SELECT lang FROM owners WHERE chat_id = $1 ORDER BY updated_at DESC LIMIT 1`, chatID)
	if err != nil {
		if mapErr(err) == ErrNotFound {
			return "zh-Hans", nil
		}
		return "", fmt.Errorf("chat lang: %w", err)
	}
	return lang, nil
}

// OwnerState is what a turn needs to know about the owner at its start.
type OwnerState struct {
	Owner
	Conversation    Conversation // locked for the transaction; idle when the chat has none
	OpenTickets     int          // tickets open, in progress or awaiting confirmation
	AwaitingComment bool         // a callback was scored and may take a comment
}

// OwnerTurn starts an owner's turn in one statement: it upserts the owner
// (switching the language to lang only when switchLang, or on first
// contact), locks and returns the chat's conversation, and says whether the
// owner has tickets in progress or a callback waiting for a comment, so the
// turn looks those up only when there are some.
func (q *Queries) OwnerTurn(ctx context.Context, telegramID, chatID int64, name, lang string, switchLang bool) (OwnerState, error) {
	const stmt = `
		WITH o AS (
			INSERT INTO owners (telegram_id, chat_id, name, lang) VALUES ($1, $2, $3, $4)
			ON CONFLICT (telegram_id) DO UPDATE SET chat_id = EXCLUDED.chat_id, name = EXCLUDED.name,
				lang = CASE WHEN $5 THEN EXCLUDED.lang ELSE owners.lang END,
				updated_at = CASE WHEN owners.chat_id <> EXCLUDED.chat_id OR owners.name <> EXCLUDED.name
					OR ($5 AND owners.lang <> EXCLUDED.lang) THEN now() ELSE owners.updated_at END
			RETURNING ` + ownerColumns + `),
		c AS (
			SELECT state, data, updated_at, expires_at FROM conversations WHERE chat_id = $2 FOR UPDATE)
		SELECT o.*, c.state AS c_state, c.data AS c_data, c.updated_at AS c_updated_at, c.expires_at AS c_expires_at,
			(SELECT count(*) FROM tickets t WHERE t.owner_id = o.id
				AND t.status IN ('open', 'claimed', 'in_progress', 'resolved')) AS open_tickets,
			EXISTS (SELECT 1 FROM callbacks cb JOIN tickets t ON t.id = cb.ticket_id
				WHERE t.owner_id = o.id AND cb.status = 'scored') AS awaiting_comment
		FROM o LEFT JOIN c ON true`
	var row struct {
		Owner
		State     *string    `db:"c_state"`
		Data      []byte     `db:"c_data"`
		UpdatedAt *time.Time `db:"c_updated_at"`
		ExpiresAt *time.Time `db:"c_expires_at"`
		Open      int        `db:"open_tickets"`
		Comment   bool       `db:"awaiting_comment"`
	}
	if err := q.db.GetContext(ctx, &row, stmt, telegramID, chatID, name, lang, switchLang); err != nil {
		return OwnerState{}, fmt.Errorf("owner turn: %w", err)
	}
	c := Conversation{ChatID: chatID, State: "idle", Data: []byte("{}")}
	if row.State != nil {
		c.State, c.Data, c.ExpiresAt = *row.State, row.Data, row.ExpiresAt
		if row.UpdatedAt != nil {
			c.UpdatedAt = *row.UpdatedAt
		}
	}
	return OwnerState{Owner: row.Owner, Conversation: c, OpenTickets: row.Open, AwaitingComment: row.Comment}, nil
}
