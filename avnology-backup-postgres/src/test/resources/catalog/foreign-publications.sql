-- Foreign-data wrappers, servers, user mappings, foreign tables (options, column options, an
-- inheritance child, a partition), publications (tables with row filters and column lists, FOR
-- ALL TABLES, TABLES IN SCHEMA) and subscriptions (connect = false), as pg_dump 15 writes them.
DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fp_user') THEN
  CREATE ROLE fp_user; END IF; END $$;
CREATE FOREIGN DATA WRAPPER useless;
CREATE FOREIGN DATA WRAPPER opts_fdw OPTIONS (debug 'true', "Quoted" 'it''s');
CREATE FOREIGN DATA WRAPPER "Validated" VALIDATOR postgresql_fdw_validator;
CREATE SERVER useless_server FOREIGN DATA WRAPPER useless;
CREATE SERVER s2 TYPE 'oracle' VERSION '1.0' FOREIGN DATA WRAPPER opts_fdw OPTIONS (host 'a', port '1');
CREATE SERVER "Validated server" FOREIGN DATA WRAPPER "Validated" OPTIONS (dbname 'x');
CREATE USER MAPPING FOR fp_user SERVER s2 OPTIONS (user 'bob', password 'x');
CREATE USER MAPPING FOR PUBLIC SERVER useless_server;
CREATE USER MAPPING FOR CURRENT_USER SERVER useless_server OPTIONS (a 'b');
COMMENT ON FOREIGN DATA WRAPPER useless IS 'a wrapper without handler';
COMMENT ON SERVER s2 IS 'a server';
GRANT USAGE ON FOREIGN DATA WRAPPER useless TO fp_user;
GRANT USAGE ON FOREIGN SERVER s2 TO fp_user WITH GRANT OPTION;
CREATE SCHEMA fp;
CREATE FOREIGN TABLE fp.ft (
  a int OPTIONS (column_name 'A') NOT NULL,
  b text COLLATE "C" DEFAULT 'x',
  c int CHECK (c > 0),
  d int GENERATED ALWAYS AS (c * 2) STORED
) SERVER s2 OPTIONS (table_name 'remote');
ALTER FOREIGN TABLE fp.ft ALTER COLUMN b SET STATISTICS 50;
ALTER FOREIGN TABLE fp.ft ALTER COLUMN b SET STORAGE EXTERNAL;
ALTER FOREIGN TABLE fp.ft ALTER COLUMN c OPTIONS (ADD x 'y');
COMMENT ON FOREIGN TABLE fp.ft IS 'a foreign table';
COMMENT ON COLUMN fp.ft.a IS 'a column';
GRANT SELECT ON fp.ft TO fp_user;
GRANT SELECT (b) ON fp.ft TO fp_user;
CREATE TABLE fp.pt (id int PRIMARY KEY, v text);
INSERT INTO fp.pt VALUES (1, 'one');
CREATE FOREIGN TABLE fp.ftc (extra int) INHERITS (fp.pt) SERVER useless_server;
CREATE TABLE fp.part (id int, v text) PARTITION BY RANGE (id);
CREATE FOREIGN TABLE fp.part_f PARTITION OF fp.part FOR VALUES FROM (0) TO (10) SERVER s2;
CREATE TABLE fp.part_l PARTITION OF fp.part FOR VALUES FROM (10) TO (20);
CREATE MATERIALIZED VIEW fp.mv AS SELECT id, v FROM ONLY fp.pt;
ALTER MATERIALIZED VIEW fp.mv ALTER COLUMN v SET COMPRESSION pglz;
ALTER MATERIALIZED VIEW fp.mv ALTER COLUMN v SET STATISTICS 10;
ALTER MATERIALIZED VIEW fp.mv ALTER COLUMN id SET (n_distinct = 2);
CREATE TABLE fp.t1 (a int PRIMARY KEY, b text, c int);
CREATE SCHEMA fq;
CREATE TABLE fq.t2 (x int);
CREATE PUBLICATION p_all FOR ALL TABLES WITH (publish = 'insert, update', publish_via_partition_root = true);
CREATE PUBLICATION p_t FOR TABLE fp.t1 (a, b) WHERE (a > 5), ONLY fp.pt;
CREATE PUBLICATION "P s" FOR TABLES IN SCHEMA fq, TABLE fp.t1;
CREATE PUBLICATION p_empty WITH (publish = '');
COMMENT ON PUBLICATION p_t IS 'a publication';
ALTER PUBLICATION "P s" OWNER TO fp_user;
-- access methods, and a table using a custom table access method (its entry's tableam)
CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER heap_tableam_handler;
CREATE ACCESS METHOD "Gist 2" TYPE INDEX HANDLER gisthandler;
COMMENT ON ACCESS METHOD heap2 IS 'heap under another name';
CREATE TABLE fp.t_am (a int, b text) USING heap2;
INSERT INTO fp.t_am VALUES (1, 'x'), (2, 'y');
