-- Runs with search_path set to the configured schema. Times are unix milliseconds (bigint), as in every backend.

-- Session mappings: one row per (issuer, client, sid). The surrogate id keeps app_sessions rows and their index small.
CREATE TABLE sessions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    issuer     text   NOT NULL,
    client_id  text   NOT NULL,
    sid        text   NOT NULL,
    sub        text   NULL,
    expires_at bigint NOT NULL,
    CONSTRAINT ux_sessions_key UNIQUE (issuer, client_id, sid)
);

-- Lookup by subject (logout tokens without sid); partial, since a mapping without a subject is never found this way.
CREATE INDEX ix_sessions_subject ON sessions (issuer, client_id, sub) WHERE sub IS NOT NULL;
CREATE INDEX ix_sessions_expires_at ON sessions (expires_at);

CREATE TABLE app_sessions (
    session_id   bigint NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    handle       text   NOT NULL,
    protected_id text   NOT NULL,
    host         text   NULL,
    PRIMARY KEY (session_id, handle)
);

-- Logout token jti values already accepted, kept until the token expires.
CREATE TABLE replay (
    issuer     text   NOT NULL,
    jti        text   NOT NULL,
    expires_at bigint NOT NULL,
    PRIMARY KEY (issuer, jti)
);

CREATE INDEX ix_replay_expires_at ON replay (expires_at);

-- Signing keys; the private key is encrypted by the host before it reaches the store.
CREATE TABLE signing_keys (
    kid                   text   NOT NULL PRIMARY KEY,
    alg                   text   NOT NULL,
    protected_private_key text   NOT NULL,
    created_at            bigint NOT NULL,
    activates_at          bigint NOT NULL,
    retires_at            bigint NULL
);

-- The delivery outbox. A pending row is leasable once next_attempt_at and lease_until (if any) have passed.
CREATE TABLE outbox (
    id              text   NOT NULL PRIMARY KEY,
    issuer          text   NOT NULL,
    client_id       text   NOT NULL,
    host            text   NULL,
    payload         text   NOT NULL,
    created_at      bigint NOT NULL,
    expires_at      bigint NOT NULL,
    attempts        int    NOT NULL,
    next_attempt_at bigint NOT NULL,
    last_error      text   NULL,
    lease_owner     text   NULL,
    lease_until     bigint NULL,
    dead_reason     text   NULL,
    dead_at         bigint NULL
);

CREATE INDEX ix_outbox_due ON outbox (next_attempt_at, id) WHERE dead_at IS NULL;
CREATE INDEX ix_outbox_dead ON outbox (dead_at, id) WHERE dead_at IS NOT NULL;
