-- Server settings, sessions, their seats, the event log and one state snapshot per session.

CREATE TABLE settings (
    guild_id INTEGER PRIMARY KEY,
    recap_channel_id INTEGER,
    gm_role_id INTEGER,
    turn_timeout_minutes INTEGER NOT NULL DEFAULT 0 CHECK (turn_timeout_minutes >= 0)
);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    scene TEXT NOT NULL,
    gm_id INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('lobby', 'active', 'paused', 'ended')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    ended_at TEXT,
    ending TEXT,
    turn TEXT,
    version INTEGER NOT NULL CHECK (version >= 0)
);

-- A channel has at most one session that has not ended.
CREATE UNIQUE INDEX sessions_open_in_channel ON sessions (channel_id) WHERE status <> 'ended';
CREATE INDEX sessions_of_guild ON sessions (guild_id, id);

CREATE TABLE seats (
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    seat_key TEXT NOT NULL,
    role TEXT NOT NULL,
    member_id INTEGER,
    character TEXT NOT NULL,
    muted INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),
    PRIMARY KEY (session_id, seat_key)
) WITHOUT ROWID;

-- One seat per member per session.
CREATE UNIQUE INDEX seats_one_per_member ON seats (session_id, member_id)
WHERE member_id IS NOT NULL;

-- The event log: a second write at the same (session_id, version) is rejected.
CREATE TABLE log (
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    version INTEGER NOT NULL CHECK (version >= 1),
    actor_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    command TEXT NOT NULL,
    events TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (session_id, version)
);

-- The state after the session's last command, so loading never replays the log.
CREATE TABLE snapshots (
    session_id INTEGER PRIMARY KEY REFERENCES sessions (id),
    version INTEGER NOT NULL,
    state TEXT NOT NULL
);

-- A commit is one INSERT into this view: one statement, so one transaction and one round trip.
-- `seats` is NULL when the seats did not change.
CREATE VIEW commits AS
SELECT
    NULL AS session_id, NULL AS version, NULL AS actor_id, NULL AS kind, NULL AS command,
    NULL AS events, NULL AS state, NULL AS status, NULL AS gm_id, NULL AS turn, NULL AS ending,
    NULL AS seats, NULL AS at;

CREATE TRIGGER commits_insert INSTEAD OF INSERT ON commits
BEGIN
    SELECT RAISE(ABORT, 'no such session')
    WHERE NOT EXISTS (SELECT 1 FROM sessions WHERE id = NEW.session_id);
    SELECT RAISE(ABORT, 'version conflict')
    WHERE (SELECT version FROM sessions WHERE id = NEW.session_id) <> NEW.version - 1;
    INSERT INTO log (session_id, version, actor_id, kind, command, events, at)
    VALUES (NEW.session_id, NEW.version, NEW.actor_id, NEW.kind, NEW.command, NEW.events, NEW.at);
    UPDATE sessions SET
        version = NEW.version,
        status = NEW.status,
        gm_id = NEW.gm_id,
        turn = NEW.turn,
        ending = NEW.ending,
        updated_at = NEW.at,
        ended_at = CASE WHEN NEW.status = 'ended' THEN coalesce(ended_at, NEW.at) END
    WHERE id = NEW.session_id;
    INSERT INTO snapshots (session_id, version, state)
    VALUES (NEW.session_id, NEW.version, NEW.state)
    ON CONFLICT (session_id) DO UPDATE SET version = excluded.version, state = excluded.state;
    DELETE FROM seats WHERE NEW.seats IS NOT NULL AND session_id = NEW.session_id;
    INSERT INTO seats (session_id, seat_key, role, member_id, character, muted)
    SELECT
        NEW.session_id,
        json_extract(value, '$.seat_key'),
        json_extract(value, '$.role'),
        json_extract(value, '$.member_id'),
        json_extract(value, '$.character'),
        json_extract(value, '$.muted')
    FROM json_each(NEW.seats);
END;
