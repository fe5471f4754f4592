-- PostgreSQL only (its bodies' TOAST compression); SQLite stores text as
-- it is. Kept so both backends count the same migrations.
SELECT 1;
