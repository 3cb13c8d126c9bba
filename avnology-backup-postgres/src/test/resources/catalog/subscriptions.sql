-- Subscriptions as pg_dump writes them (connect = false). CREATE SUBSCRIPTION with connect = false
-- cannot run in a transaction block together with other statements: one per chunk.
CREATE PUBLICATION sub_pub FOR ALL TABLES;
-- @@
CREATE SUBSCRIPTION sub1 CONNECTION 'host=localhost port=1 dbname=none' PUBLICATION p_t, "P all"
  WITH (connect = false, slot_name = 'sl1', enabled = false, binary = true, streaming = true,
  two_phase = true, disable_on_error = true, synchronous_commit = 'local');
-- @@
CREATE SUBSCRIPTION "Sub 2" CONNECTION 'dbname=x' PUBLICATION p WITH (connect = false, slot_name = NONE, enabled = false);
-- @@
COMMENT ON SUBSCRIPTION sub1 IS 'a subscription';
