-- The outbox: a line a command stored for the bot to post (a /say, /act, NPC line, narration or
-- an action's pose), written in the same transaction as its log entry. A row the command's own
-- answer posted is deleted; one still unposted is posted when the bot starts (posted_at then
-- records when), so a crash between the commit and the post loses no line and doubles none.

CREATE TABLE outbox (
    session_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    text TEXT NOT NULL,
    posted_at TEXT,
    PRIMARY KEY (session_id, version),
    FOREIGN KEY (session_id, version) REFERENCES log (session_id, version)
);
