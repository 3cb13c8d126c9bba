INSERT INTO accounts (email, created_by) VALUES ('admin@example.com', 'seed');
