-- Samenspel schema 3: the queue of learning records (xAPI statements) on their way to a Learning
-- Record Store, shared by every app server on this database (modules/storage/postgres_outbox.py).
-- One row per queued statement until it is sent (then the row is deleted) or set aside (the LRS
-- refused it: set_aside_at and the LRS's answer in reason). actor_name is the statement's
-- actor.account.name, the account's pseudonym: deleting an account deletes its rows by it.
-- Nothing here depends on schema 2.

CREATE TABLE xapi_outbox (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,   -- the queue's order: oldest first
    key text NOT NULL UNIQUE,                              -- names this entry (a statement queued twice is two)
    statement_id text NOT NULL,
    actor_name text,
    queued_at timestamptz NOT NULL DEFAULT now(),
    statement jsonb NOT NULL,
    set_aside_at timestamptz,
    reason text
);
CREATE INDEX xapi_outbox_pending ON xapi_outbox (seq) WHERE set_aside_at IS NULL;
CREATE INDEX xapi_outbox_actor_name ON xapi_outbox (actor_name);
