-- When each application session was last captured, so that a Keycloak sign-out-all or push-revocation
-- ends exactly the sessions captured before its notBefore. Sessions captured before this migration count as old (0).
ALTER TABLE app_sessions ADD COLUMN captured_at bigint NOT NULL DEFAULT 0;

-- Fan-out jobs: one per accepted Admin URL push and client. state: 0 pending, 1 done, 2 failed (FanOutJobState).
-- A pending job is worked by the replica holding its lease (lease_until in the future); cursor is the last sid done.
CREATE TABLE fan_out_jobs (
    id              text   NOT NULL PRIMARY KEY,
    issuer          text   NOT NULL,
    client_id       text   NOT NULL,
    action          text   NOT NULL,
    action_id       text   NOT NULL,
    not_before      bigint NOT NULL,
    captured_before bigint NOT NULL,
    created_at      bigint NOT NULL,
    state           int    NOT NULL,
    cursor          text   NULL,
    sessions        bigint NOT NULL,
    error           text   NULL,
    updated_at      bigint NOT NULL,
    lease_owner     text   NULL,
    lease_until     bigint NULL
);

CREATE INDEX ix_fan_out_jobs_pending ON fan_out_jobs (created_at) WHERE state = 0;
CREATE INDEX ix_fan_out_jobs_updated ON fan_out_jobs (updated_at);
