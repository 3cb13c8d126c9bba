CREATE TYPE session_state AS ENUM ('active', 'revoked');

CREATE TABLE sessions (
    id         uuid PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    state      session_state NOT NULL DEFAULT 'active',
    expires_at timestamptz
);

CREATE INDEX sessions_account_idx ON sessions (account_id);
ALTER TABLE accounts ADD COLUMN last_login timestamptz;
