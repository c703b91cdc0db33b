-- The turn deadline: when an idle turn is skipped (NULL while no turn timeout runs).

ALTER TABLE sessions ADD COLUMN turn_deadline TEXT;

CREATE INDEX sessions_by_turn_deadline ON sessions (turn_deadline)
WHERE turn_deadline IS NOT NULL;

DROP TRIGGER commits_insert;
DROP VIEW commits;

CREATE VIEW commits AS
SELECT
    NULL AS session_id, NULL AS version, NULL AS actor_id, NULL AS kind, NULL AS command,
    NULL AS events, NULL AS state, NULL AS status, NULL AS gm_id, NULL AS turn, NULL AS ending,
    NULL AS seats, NULL AS at, NULL AS turn_deadline;

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
        ended_at = CASE WHEN NEW.status = 'ended' THEN coalesce(ended_at, NEW.at) END,
        turn_deadline = NEW.turn_deadline
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
