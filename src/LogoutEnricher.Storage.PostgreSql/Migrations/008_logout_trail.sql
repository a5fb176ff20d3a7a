-- The durable logout trail (ADR 0022): one row per logout and one per delivery attempt, shared by replicas, purged by
-- age and count. No sid, subject or application session id in clear: sid_hash is the audit log's sid hash,
-- subject_hash the keyed lookup hash and protected_subject the encrypted subject (ADR 0019).
CREATE TABLE trail_logouts (
    id                text    NOT NULL PRIMARY KEY,
    accepted_at       bigint  NOT NULL, -- unix milliseconds
    issuer            text    NOT NULL,
    client_id         text    NOT NULL,
    source            text    NOT NULL,
    reason            text    NULL,
    sid_hash          text    NOT NULL,
    subject_hash      text    NULL,
    protected_subject text    NULL,
    app_sessions      int     NOT NULL,
    outcome           text    NOT NULL,
    attempts          int     NOT NULL,
    delivered_at      bigint  NULL,
    last_error        text    NULL
);

CREATE INDEX ix_trail_logouts_accepted ON trail_logouts (accepted_at, id);
CREATE INDEX ix_trail_logouts_sid ON trail_logouts (sid_hash);
CREATE INDEX ix_trail_logouts_subject ON trail_logouts (subject_hash);

CREATE TABLE trail_attempts (
    logout_id   text    NOT NULL,
    seq         text    NOT NULL,
    number      int     NOT NULL,
    at          bigint  NOT NULL,
    status_code int     NULL,
    error       text    NULL,
    duration_ms double precision NOT NULL,
    outcome     text    NOT NULL,
    PRIMARY KEY (logout_id, seq)
);

CREATE INDEX ix_trail_attempts_at ON trail_attempts (at);
