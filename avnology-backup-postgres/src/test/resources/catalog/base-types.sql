-- Base and shell types with internal-language I/O functions (as PostgreSQL's regression suite
-- builds them without C code); needs a superuser.
CREATE SCHEMA bt;
CREATE TYPE bt.myshell;
COMMENT ON TYPE bt.myshell IS 'a shell type nobody filled in';

CREATE TYPE bt.int42;
CREATE FUNCTION bt.int42_in(cstring) RETURNS bt.int42 AS 'int4in' LANGUAGE internal IMMUTABLE STRICT;
CREATE FUNCTION bt.int42_out(bt.int42) RETURNS cstring AS 'int4out' LANGUAGE internal IMMUTABLE STRICT;
CREATE TYPE bt.int42 (internallength = 4, input = bt.int42_in, output = bt.int42_out,
  alignment = int4, default = 42, passedbyvalue);
COMMENT ON TYPE bt.int42 IS 'an int4 in disguise';
REVOKE USAGE ON TYPE bt.int42 FROM PUBLIC;
CREATE CAST (integer AS bt.int42) WITHOUT FUNCTION AS IMPLICIT;
CREATE FUNCTION bt.int42_plus(bt.int42, integer) RETURNS integer
  LANGUAGE sql IMMUTABLE AS 'SELECT $1::text::integer + $2';

CREATE TYPE bt."Text W Default";
CREATE FUNCTION bt.twd_in(cstring) RETURNS bt."Text W Default" AS 'textin' LANGUAGE internal IMMUTABLE STRICT;
CREATE FUNCTION bt.twd_out(bt."Text W Default") RETURNS cstring AS 'textout' LANGUAGE internal IMMUTABLE STRICT;
CREATE FUNCTION bt.twd_recv(internal) RETURNS bt."Text W Default" AS 'textrecv' LANGUAGE internal STABLE STRICT;
CREATE FUNCTION bt.twd_send(bt."Text W Default") RETURNS bytea AS 'textsend' LANGUAGE internal STABLE STRICT;
CREATE TYPE bt."Text W Default" (internallength = variable, input = bt.twd_in, output = bt.twd_out,
  receive = bt.twd_recv, send = bt.twd_send, typmod_in = varchartypmodin,
  typmod_out = varchartypmodout, alignment = int4, storage = main, default = 'zip''po',
  category = 'S', preferred = true, delimiter = ';', collatable = true);

CREATE TYPE bt.int4pair;
CREATE FUNCTION bt.int4pair_in(cstring) RETURNS bt.int4pair AS 'int8in' LANGUAGE internal IMMUTABLE STRICT;
CREATE FUNCTION bt.int4pair_out(bt.int4pair) RETURNS cstring AS 'int8out' LANGUAGE internal IMMUTABLE STRICT;
CREATE TYPE bt.int4pair (internallength = 8, input = bt.int4pair_in, output = bt.int4pair_out,
  element = integer, subscript = raw_array_subscript_handler, alignment = double, passedbyvalue);

-- a range type whose canonical function needs the type's shell first
CREATE TYPE bt.myrange;
CREATE FUNCTION bt.myrange_canon(bt.myrange) RETURNS bt.myrange
  AS 'int4range_canonical' LANGUAGE internal IMMUTABLE STRICT;
CREATE TYPE bt.myrange AS RANGE (subtype = integer, canonical = bt.myrange_canon);

CREATE TABLE bt.uses_base (
  id integer PRIMARY KEY,
  a bt.int42,
  b bt."Text W Default"(8) COLLATE "C",
  c bt.int42[],
  d bt.int4pair,
  r bt.myrange
);
INSERT INTO bt.uses_base VALUES
  (1, '7', 'hello', '{1,2,3}', '4294967298', '[1,5]'),
  (2, DEFAULT, DEFAULT, NULL, NULL, NULL);
INSERT INTO bt.uses_base (id) VALUES (3);
