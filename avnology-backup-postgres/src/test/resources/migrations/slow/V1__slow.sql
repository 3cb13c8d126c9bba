CREATE TABLE slow_one (id int);
SELECT pg_sleep(1.5);
