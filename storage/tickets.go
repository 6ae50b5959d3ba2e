package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Ticket kinds, which are also the names of the staff queues.
const (
	KindRepair    = "repair"
	KindComplaint = "complaint"
	KindInquiry   = "inquiry"
)

// Ticket statuses.
const (
	StatusOpen       = "open"        // waiting for a staff member to claim it
	StatusClaimed    = "claimed"     // a staff member owns it
	StatusInProgress = "in_progress" // work under way
	StatusResolved   = "resolved"    // staff say done; waiting for the owner
	StatusClosed     = "closed"      // confirmed or auto-closed
	StatusCancelled  = "cancelled"   // withdrawn by the owner
)

// Ticket is one repair, complaint or inquiry.
type Ticket struct {
	ID               int64      `db:"id"`
	Code             string     `db:"code"`
	Kind             string     `db:"kind"`
	Queue            string     `db:"queue"`
	Category         string     `db:"category"`
	Urgent           bool       `db:"urgent"`
	Status           string     `db:"status"`
	Estate           string     `db:"estate"`
	Unit             string     `db:"unit"`
	Location         string     `db:"location"`
	Summary          string     `db:"summary"`
	Body             string     `db:"body"`
	Lang             string     `db:"lang"`
	OwnerID          int64      `db:"owner_id"`
	AssigneeID       *int64     `db:"assignee_id"`
	SourceUpdateID   *int64     `db:"source_update_id"`
	Model            string     `db:"model"`
	Confidence       float64    `db:"confidence"`
	Answered         bool       `db:"answered"`
	CreatedAt        time.Time  `db:"created_at"`
	UpdatedAt        time.Time  `db:"updated_at"`
	ClaimDueAt       *time.Time `db:"claim_due_at"`
	SLADueAt         *time.Time `db:"sla_due_at"`
	ClaimedAt        *time.Time `db:"claimed_at"`
	ResolvedAt       *time.Time `db:"resolved_at"`
	ClosedAt         *time.Time `db:"closed_at"`
	EscalatedAt      *time.Time `db:"escalated_at"`
	CardChatID       *int64     `db:"card_chat_id"`
	CardMessageID    *int64     `db:"card_message_id"`
	Resolution       string     `db:"resolution"`
	Cause            string     `db:"cause"`
	CorrectiveAction string     `db:"corrective_action"`
	Satisfaction     *int16     `db:"satisfaction"`
	SatisfactionNote string     `db:"satisfaction_note"`
}

// Open reports whether the ticket still needs work.
func (t Ticket) Open() bool {
	switch t.Status {
	case StatusOpen, StatusClaimed, StatusInProgress:
		return true
	}
	return false
}

const ticketColumns = `id, code, kind, queue, category, urgent, status, estate, unit, location,
	summary, body, lang, owner_id, assignee_id, source_update_id, model, confidence, answered,
	created_at, updated_at, claim_due_at, sla_due_at, claimed_at, resolved_at, closed_at,
	escalated_at, card_chat_id, card_message_id, resolution, cause, corrective_action,
	satisfaction, satisfaction_note`

// NewTicket is what opening a ticket needs.
type NewTicket struct {
	Kind           string
	Category       string
	Urgent         bool
	Estate         string
	Unit           string
	Location       string
	Summary        string
	Body           string
	Lang           string
	OwnerID        int64
	SourceUpdateID int64 // 0 when the ticket does not come from one update
	Model          string
	Confidence     float64
	Answered       bool // an inquiry answered by the knowledge base: no handoff
	Now            time.Time
	ClaimDue       time.Duration // unclaimed this long → escalate
	SLA            time.Duration // from creation to done
	Loc            *time.Location
	EventDetail    map[string]any
}

func codePrefix(kind string) string {
	switch kind {
	case KindRepair:
		return "R"
	case KindComplaint:
		return "C"
	default:
		return "Q"
	}
}

