-- +goose Up

-- A satisfaction callback that ends in a low score (or a clearly negative
-- comment) opens a new complaint; the scheduler escalates it to supervisors
-- after the complaint is committed, and records when it did, so two
-- schedulers never alert twice and a crash in between alerts again.
ALTER TABLE callbacks
    ADD COLUMN complaint_id BIGINT REFERENCES tickets (id),
    ADD COLUMN escalated_at TIMESTAMPTZ;
CREATE INDEX callbacks_unescalated ON callbacks (id) WHERE complaint_id IS NOT NULL AND escalated_at IS NULL;

-- Auto-close looks for tickets resolved and unconfirmed for too long.
CREATE INDEX tickets_resolved ON tickets (resolved_at) WHERE status = 'resolved';

-- +goose Down
DROP INDEX tickets_resolved;
DROP INDEX callbacks_unescalated;
ALTER TABLE callbacks DROP COLUMN escalated_at, DROP COLUMN complaint_id;
