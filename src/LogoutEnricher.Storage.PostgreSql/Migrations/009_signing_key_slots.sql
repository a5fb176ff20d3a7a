-- The activation slot a key was created for ("the first key", "the successor of key X"): unique, so that replicas
-- racing to create the same key leave exactly one. Keys from before have none.
ALTER TABLE signing_keys ADD COLUMN slot text NULL;
CREATE UNIQUE INDEX signing_keys_slot ON signing_keys (slot);
