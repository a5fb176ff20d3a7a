-- The operator console shows each client's oldest pending delivery: one index seek per client, never a scan.
CREATE INDEX ix_outbox_client_pending ON outbox (issuer, client_id, created_at, id) WHERE dead_at IS NULL;
