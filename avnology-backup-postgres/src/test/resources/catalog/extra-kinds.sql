-- Object kinds beyond tables/types/functions: collations, text search, operators, operator
-- classes and families, casts, conversions, extended statistics, default privileges, event
-- triggers. Each with a comment and, where the kind has privileges, a grant.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'xk_reader') THEN
    CREATE ROLE xk_reader;
  END IF;
END $$;
CREATE SCHEMA xk;
CREATE SCHEMA "Xk Two";
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;

-- ---------------------------------------------------------------- collations
CREATE COLLATION xk.bytewise FROM "C";
COMMENT ON COLLATION xk.bytewise IS 'byte-order collation';
CREATE COLLATION xk.posix_c (LC_COLLATE = 'POSIX', LC_CTYPE = 'C');
CREATE COLLATION "Xk Two"."Case Insensitive" (PROVIDER = icu, LOCALE = 'und-u-ks-level2',
  DETERMINISTIC = false);
COMMENT ON COLLATION "Xk Two"."Case Insensitive" IS 'it''s nondeterministic';
CREATE COLLATION xk.german (PROVIDER = icu, LOCALE = 'de-DE');

-- ---------------------------------------------------------------- text search
CREATE TEXT SEARCH PARSER xk.myparser (START = prsd_start, GETTOKEN = prsd_nexttoken,
  END = prsd_end, LEXTYPES = prsd_lextype, HEADLINE = prsd_headline);
COMMENT ON TEXT SEARCH PARSER xk.myparser IS 'default parser, renamed';
CREATE TEXT SEARCH PARSER xk.noheadline (START = prsd_start, GETTOKEN = prsd_nexttoken,
  END = prsd_end, LEXTYPES = prsd_lextype);
CREATE TEXT SEARCH TEMPLATE xk.mytemplate (INIT = dsimple_init, LEXIZE = dsimple_lexize);
COMMENT ON TEXT SEARCH TEMPLATE xk.mytemplate IS 'simple, again';
CREATE TEXT SEARCH TEMPLATE xk.lexonly (LEXIZE = dsimple_lexize);
CREATE TEXT SEARCH DICTIONARY xk.mydict (TEMPLATE = xk.mytemplate, STOPWORDS = english,
  ACCEPT = false);
COMMENT ON TEXT SEARCH DICTIONARY xk.mydict IS 'stop words';
CREATE TEXT SEARCH DICTIONARY xk.plain (TEMPLATE = pg_catalog.simple);
CREATE TEXT SEARCH CONFIGURATION xk.names (COPY = pg_catalog.simple);
COMMENT ON TEXT SEARCH CONFIGURATION xk.names IS 'names config';
CREATE TEXT SEARCH CONFIGURATION xk.custom (PARSER = xk.myparser);
ALTER TEXT SEARCH CONFIGURATION xk.custom ADD MAPPING FOR asciiword, word WITH xk.mydict, pg_catalog.simple;
ALTER TEXT SEARCH CONFIGURATION xk.custom ADD MAPPING FOR int, uint WITH xk.plain;
CREATE TEXT SEARCH CONFIGURATION xk.empty (PARSER = pg_catalog."default");