// CreateTicket writes the ticket, its "created" event and, unless the
// inquiry was answered, the outbox row for the handoff, all in this
// transaction. A second ticket for the same source update returns
// ErrDuplicate.
func (q *Queries) CreateTicket(ctx context.Context, nt NewTicket) (Ticket, error) {
	loc := nt.Loc
	if loc == nil {
		loc = time.UTC
	}
	local := nt.Now.In(loc)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	prefix := codePrefix(nt.Kind)
	// The day's counter is taken in a statement of its own, outside the
	// caller's transaction: holding its row lock until that commits would
	// serialise every ticket of the day. A rolled-back ticket leaves a gap
	// in the numbers, never a duplicate. The statement commits without
	// waiting for the disk (see Store.seq): the ticket's own synchronous
	// commit, later in the same WAL, makes the counter durable with it.
	const counter = `
		INSERT INTO ticket_counters (prefix, day, last) VALUES ($1, $2, 1)
		ON CONFLICT (prefix, day) DO UPDATE SET last = ticket_counters.last + 1
		RETURNING last`
	var n int
	if err := q.seq.GetContext(ctx, &n, counter, prefix, day); err != nil {
		return Ticket{}, fmt.Errorf("number ticket: %w", err)
	}
	code := fmt.Sprintf("%s-%s-%04d", prefix, local.Format("20060102"), n)

	var src *int64
	if nt.SourceUpdateID != 0 {
		src = &nt.SourceUpdateID
	}
	status := StatusOpen
	var claimDue, slaDue, closedAt *time.Time
	if nt.Answered {
		status = StatusClosed
		closedAt = &nt.Now
	} else {
		cd := nt.Now.Add(nt.ClaimDue)
		sd := nt.Now.Add(nt.SLA)
		claimDue, slaDue = &cd, &sd
	}
	detail := map[string]any{"kind": nt.Kind, "category": nt.Category, "urgent": nt.Urgent, "model": nt.Model, "confidence": nt.Confidence}
	for k, v := range nt.EventDetail {
		detail[k] = v
	}
	detailJSON, err := json.Marshal(detail)
	if err != nil {
		return Ticket{}, fmt.Errorf("event detail: %w", err)
	}
	// One statement writes the ticket, its "created" event and, unless the
	// inquiry was answered, the outbox row: one round trip on the hot path.
	const ins = `
		WITH t AS (
			INSERT INTO tickets (code, kind, queue, category, urgent, status, estate, unit, location,
				summary, body, lang, owner_id, source_update_id, model, confidence, answered,
				created_at, updated_at, claim_due_at, sla_due_at, closed_at)
			VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $19, $20)
			RETURNING ` + ticketColumns + `),
		e AS (
			INSERT INTO ticket_events (ticket_id, at, actor, kind, detail)
			SELECT id, $17, 'owner', 'created', $21 FROM t),
		o AS (
			INSERT INTO outbox (ticket_id, queue, urgent, created_at)
			SELECT id, queue, urgent, $17 FROM t WHERE NOT $16)
		SELECT * FROM t`
	var t Ticket
	err = q.db.GetContext(ctx, &t, ins, code, nt.Kind, nt.Category, nt.Urgent, status,
		nt.Estate, nt.Unit, nt.Location, nt.Summary, nt.Body, nt.Lang, nt.OwnerID, src,
		nt.Model, nt.Confidence, nt.Answered, nt.Now, claimDue, slaDue, closedAt, string(detailJSON))
	if err != nil {
		return Ticket{}, fmt.Errorf("insert ticket: %w", mapErr(err))
	}
	return t, nil
}

// Ticket returns the ticket with this id, or ErrNotFound.
func (q *Queries) Ticket(ctx context.Context, id int64) (Ticket, error) {
	var t Ticket
	err := q.db.GetContext(ctx, &t, `SELECT `+ticketColumns+` FROM tickets WHERE id = $1`, id)
	if err != nil {
		return Ticket{}, fmt.Errorf("ticket %d: %w", id, mapErr(err))
	}
	return t, nil
}

// TicketByCode returns the ticket with this code, or ErrNotFound.
func (q *Queries) TicketByCode(ctx context.Context, code string) (Ticket, error) {
	var t Ticket
	err := q.db.GetContext(ctx, &t, `SELECT `+ticketColumns+` FROM tickets WHERE code = $1`, code)
	if err != nil {
		return Ticket{}, fmt.Errorf("ticket %s: %w", code, mapErr(err))
	}
	return t, nil
}

