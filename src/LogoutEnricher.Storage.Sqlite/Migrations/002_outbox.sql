-- The delivery outbox: one row per pending delivery of an accepted logout; dead letters stay here with dead_at set.
-- A row is leased while lease_until is in the future; an expired lease is free to be taken by any replica.
CREATE TABLE outbox (
    id              TEXT    NOT NULL PRIMARY KEY,
    issuer          TEXT    NOT NULL,
    client_id       TEXT    NOT NULL,
    host            TEXT    NULL,
    payload         TEXT    NOT NULL, -- encrypted by the host
    created_at      INTEGER NOT NULL, -- unix milliseconds, as are all the times below
    expires_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT    NULL,
    lease_owner     TEXT    NULL,
    lease_until     INTEGER NULL,
    dead_at         INTEGER NULL,
    dead_reason     TEXT    NULL
);

-- Leasing scans pending rows by due time; the dead letter listing scans dead rows by death time.
CREATE INDEX ix_outbox_due ON outbox (next_attempt_at, created_at) WHERE dead_at IS NULL;
CREATE INDEX ix_outbox_dead ON outbox (dead_at) WHERE dead_at IS NOT NULL;
