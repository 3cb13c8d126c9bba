ALTER TABLE accounts DROP COLUMN last_login;
DROP TABLE sessions;
DROP TYPE session_state;
