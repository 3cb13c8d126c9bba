-- Must run outside a transaction: Flyway's PostgreSQL parser detects CONCURRENTLY.
CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);
