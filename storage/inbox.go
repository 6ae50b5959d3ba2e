package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// InboxUpdate is one stored Telegram update.
type InboxUpdate struct {
	UpdateID   int64           `db:"update_id"`
	ChatID     *int64          `db:"chat_id"`
	Payload    json.RawMessage `db:"payload"`
	ReceivedAt time.Time       `db:"received_at"`
	Attempts   int             `db:"attempts"`
}

// StoreUpdates writes updates to the inbox; ones already there are left as
// they are. It returns the ids that were new, in the order given.
func (s *Store) StoreUpdates(ctx context.Context, ups []InboxUpdate) ([]int64, error) {
	if len(ups) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(ups))
	chats := make([]int64, len(ups))
	payloads := make([]string, len(ups))
	for i, u := range ups {
		ids[i], payloads[i] = u.UpdateID, string(u.Payload)
		if u.ChatID != nil {
			chats[i] = *u.ChatID
		}
	}
	const ins = `
		INSERT INTO inbox (update_id, chat_id, payload)
		SELECT u, NULLIF(c, 0), p FROM unnest($1::bigint[], $2::bigint[], $3::jsonb[]) AS x (u, c, p)
		ON CONFLICT (update_id) DO NOTHING
		RETURNING update_id`
	var fresh []int64
	if err := s.db.SelectContext(ctx, &fresh, ins, int64Array(ids), int64Array(chats), stringArray(payloads)); err != nil {
		return nil, fmt.Errorf("store updates: %w", err)
	}
	return fresh, nil
}

// StoreUpdate writes one update to the inbox, marked processed at
// processedAt when the caller processes it in the same transaction (nil:
// left for a worker); false when it was there already.
func (q *Queries) StoreUpdate(ctx context.Context, u InboxUpdate, processedAt *time.Time) (bool, error) {
	const ins = `INSERT INTO inbox (update_id, chat_id, payload, processed_at, attempts)
		VALUES ($1, $2, $3, $4, CASE WHEN $4::timestamptz IS NULL THEN 0 ELSE 1 END)
		ON CONFLICT (update_id) DO NOTHING`
	res, err := q.db.ExecContext(ctx, ins, u.UpdateID, u.ChatID, string(u.Payload), processedAt)
	if err != nil {
		return false, fmt.Errorf("store update %d: %w", u.UpdateID, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ReopenUpdate takes back the processed mark of an update whose processing
// failed, so the inbox sweep retries it.
func (q *Queries) ReopenUpdate(ctx context.Context, updateID int64) error {
	const upd = `UPDATE inbox SET processed_at = NULL, attempts = 0 WHERE update_id = $1`
	if _, err := q.db.ExecContext(ctx, upd, updateID); err != nil {
		return fmt.Errorf("reopen update %d: %w", updateID, err)
	}
	return nil
}

// Update returns a stored update, or ErrNotFound.
func (q *Queries) Update(ctx context.Context, updateID int64) (InboxUpdate, error) {
	var u InboxUpdate
	const sel = `SELECT update_id, chat_id, payload, received_at, attempts FROM inbox WHERE update_id = $1`
	if err := q.db.GetContext(ctx, &u, sel, updateID); err != nil {
		return InboxUpdate{}, fmt.Errorf("update %d: %w", updateID, mapErr(err))
	}
	return u, nil
}

// BeginUpdate marks an unprocessed update as processed, in this
// transaction, and returns it: the mark commits with whatever processing the
// transaction does, or rolls back with it. Another worker taking the same
// update waits for this transaction and then finds nothing. ErrNotFound when
// the update is processed already.
func (q *Queries) BeginUpdate(ctx context.Context, updateID int64, at time.Time) (InboxUpdate, error) {
	var u InboxUpdate
	const upd = `
		UPDATE inbox SET processed_at = $2, attempts = attempts + 1
		WHERE update_id = $1 AND processed_at IS NULL
		RETURNING update_id, chat_id, payload, received_at, attempts`
	if err := q.db.GetContext(ctx, &u, upd, updateID, at); err != nil {
		return InboxUpdate{}, mapErr(err)
	}
	return u, nil
}

// RecordUpdateFailure counts a failed attempt; after maxAttempts the update
// is set aside as failed (processed, with the error kept for a person).
func (s *Store) RecordUpdateFailure(ctx context.Context, updateID int64, msg string, maxAttempts int, at time.Time) (gaveUp bool, err error) {
	const upd = `
		UPDATE inbox SET attempts = attempts + 1, last_error = $2,
			failed = attempts + 1 >= $3,
			processed_at = CASE WHEN attempts + 1 >= $3 THEN $4::timestamptz ELSE NULL END
		WHERE update_id = $1
		RETURNING failed`
	if err := s.db.GetContext(ctx, &gaveUp, upd, updateID, msg, maxAttempts, at); err != nil {
		return false, fmt.Errorf("record update %d failure: %w", updateID, mapErr(err))
	}
	return gaveUp, nil
}

// PendingUpdates lists unprocessed updates received before olderThan, oldest
// first: the ones a crash or a full queue left behind.
func (s *Store) PendingUpdates(ctx context.Context, olderThan time.Time, limit int) ([]int64, error) {
	var ids []int64
	const sel = `SELECT update_id FROM inbox WHERE processed_at IS NULL AND received_at < $1 ORDER BY update_id LIMIT $2`
	if err := s.db.SelectContext(ctx, &ids, sel, olderThan, limit); err != nil {
		return nil, fmt.Errorf("pending updates: %w", err)
	}
	return ids, nil
}
