-- A commit is now a plain transaction (db.store.SqliteStore): the view and its trigger go.

DROP TRIGGER commits_insert;
DROP VIEW commits;
