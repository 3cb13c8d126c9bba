ALTER TABLE accounts ADD COLUMN nickname text;
INSERT INTO no_such_table VALUES (1);
