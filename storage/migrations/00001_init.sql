-- +goose Up

-- inbox holds every Telegram update exactly as received, keyed by update_id.
-- A row is written before the update is acknowledged; processing marks it.
CREATE TABLE inbox (
    update_id    BIGINT PRIMARY KEY,
    chat_id      BIGINT,
    payload      JSONB       NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts     INT         NOT NULL DEFAULT 0,
    processed_at TIMESTAMPTZ,
    failed       BOOLEAN     NOT NULL DEFAULT false,
    last_error   TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX inbox_pending ON inbox (update_id) WHERE processed_at IS NULL;

CREATE TABLE owners (
    id          BIGSERIAL PRIMARY KEY,
    telegram_id BIGINT      NOT NULL UNIQUE,
    chat_id     BIGINT      NOT NULL,
    name        TEXT        NOT NULL DEFAULT '',
    lang        TEXT        NOT NULL DEFAULT 'zh-Hans',
    estate      TEXT        NOT NULL DEFAULT '',
    unit        TEXT        NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE staff (
    id          BIGSERIAL PRIMARY KEY,
    telegram_id BIGINT      NOT NULL UNIQUE,
    name        TEXT        NOT NULL,
    role        TEXT        NOT NULL CHECK (role IN ('agent', 'supervisor', 'technician')),
    active      BOOLEAN     NOT NULL DEFAULT true,
    lang        TEXT        NOT NULL DEFAULT 'zh-Hans',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- conversations keep each private chat's dialogue state, so any instance can
-- serve any chat.
CREATE TABLE conversations (
    chat_id    BIGINT PRIMARY KEY,
    state      TEXT        NOT NULL DEFAULT 'idle',
    data       JSONB       NOT NULL DEFAULT '{}',
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ
);

-- ticket_counters numbers tickets per prefix and estate day: R-20261124-0007.
CREATE TABLE ticket_counters (
    prefix TEXT NOT NULL,
    day    DATE NOT NULL,
    last   INT  NOT NULL,
    PRIMARY KEY (prefix, day)
);

CREATE TABLE tickets (
    id                BIGSERIAL PRIMARY KEY,
    code              TEXT        NOT NULL UNIQUE,
    kind              TEXT        NOT NULL CHECK (kind IN ('repair', 'complaint', 'inquiry')),
    queue             TEXT        NOT NULL,
    category          TEXT        NOT NULL DEFAULT 'other',
    urgent            BOOLEAN     NOT NULL DEFAULT false,
    status            TEXT        NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'claimed', 'in_progress', 'resolved', 'closed', 'cancelled')),
    estate            TEXT        NOT NULL DEFAULT '',
    unit              TEXT        NOT NULL DEFAULT '',
    location          TEXT        NOT NULL DEFAULT '',
    summary           TEXT        NOT NULL,
    body              TEXT        NOT NULL,
    lang              TEXT        NOT NULL,
    owner_id          BIGINT      NOT NULL REFERENCES owners (id),
    assignee_id       BIGINT      REFERENCES staff (id),
    source_update_id  BIGINT      UNIQUE,
    model             TEXT        NOT NULL DEFAULT '',
    confidence        REAL        NOT NULL DEFAULT 0,
    answered          BOOLEAN     NOT NULL DEFAULT false,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    claim_due_at      TIMESTAMPTZ,
    sla_due_at        TIMESTAMPTZ,
    claimed_at        TIMESTAMPTZ,
    resolved_at       TIMESTAMPTZ,
    closed_at         TIMESTAMPTZ,
    escalated_at      TIMESTAMPTZ,
    card_chat_id      BIGINT,
    card_message_id   BIGINT,
    resolution        TEXT        NOT NULL DEFAULT '',
    cause             TEXT        NOT NULL DEFAULT '',
    corrective_action TEXT        NOT NULL DEFAULT '',
    satisfaction      SMALLINT,
    satisfaction_note TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX tickets_owner ON tickets (owner_id, created_at DESC);
CREATE INDEX tickets_unclaimed ON tickets (urgent DESC, created_at) WHERE status = 'open';
CREATE INDEX tickets_assignee ON tickets (assignee_id) WHERE assignee_id IS NOT NULL;

-- ticket_events is append-only: who did what, when.
CREATE TABLE ticket_events (
    id        BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT      NOT NULL REFERENCES tickets (id),
    at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor     TEXT        NOT NULL,
    staff_id  BIGINT      REFERENCES staff (id),
    kind      TEXT        NOT NULL,
    detail    JSONB       NOT NULL DEFAULT '{}'
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

-- messages is the transcript: what owners and staff said, in and out.
CREATE TABLE messages (
    id           BIGSERIAL PRIMARY KEY,
    ticket_id    BIGINT      REFERENCES tickets (id),
    chat_id      BIGINT      NOT NULL,
    direction    TEXT        NOT NULL CHECK (direction IN ('in', 'out')),
    author       TEXT        NOT NULL,
    staff_id     BIGINT      REFERENCES staff (id),
    text         TEXT        NOT NULL DEFAULT '',
    photo        TEXT        NOT NULL DEFAULT '',
    update_id    BIGINT,
    at           TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX messages_ticket ON messages (ticket_id, id);

-- outbox holds handoffs for the relay to publish on Redis Streams.
CREATE TABLE outbox (
    id           BIGSERIAL PRIMARY KEY,
    ticket_id    BIGINT      NOT NULL REFERENCES tickets (id),
    queue        TEXT        NOT NULL,
    urgent       BOOLEAN     NOT NULL DEFAULT false,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at TIMESTAMPTZ,
    stream_id    TEXT        NOT NULL DEFAULT '',
    attempts     INT         NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL;

-- outgoing is the durable send queue for Telegram: one row per message or edit.
CREATE TABLE outgoing (
    id           BIGSERIAL PRIMARY KEY,
    chat_id      BIGINT      NOT NULL,
    payload      JSONB       NOT NULL,
    urgent       BOOLEAN     NOT NULL DEFAULT false,
    ticket_id    BIGINT      REFERENCES tickets (id),
    purpose      TEXT        NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    not_before   TIMESTAMPTZ NOT NULL DEFAULT now(),
    leased_until TIMESTAMPTZ,
    attempts     INT         NOT NULL DEFAULT 0,
    sent_at      TIMESTAMPTZ,
    failed       BOOLEAN     NOT NULL DEFAULT false,
    last_error   TEXT        NOT NULL DEFAULT '',
    message_id   BIGINT
);
CREATE INDEX outgoing_pending ON outgoing (urgent DESC, id) WHERE sent_at IS NULL AND NOT failed;
CREATE INDEX outgoing_message ON outgoing (chat_id, message_id) WHERE message_id IS NOT NULL;

-- callbacks are the durable satisfaction-callback jobs (回访).
CREATE TABLE callbacks (
    id           BIGSERIAL PRIMARY KEY,
    ticket_id    BIGINT      NOT NULL REFERENCES tickets (id),
    status       TEXT        NOT NULL DEFAULT 'scheduled'
                 CHECK (status IN ('scheduled', 'asked', 'scored', 'done', 'no_response', 'cancelled')),
    due_at       TIMESTAMPTZ NOT NULL,
    asked_at     TIMESTAMPTZ,
    reminders    INT         NOT NULL DEFAULT 0,
    score        SMALLINT,
    comment      TEXT        NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ
);
CREATE INDEX callbacks_due ON callbacks (due_at) WHERE status IN ('scheduled', 'asked');
CREATE UNIQUE INDEX callbacks_one_open ON callbacks (ticket_id) WHERE status IN ('scheduled', 'asked', 'scored');

-- +goose Down
DROP TABLE callbacks, outgoing, outbox, messages, ticket_events, tickets,
    ticket_counters, conversations, staff, owners, inbox;
