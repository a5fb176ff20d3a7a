-- Reconciliation with the provider's Admin API. Times are unix milliseconds.

-- Event cursors (e.g. the last USER_SESSION_DELETED event handled per issuer), shared by every process on the file.
CREATE TABLE reconciliation_cursors (
    name       TEXT    NOT NULL PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Leases: one owner at a time per name; an expired lease is free to be taken.
CREATE TABLE reconciliation_leases (
    name        TEXT    NOT NULL PRIMARY KEY,
    owner       TEXT    NOT NULL,
    lease_until INTEGER NOT NULL
);

-- Sessions seen missing at the provider once; a second observation an interval later decides.
CREATE TABLE reconciliation_observations (
    issuer           TEXT    NOT NULL,
    client_id        TEXT    NOT NULL,
    sid              TEXT    NOT NULL,
    first_missing_at INTEGER NOT NULL,
    PRIMARY KEY (issuer, client_id, sid)
);
