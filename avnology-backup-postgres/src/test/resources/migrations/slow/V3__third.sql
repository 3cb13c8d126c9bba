CREATE INDEX CONCURRENTLY slow_two_idx ON slow_two (id);
