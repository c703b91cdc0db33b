"""PostgreSQL's numbered SQL migrations (NNN_name.sql), applied in order by db.postgres."""
