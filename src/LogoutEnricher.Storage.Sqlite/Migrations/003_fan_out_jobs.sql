-- When each application session was last captured, so that a Keycloak sign-out-all or push-revocation
-- ends exactly the sessions captured before its notBefore. Sessions captured before this migration count as old (0).
ALTER TABLE app_sessions ADD COLUMN captured_at INTEGER NOT NULL DEFAULT 0; -- unix milliseconds

-- Fan-out jobs: one per accepted Admin URL push and client. state: 0 pending, 1 done, 2 failed (FanOutJobState).
-- A pending job is worked by the replica holding its lease (lease_until in the future); cursor is the last sid done.
CREATE TABLE fan_out_jobs (
    id              TEXT    NOT NULL PRIMARY KEY,
    issuer          TEXT    NOT NULL,
    client_id       TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    action_id       TEXT    NOT NULL,
    not_before      INTEGER NOT NULL, -- epoch seconds, as Keycloak sent it
    captured_before INTEGER NOT NULL, -- unix milliseconds, as are all the times below
    created_at      INTEGER NOT NULL,
    state           INTEGER NOT NULL,
    cursor          TEXT    NULL,
    sessions        INTEGER NOT NULL,
    error           TEXT    NULL,
    updated_at      INTEGER NOT NULL,
    lease_owner     TEXT    NULL,
    lease_until     INTEGER NULL
);

CREATE INDEX ix_fan_out_jobs_pending ON fan_out_jobs (created_at) WHERE state = 0;
CREATE INDEX ix_fan_out_jobs_updated ON fan_out_jobs (updated_at);
