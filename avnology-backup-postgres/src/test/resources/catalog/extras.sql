DO $$ BEGIN
  CREATE ROLE cat_owner NOLOGIN;
EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN
  CREATE ROLE "Cat Reader" NOLOGIN;
EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA x;
CREATE COLLATION x.nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE COLLATION x."Posix C" (provider = libc, locale = 'C');
COMMENT ON COLLATION x.nocase IS 'case-insensitive';
CREATE TABLE x.people (id int, name text COLLATE x.nocase, code text COLLATE x."Posix C", a int, b int);
CREATE STATISTICS x.people_stats (dependencies, ndistinct) ON a, b FROM x.people;
ALTER STATISTICS x.people_stats SET STATISTICS 300;
COMMENT ON STATISTICS x.people_stats IS 'correlated';
ALTER DEFAULT PRIVILEGES IN SCHEMA x GRANT SELECT ON TABLES TO "Cat Reader";
ALTER DEFAULT PRIVILEGES FOR ROLE cat_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES GRANT USAGE ON SEQUENCES TO "Cat Reader" WITH GRANT OPTION;
CREATE FUNCTION x.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN NULL; END $$;
CREATE EVENT TRIGGER "Ddl Watch" ON ddl_command_start WHEN TAG IN ('CREATE TABLE', 'DROP TABLE')
  EXECUTE FUNCTION x.on_ddl();
ALTER EVENT TRIGGER "Ddl Watch" DISABLE;
COMMENT ON EVENT TRIGGER "Ddl Watch" IS 'watching';
CREATE TYPE x.pair AS (a int, b text);
CREATE TABLE x.typed OF x.pair (a NOT NULL, b DEFAULT 'z');
CREATE TABLE x.base (id int NOT NULL, note text DEFAULT 'b', CHECK (id > 0));
CREATE TABLE x.derived (id int, extra text) INHERITS (x.base);
CREATE TABLE x.gen_parent (a int, g int GENERATED ALWAYS AS (a * 2) STORED);
CREATE TABLE x.hashed (k int, v text) PARTITION BY HASH (k);
CREATE TABLE x.hashed_0 PARTITION OF x.hashed FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE x.hashed_1 PARTITION OF x.hashed FOR VALUES WITH (MODULUS 2, REMAINDER 1)
  PARTITION BY LIST (v);
CREATE TABLE x.hashed_1a PARTITION OF x.hashed_1 FOR VALUES IN ('a', 'b');

CREATE FUNCTION x.row_trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER hashed_trg AFTER INSERT ON x.hashed FOR EACH ROW EXECUTE FUNCTION x.row_trg();
CREATE UNIQUE INDEX hashed_k_v ON x.hashed (k, v);
CREATE SEQUENCE x.down_seq INCREMENT BY -2 MINVALUE -100 MAXVALUE -1 START WITH -1;
SELECT nextval('x.down_seq'), nextval('x.down_seq');
CREATE SEQUENCE x.owned_seq OWNED BY x.people.id;
DO $$ BEGIN
  IF current_setting('server_version_num')::int >= 150000 THEN
    EXECUTE 'CREATE UNLOGGED SEQUENCE x.unlogged_seq';
  END IF;
END $$;
INSERT INTO x.people VALUES (1, 'Ann', 'A', 1, 2);
INSERT INTO x.derived VALUES (5, 'd', 'extra');
INSERT INTO x.hashed VALUES (1, 'a'), (2, 'b'), (3, 'a');
INSERT INTO x.gen_parent (a) VALUES (21);
INSERT INTO x.typed VALUES (1, DEFAULT);
ALTER TABLE x.hashed_0 DISABLE TRIGGER hashed_trg;
GRANT CREATE ON SCHEMA public TO "Cat Reader";
COMMENT ON SCHEMA public IS 'the public one';
CREATE TABLE public.in_public (id int);
GRANT SELECT, INSERT ON public.in_public TO "Cat Reader" WITH GRANT OPTION;
REVOKE ALL ON public.in_public FROM postgres;
GRANT SELECT ON public.in_public TO postgres;
CREATE FUNCTION x.over(a integer) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION x.over(a bigint) RETURNS int LANGUAGE sql AS 'SELECT 2';
CREATE FUNCTION x.over(a text) RETURNS int LANGUAGE sql AS 'SELECT 3';
CREATE FUNCTION x.over(a x.pair) RETURNS int LANGUAGE sql AS 'SELECT 4';
CREATE FUNCTION x.over(a smallint, b int) RETURNS int LANGUAGE sql AS 'SELECT 5';
CREATE TABLE x.p1 (a text DEFAULT 'p1', b int NOT NULL, g int GENERATED ALWAYS AS (b * 2) STORED);
CREATE TABLE x.c1 () INHERITS (x.p1);
ALTER TABLE x.c1 ALTER COLUMN a DROP DEFAULT;
CREATE TABLE x.c2 (a text, extra int) INHERITS (x.p1);
ALTER TABLE x.c2 ALTER COLUMN a DROP DEFAULT;
-- (a child whose own columns precede the inherited ones would come back reordered, as with pg_dump)
CREATE TABLE x.c3 (a text, b int NOT NULL, g int GENERATED ALWAYS AS (b * 2) STORED, z int);
ALTER TABLE x.c3 INHERIT x.p1;
ALTER TABLE x.c1 ALTER COLUMN b SET DEFAULT 7;
INSERT INTO x.c1 (b) VALUES (1);
INSERT INTO x.c2 (b, extra) VALUES (2, 3);
