CREATE TABLE slow_two (id int);
