-- +goose Up

-- outbox.reason tells the card consumer why a ticket is (re)published:
-- 'new' (opened), 'released', 'transferred' (back to a queue, card reposted),
-- 'recovered' (Redis lost its data; no new card when one was posted).
ALTER TABLE outbox ADD COLUMN reason TEXT NOT NULL DEFAULT 'new';

-- overdue_escalated_at makes the SLA-overdue alert fire once per ticket;
-- escalated_at keeps recording the latest escalation of any kind.
ALTER TABLE tickets ADD COLUMN overdue_escalated_at TIMESTAMPTZ;

CREATE INDEX tickets_claim_due ON tickets (claim_due_at) WHERE status = 'open';
CREATE INDEX tickets_sla_due ON tickets (sla_due_at)
    WHERE status IN ('claimed', 'in_progress') AND overdue_escalated_at IS NULL;
CREATE INDEX outbox_ticket ON outbox (ticket_id);

-- handoff_cards records each handoff whose staff card was posted, so a card
-- is posted once per outbox row even when a stream entry is delivered twice
-- (a reclaimed entry, two processes) or Redis loses its data.
CREATE TABLE handoff_cards (
    outbox_id  BIGINT PRIMARY KEY REFERENCES outbox (id),
    ticket_id  BIGINT      NOT NULL REFERENCES tickets (id),
    posted_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX handoff_cards_ticket ON handoff_cards (ticket_id);

-- +goose Down
DROP TABLE handoff_cards;
DROP INDEX outbox_ticket;
DROP INDEX tickets_sla_due;
DROP INDEX tickets_claim_due;
ALTER TABLE tickets DROP COLUMN overdue_escalated_at;
ALTER TABLE outbox DROP COLUMN reason;
