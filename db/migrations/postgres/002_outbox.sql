-- The outbox (SQLite's migration 004): a line a command stored for the bot to post, written in
-- the same transaction as its log entry; deleted once the command's answer posted it, else
-- posted when the bot starts (posted_at then records when).

CREATE TABLE outbox (
    session_id BIGINT NOT NULL,
    version INTEGER NOT NULL,
    text TEXT NOT NULL,
    posted_at TIMESTAMPTZ,
    PRIMARY KEY (session_id, version),
    FOREIGN KEY (session_id, version) REFERENCES log (session_id, version)
);