-- ---------------------------------------------------------------- types and functions used below
CREATE TYPE xk.mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE xk.pair AS (a integer, b integer);
CREATE FUNCTION xk.mood_rank(xk.mood) RETURNS integer LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT CASE $1 WHEN 'sad' THEN 0 WHEN 'ok' THEN 1 ELSE 2 END $$;
CREATE FUNCTION xk.pair_sum(xk.pair) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT ($1).a::bigint + ($1).b $$;
CREATE FUNCTION xk.int_to_mood(integer) RETURNS xk.mood LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT (enum_range(NULL::xk.mood))[$1 + 1] $$;
CREATE FUNCTION xk.text_near(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT lower($1) = lower($2) $$;
CREATE FUNCTION xk.text_far(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT lower($1) <> lower($2) $$;
CREATE FUNCTION xk.negate_int(integer) RETURNS integer LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT -$1 $$;
CREATE FUNCTION xk.rev_cmp(integer, integer) RETURNS integer LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT CASE WHEN $1 < $2 THEN 1 WHEN $1 > $2 THEN -1 ELSE 0 END $$;
CREATE FUNCTION xk.int_hash(integer) RETURNS integer LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT hashint4($1) $$;

-- ---------------------------------------------------------------- operators
CREATE OPERATOR xk.~=~ (LEFTARG = text, RIGHTARG = text, FUNCTION = xk.text_near,
  COMMUTATOR = OPERATOR(xk.~=~), NEGATOR = OPERATOR(xk.!~=~), RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR xk.!~=~ (LEFTARG = text, RIGHTARG = text, FUNCTION = xk.text_far,
  NEGATOR = OPERATOR(xk.~=~), RESTRICT = neqsel, JOIN = neqjoinsel);
COMMENT ON OPERATOR xk.~=~ (text, text) IS 'case-insensitive equality';
CREATE OPERATOR xk.- (RIGHTARG = integer, FUNCTION = xk.negate_int);
COMMENT ON OPERATOR xk.- (NONE, integer) IS 'prefix minus';
CREATE OPERATOR xk.=== (LEFTARG = integer, RIGHTARG = integer, FUNCTION = int4eq,
  COMMUTATOR = ===, HASHES, MERGES);
CREATE FUNCTION "Xk Two".mood_lt(xk.mood, xk.mood) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT $1 < $2 $$;
CREATE OPERATOR "Xk Two".<<< (LEFTARG = xk.mood, RIGHTARG = xk.mood, FUNCTION = "Xk Two".mood_lt);

-- ---------------------------------------------------------------- operator families and classes
CREATE OPERATOR FAMILY xk.int_rev_ops USING btree;
COMMENT ON OPERATOR FAMILY xk.int_rev_ops USING btree IS 'reverse integer order';
CREATE OPERATOR CLASS xk.int4_rev_ops FOR TYPE integer USING btree FAMILY xk.int_rev_ops AS
  OPERATOR 1 >, OPERATOR 2 >=, OPERATOR 3 =, OPERATOR 4 <=, OPERATOR 5 <,
  FUNCTION 1 xk.rev_cmp(integer, integer);
COMMENT ON OPERATOR CLASS xk.int4_rev_ops USING btree IS 'reverse integer class';
ALTER OPERATOR FAMILY xk.int_rev_ops USING btree ADD
  OPERATOR 1 > (integer, bigint), OPERATOR 3 = (integer, bigint),
  FUNCTION 1 (integer, bigint) btint48cmp(integer, bigint);
CREATE OPERATOR CLASS xk.int4_hash_ops FOR TYPE integer USING hash AS
  OPERATOR 1 xk.===, FUNCTION 1 xk.int_hash(integer);
CREATE OPERATOR CLASS xk.mood_ops DEFAULT FOR TYPE xk.mood USING hash AS
  OPERATOR 1 = (anyenum, anyenum), FUNCTION 1 hashenum(anyenum);
CREATE OPERATOR FAMILY xk.empty_family USING gist;

-- ---------------------------------------------------------------- casts and conversions
CREATE CAST (xk.mood AS integer) WITH FUNCTION xk.mood_rank(xk.mood) AS ASSIGNMENT;
COMMENT ON CAST (xk.mood AS integer) IS 'mood as rank';
CREATE CAST (integer AS xk.mood) WITH FUNCTION xk.int_to_mood(integer);
CREATE CAST (xk.pair AS bigint) WITH FUNCTION xk.pair_sum(xk.pair) AS IMPLICIT;
CREATE CAST (xk.mood AS text) WITH INOUT;
CREATE CAST (xk.pair AS text) WITH INOUT AS ASSIGNMENT;

CREATE CONVERSION xk.latin1_utf8 FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
COMMENT ON CONVERSION xk.latin1_utf8 IS 'latin-1 in';
CREATE DEFAULT CONVERSION "Xk Two"."Win To Utf" FOR 'WIN1252' TO 'UTF8' FROM win_to_utf8;

-- ---------------------------------------------------------------- tables, extended statistics
CREATE TABLE xk.people (
  id integer PRIMARY KEY,
  name text COLLATE xk.bytewise NOT NULL,
  nick text COLLATE "Xk Two"."Case Insensitive",
  city text,
  zip text,
  mood xk.mood,
  body tsvector,
  n integer
);
CREATE INDEX people_body_idx ON xk.people USING gin (body);
CREATE INDEX people_n_rev_idx ON xk.people (n xk.int4_rev_ops);
CREATE INDEX people_n_hash_idx ON xk.people USING hash (n xk.int4_hash_ops);
CREATE INDEX people_tsv_idx ON xk.people (to_tsvector('xk.custom'::regconfig, name));
CREATE STATISTICS xk.people_city_zip (dependencies, ndistinct) ON city, zip FROM xk.people;
COMMENT ON STATISTICS xk.people_city_zip IS 'city and zip are correlated';
CREATE STATISTICS xk.people_all ON city, zip, mood FROM xk.people;
ALTER STATISTICS xk.people_all SET STATISTICS 250;
CREATE STATISTICS "Xk Two"."Expr Stats" (mcv) ON lower(city), (n + 1) FROM xk.people;
CREATE STATISTICS xk.people_expr ON (lower(name)) FROM xk.people;

INSERT INTO xk.people
SELECT g, 'name ' || g, 'Nick' || (g % 7), 'city ' || (g % 10), 'zip ' || (g % 10),
       (ARRAY['sad', 'ok', 'happy']::xk.mood[])[1 + g % 3],
       to_tsvector('xk.custom'::regconfig, 'the quick brown fox ' || g), g % 17
  FROM generate_series(1, 200) g;

-- ---------------------------------------------------------------- other owners
ALTER COLLATION xk.german OWNER TO xk_reader;
ALTER TEXT SEARCH DICTIONARY xk.plain OWNER TO xk_reader;
ALTER TEXT SEARCH CONFIGURATION xk.empty OWNER TO xk_reader;
ALTER OPERATOR "Xk Two".<<< (xk.mood, xk.mood) OWNER TO xk_reader;
ALTER OPERATOR FAMILY xk.empty_family USING gist OWNER TO xk_reader;
ALTER OPERATOR CLASS xk.int4_hash_ops USING hash OWNER TO xk_reader;
ALTER CONVERSION xk.latin1_utf8 OWNER TO xk_reader;
ALTER STATISTICS xk.people_expr OWNER TO xk_reader;

-- ---------------------------------------------------------------- default privileges
ALTER DEFAULT PRIVILEGES IN SCHEMA xk GRANT SELECT ON TABLES TO PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA xk GRANT USAGE ON SEQUENCES TO xk_reader WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES IN SCHEMA "Xk Two" GRANT EXECUTE ON FUNCTIONS TO PUBLIC;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES REVOKE USAGE ON TYPES FROM PUBLIC;
ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO PUBLIC;
ALTER DEFAULT PRIVILEGES GRANT SELECT, UPDATE ON TABLES TO PUBLIC;
-- (one entry per schema, type and role: the comparison test keys entries by desc, schema, tag)
ALTER DEFAULT PRIVILEGES FOR ROLE xk_reader IN SCHEMA "Xk Two" GRANT USAGE ON TYPES TO postgres;

-- ---------------------------------------------------------------- event triggers
CREATE FUNCTION xk.on_ddl() RETURNS event_trigger LANGUAGE plpgsql
  AS $$ BEGIN RAISE NOTICE 'ddl: %', tg_tag; END $$;
CREATE EVENT TRIGGER xk_ddl_watch ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'DROP TABLE')
  EXECUTE FUNCTION xk.on_ddl();
COMMENT ON EVENT TRIGGER xk_ddl_watch IS 'watches tables';
CREATE EVENT TRIGGER "Xk Disabled" ON sql_drop EXECUTE FUNCTION xk.on_ddl();
ALTER EVENT TRIGGER "Xk Disabled" DISABLE;
CREATE EVENT TRIGGER xk_always ON ddl_command_start EXECUTE FUNCTION xk.on_ddl();
ALTER EVENT TRIGGER xk_always ENABLE ALWAYS;

-- ---------------------------------------------------------------- procedural languages, transforms
-- plpgsql's own handler under a second name: a trusted language with handler, inline and validator
CREATE FUNCTION xk.plxk_call_handler() RETURNS language_handler
  AS '$libdir/plpgsql', 'plpgsql_call_handler' LANGUAGE c;
CREATE FUNCTION xk.plxk_inline_handler(internal) RETURNS void
  AS '$libdir/plpgsql', 'plpgsql_inline_handler' LANGUAGE c STRICT;
CREATE FUNCTION xk.plxk_validator(oid) RETURNS void
  AS '$libdir/plpgsql', 'plpgsql_validator' LANGUAGE c STRICT;
CREATE TRUSTED LANGUAGE plxk HANDLER xk.plxk_call_handler INLINE xk.plxk_inline_handler
  VALIDATOR xk.plxk_validator;
COMMENT ON LANGUAGE plxk IS 'plpgsql, again';
REVOKE USAGE ON LANGUAGE plxk FROM PUBLIC;
GRANT USAGE ON LANGUAGE plxk TO xk_reader;
CREATE FUNCTION xk.in_plxk(a integer) RETURNS integer LANGUAGE plxk AS $$ BEGIN RETURN a + 1; END $$;
-- an untrusted one with only a handler
CREATE FUNCTION xk.plxk2_call_handler() RETURNS language_handler
  AS '$libdir/plpgsql', 'plpgsql_call_handler' LANGUAGE c;
CREATE LANGUAGE "PlXk Two" HANDLER xk.plxk2_call_handler;
-- transforms: system functions (as the regression database has) and the dumped language's own
CREATE TRANSFORM FOR int LANGUAGE SQL (
  FROM SQL WITH FUNCTION prsd_lextype(internal), TO SQL WITH FUNCTION int4recv(internal));
CREATE FUNCTION xk.mood_from_sql(internal) RETURNS internal LANGUAGE internal IMMUTABLE
  AS 'prsd_lextype';
CREATE TRANSFORM FOR xk.mood LANGUAGE plxk (FROM SQL WITH FUNCTION xk.mood_from_sql(internal));
CREATE TRANSFORM FOR bigint LANGUAGE plxk (TO SQL WITH FUNCTION int8recv(internal));
COMMENT ON TRANSFORM FOR xk.mood LANGUAGE plxk IS 'moods in plxk';

-- ---------------------------------------------------------------- privileges on pg_catalog objects
-- changed from pg_init_privs: dumped as ACL entries of their own (pg_dump 15), never the objects
GRANT SELECT (rolname, rolsuper) ON pg_catalog.pg_authid TO xk_reader;
REVOKE SELECT ON pg_catalog.pg_stat_activity FROM PUBLIC;
GRANT SELECT ON pg_catalog.pg_stat_activity TO xk_reader;
GRANT SELECT (prosrc) ON pg_catalog.pg_proc TO xk_reader WITH GRANT OPTION;
REVOKE USAGE ON TYPE pg_catalog.money FROM PUBLIC;
