-- Session mappings: one row per (issuer, client, sid); expiry and subject live here.
CREATE TABLE sessions (
    issuer     TEXT    NOT NULL,
    client_id  TEXT    NOT NULL,
    sid        TEXT    NOT NULL,
    sub        TEXT    NULL,
    expires_at INTEGER NOT NULL, -- unix milliseconds
    PRIMARY KEY (issuer, client_id, sid)
);

CREATE INDEX ix_sessions_subject ON sessions (issuer, client_id, sub);
CREATE INDEX ix_sessions_expires_at ON sessions (expires_at);

-- The application sessions of a mapping. The cascade lets purge and expiry-on-add delete a mapping in one statement.
CREATE TABLE app_sessions (
    issuer       TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    sid          TEXT NOT NULL,
    handle       TEXT NOT NULL,
    protected_id TEXT NOT NULL,
    host         TEXT NULL,
    PRIMARY KEY (issuer, client_id, sid, handle),
    FOREIGN KEY (issuer, client_id, sid) REFERENCES sessions (issuer, client_id, sid) ON DELETE CASCADE
);

-- Logout token jti values already accepted, kept until the token expires.
CREATE TABLE replay (
    issuer     TEXT    NOT NULL,
    jti        TEXT    NOT NULL,
    expires_at INTEGER NOT NULL, -- unix milliseconds
    PRIMARY KEY (issuer, jti)
);

CREATE INDEX ix_replay_expires_at ON replay (expires_at);

-- Signing keys; the private key is encrypted by the host before it reaches the store.
CREATE TABLE signing_keys (
    kid                   TEXT    NOT NULL PRIMARY KEY,
    alg                   TEXT    NOT NULL,
    protected_private_key TEXT    NOT NULL,
    created_at            INTEGER NOT NULL, -- unix milliseconds, as are the two below
    activates_at          INTEGER NOT NULL,
    retires_at            INTEGER NULL
);
