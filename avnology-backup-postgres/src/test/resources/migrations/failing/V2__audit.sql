CREATE SCHEMA audit;
CREATE TABLE audit.log (id bigserial PRIMARY KEY, what text NOT NULL);
CREATE TABLE extra (x int);
INSERT INTO extra SELECT g FROM generate_series(1, 100) g;
INSERT INTO audit.log (what) VALUES ('V2');
UPDATE accounts SET email = upper(email);
CREATE FUNCTION audit.note(t text) RETURNS void LANGUAGE sql AS $$ INSERT INTO audit.log (what) VALUES (t) $$;
