-- The ASP.NET Core Data Protection key ring (console cookie, antiforgery, OIDC state), so that it survives a restart
-- (ADR 0020). xml holds a key's secret part encrypted with the storage encryption key, never in clear.
CREATE TABLE data_protection_keys (
    friendly_name TEXT    NOT NULL PRIMARY KEY,
    xml           TEXT    NOT NULL,
    stored_at     INTEGER NOT NULL -- unix milliseconds
);