// OwnerTicket returns the owner's ticket with this code, or ErrNotFound:
// another owner's ticket is never found.
func (q *Queries) OwnerTicket(ctx context.Context, ownerID int64, code string) (Ticket, error) {
	var t Ticket
	err := q.db.GetContext(ctx, &t, `SELECT `+ticketColumns+` FROM tickets WHERE code = $1 AND owner_id = $2`, code, ownerID)
	if err != nil {
		return Ticket{}, fmt.Errorf("owner ticket %s: %w", code, mapErr(err))
	}
	return t, nil
}

// OwnerTickets lists the owner's most recent tickets, newest first.
func (q *Queries) OwnerTickets(ctx context.Context, ownerID int64, limit int) ([]Ticket, error) {
	var ts []Ticket
	err := q.db.SelectContext(ctx, &ts, `SELECT `+ticketColumns+` FROM tickets
		WHERE owner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, ownerID, limit)
	if err != nil {
		return nil, fmt.Errorf("owner tickets: %w", err)
	}
	return ts, nil
}

// OwnerOpenTickets lists the owner's tickets that still need work or are
// waiting for the owner's confirmation, newest first.
func (q *Queries) OwnerOpenTickets(ctx context.Context, ownerID int64) ([]Ticket, error) {
	var ts []Ticket
	err := q.db.SelectContext(ctx, &ts, `SELECT `+ticketColumns+` FROM tickets
		WHERE owner_id = $1 AND status IN ('open', 'claimed', 'in_progress', 'resolved')
		ORDER BY created_at DESC, id DESC LIMIT 10`, ownerID)
	if err != nil {
		return nil, fmt.Errorf("owner open tickets: %w", err)
	}
	return ts, nil
}

// Actors recorded on events.
const (
	ActorOwner  = "owner"
	ActorBot    = "bot"
	ActorStaff  = "staff"
	ActorSystem = "system"
)

// Event is one entry in a ticket's append-only log.
type Event struct {
	ID       int64           `db:"id"`
	TicketID int64           `db:"ticket_id"`
	At       time.Time       `db:"at"`
	Actor    string          `db:"actor"`
	StaffID  *int64          `db:"staff_id"`
	Kind     string          `db:"kind"`
	Detail   map[string]any  `db:"-"`
	Raw      json.RawMessage `db:"detail"`
}

// AddEvent appends an event to the ticket's log.
func (q *Queries) AddEvent(ctx context.Context, e Event) error {
	detail := e.Raw
	if e.Detail != nil || detail == nil {
		b, err := json.Marshal(e.Detail)
		if err != nil {
			return fmt.Errorf("event detail: %w", err)
		}
		if e.Detail == nil {
			b = []byte("{}")
		}
		detail = b
	}
	at := e.At
	if at.IsZero() {
		at = time.Now()
	}
	const q1 = `INSERT INTO ticket_events (ticket_id, at, actor, staff_id, kind, detail) VALUES ($1, $2, $3, $4, $5, $6)`
	if _, err := q.db.ExecContext(ctx, q1, e.TicketID, at, e.Actor, e.StaffID, e.Kind, string(detail)); err != nil {
		return fmt.Errorf("add %s event: %w", e.Kind, err)
	}
	return nil
}

// Events returns the ticket's log, oldest first.
func (q *Queries) Events(ctx context.Context, ticketID int64) ([]Event, error) {
	var es []Event
	err := q.db.SelectContext(ctx, &es, `SELECT id, ticket_id, at, actor, staff_id, kind, detail
		FROM ticket_events WHERE ticket_id = $1 ORDER BY id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	for i := range es {
		json.Unmarshal(es[i].Raw, &es[i].Detail)
	}
	return es, nil
}

// CancelTicket withdraws a ticket that is still open, claimed or in
// progress, with an event; false when it was already finished.
func (q *Queries) CancelTicket(ctx context.Context, id int64, now time.Time) (bool, error) {
	const upd = `UPDATE tickets SET status = 'cancelled', closed_at = $2, updated_at = $2
		WHERE id = $1 AND status IN ('open', 'claimed', 'in_progress') RETURNING id`
	var got int64
	err := q.db.GetContext(ctx, &got, upd, id, now)
	if mapErr(err) == ErrNotFound {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("cancel ticket %d: %w", id, err)
	}
	return true, q.AddEvent(ctx, Event{TicketID: id, At: now, Actor: ActorOwner, Kind: "cancelled"})
}
