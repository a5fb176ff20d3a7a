-- The durable logout trail (ADR 0022): one row per logout and one per delivery attempt, shared by replicas, purged by
-- age and count. No sid, subject or application session id in clear: sid_hash is the audit log's sid hash,
-- subject_hash the keyed lookup hash and protected_subject the encrypted subject (ADR 0019).
CREATE TABLE trail_logouts (
    id                TEXT    NOT NULL PRIMARY KEY,
    accepted_at       INTEGER NOT NULL, -- unix milliseconds
    issuer            TEXT    NOT NULL,
    client_id         TEXT    NOT NULL,
    source            TEXT    NOT NULL,
    reason            TEXT    NULL,
    sid_hash          TEXT    NOT NULL,
    subject_hash      TEXT    NULL,
    protected_subject TEXT    NULL,
    app_sessions      INTEGER NOT NULL,
    outcome           TEXT    NOT NULL,
    attempts          INTEGER NOT NULL,
    delivered_at      INTEGER NULL,
    last_error        TEXT    NULL
);

CREATE INDEX ix_trail_logouts_accepted ON trail_logouts (accepted_at, id);
CREATE INDEX ix_trail_logouts_sid ON trail_logouts (sid_hash);
CREATE INDEX ix_trail_logouts_subject ON trail_logouts (subject_hash);

CREATE TABLE trail_attempts (
    logout_id   TEXT    NOT NULL,
    seq         TEXT    NOT NULL,
    number      INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    status_code INTEGER NULL,
    error       TEXT    NULL,
    duration_ms REAL    NOT NULL,
    outcome     TEXT    NOT NULL,
    PRIMARY KEY (logout_id, seq)
);

CREATE INDEX ix_trail_attempts_at ON trail_attempts (at);
