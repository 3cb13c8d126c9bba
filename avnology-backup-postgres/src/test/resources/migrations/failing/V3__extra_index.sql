CREATE INDEX CONCURRENTLY extra_x_idx ON extra (x);
