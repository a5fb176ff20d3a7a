-- Reconciliation with the provider's Admin API. Times are unix milliseconds (bigint).

-- Event cursors (e.g. the last USER_SESSION_DELETED event handled per issuer), shared by every replica.
CREATE TABLE reconciliation_cursors (
    name       text   NOT NULL PRIMARY KEY,
    value      text   NOT NULL,
    updated_at bigint NOT NULL
);

-- Leases: one owner at a time per name; an expired lease is free to be taken.
CREATE TABLE reconciliation_leases (
    name        text   NOT NULL PRIMARY KEY,
    owner       text   NOT NULL,
    lease_until bigint NOT NULL
);

-- Sessions seen missing at the provider once; a second observation an interval later decides.
CREATE TABLE reconciliation_observations (
    issuer           text   NOT NULL,
    client_id        text   NOT NULL,
    sid              text   NOT NULL,
    first_missing_at bigint NOT NULL,
    PRIMARY KEY (issuer, client_id, sid)
);
