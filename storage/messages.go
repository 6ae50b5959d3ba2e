package storage

import (
	"context"
	"fmt"
	"time"
)

// Transcript authors.
const (
	AuthorOwner = "owner"
	AuthorBot   = "bot"
	AuthorStaff = "staff"
)

// Message is one line of a conversation's transcript.
type Message struct {
	ID        int64     `db:"id"`
	TicketID  *int64    `db:"ticket_id"`
	ChatID    int64     `db:"chat_id"`
	Direction string    `db:"direction"`
	Author    string    `db:"author"`
	StaffID   *int64    `db:"staff_id"`
	Text      string    `db:"text"`
	Photo     string    `db:"photo"`
	UpdateID  *int64    `db:"update_id"`
	At        time.Time `db:"at"`
}

// AddMessage appends to the transcript.
func (q *Queries) AddMessage(ctx context.Context, m Message) error {
	if m.At.IsZero() {
		m.At = time.Now()
	}
	const ins = `INSERT INTO messages (ticket_id, chat_id, direction, author, staff_id, text, photo, update_id, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
	if _, err := q.db.ExecContext(ctx, ins, m.TicketID, m.ChatID, m.Direction, m.Author, m.StaffID, m.Text, m.Photo, m.UpdateID, m.At); err != nil {
		return fmt.Errorf("add message: %w", err)
	}
	return nil
}

// AttachMessages files the chat's unfiled transcript lines since since under
// the ticket (the words that led to it).
func (q *Queries) AttachMessages(ctx context.Context, chatID, ticketID int64, since time.Time) error {
	const upd = `UPDATE messages SET ticket_id = $2 WHERE chat_id = $1 AND ticket_id IS NULL AND at >= $3`
	if _, err := q.db.ExecContext(ctx, upd, chatID, ticketID, since); err != nil {
		return fmt.Errorf("attach messages: %w", err)
	}
	return nil
}

// Transcript returns the ticket's messages, oldest first.
func (q *Queries) Transcript(ctx context.Context, ticketID int64) ([]Message, error) {
	var ms []Message
	const sel = `SELECT id, ticket_id, chat_id, direction, author, staff_id, text, photo, update_id, at
		FROM messages WHERE ticket_id = $1 ORDER BY id`
	if err := q.db.SelectContext(ctx, &ms, sel, ticketID); err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	return ms, nil
}
