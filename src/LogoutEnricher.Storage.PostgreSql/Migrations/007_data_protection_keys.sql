-- The ASP.NET Core Data Protection key ring (console cookie, antiforgery, OIDC state), shared by every replica
-- (ADR 0020). xml holds a key's secret part encrypted with the storage encryption key, never in clear.
CREATE TABLE data_protection_keys (
    friendly_name text   NOT NULL PRIMARY KEY,
    xml           text   NOT NULL,
    stored_at     bigint NOT NULL -- unix milliseconds
);
