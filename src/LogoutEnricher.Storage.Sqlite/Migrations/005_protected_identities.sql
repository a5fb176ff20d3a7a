-- Sid and sub hold keyed hashes (lookups, ordering, the subject index), protected_sid and protected_sub the
-- values encrypted by the host. Rows written before this migration keep them NULL (sid and sub in clear) until the host
-- rewrites them at startup (ProtectedSessionStore.ProtectExistingAsync); the partial index finds those.
ALTER TABLE sessions ADD COLUMN protected_sid TEXT NULL;
ALTER TABLE sessions ADD COLUMN protected_sub TEXT NULL;
CREATE INDEX ix_sessions_unprotected ON sessions (issuer) WHERE protected_sid IS NULL;

-- Sessions seen missing once were keyed by the sid in clear: forgotten, so a missing session is observed again one
-- cycle later (only a confirmed absence ends a session).
DELETE FROM reconciliation_observations;

-- A pending fan-out job's cursor was the last sid in clear, the keyset is now the hash: it starts its pages over (at
-- least once; '' keeps the admin action from being sent again).
UPDATE fan_out_jobs SET cursor = '' WHERE state = 0 AND cursor IS NOT NULL;
