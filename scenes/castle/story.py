"""The castle's recap story: the session in time order, one paragraph a beat, woven from the
table's own words where they wrote and told in the scene's voice where they did not.

The prose is data (``story.toml``), checked here when it loads: every list long enough, every
placeholder one its part may use. Variants are drawn from the session's seed, so a session is
always told the same way and two sessions in other words. The story holds no numbers: they are
in the facts below it."""

from __future__ import annotations

import random
import string
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from scenes.castle.recap import CastleDeedKind, CastleReader
from scenes.castle.words import DEFENDER, SAKURA, SASUKE
from scenes.engine.recap.reading import Reader
from scenes.engine.recap.weave import Chapter, Deed, DeedKind, Words, stretches
from scenes.engine.state import SessionState
from scenes.engine.text import clip, joined, one_line
from scenes.schema import Scene

# The story fits three embeds of Discord's recap blocks (4,000 characters each): no paragraph
# over PARAGRAPH characters and no more than STORY in all, so that greedy packing never needs
# a fourth block (two blocks hold at least 2 x 2,700).
STORY = 8000
PARAGRAPH = 1300
# How much of the table's words the story holds, level by level as it tightens to fit, and how
# many blows of a stretch it tells one by one before summing up the rest.
WORD_CLIPS = (400, 240, 150, 100, 70)
BLOWS = (3, 2, 1, 0, 0)
# How often a sentence is led in ("Then …") and closed with the storm (", and the rain …").
LEAD_SHARE, CODA_SHARE = 0.45, 0.35

Variants = Annotated[tuple[str, ...], Field(min_length=1)]
Many = Annotated[tuple[str, ...], Field(min_length=5)]
Three = Annotated[tuple[str, ...], Field(min_length=3)]
Ten = Annotated[tuple[str, ...], Field(min_length=10)]

_PERSON = {"who", "whom", "their", "them", "themself"}
ALLOWED: dict[str, set[str]] = {
    "openings": {"weather"},
    "premises": {"sakura", "sasuke"},
    "joiners": set(),
    "weather": set(),
    "wall_held": {"defenders"},
    "wall_empty": set(),
    "lobby": set(),
    "waiting": set(),
    "leads": set(),
    "codas": set(),
    "beats": {"coda", "sakura", "sasuke"},
    "words": {"name", "text"},
    "techniques": _PERSON,
    "outcomes": {"whom", "their"},
    "exchanges": {"who", "whom", "coda"},
    "deeds": _PERSON | {"place", "coda", "what"},
    "closings": {"sakura", "sasuke", "weather"},
    "paths": _PERSON | {"sakura", "sasuke"},
}


class StoryProse(BaseModel):
    """The prose of ``story.toml``, validated: sizes here, placeholders in ``_placeholders``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    openings: Many
    premises: Many
    joiners: Many
    weather: Many
    wall_held: Many
    wall_empty: Many
    lobby: Many
    waiting: Many
    leads: Ten
    codas: Ten
    beats: dict[str, Many]
    words: dict[str, Variants]
    techniques: dict[str, Three]
    outcomes: dict[str, Three]
    exchanges: dict[str, Many]
    deeds: dict[str, Three]
    closings: dict[str, Many]
    paths: dict[str, Three]
    things: dict[str, str] = {}

    @model_validator(mode="after")
    def _placeholders(self) -> Self:
        for part, allowed in ALLOWED.items():
            for text in _texts(getattr(self, part)):
                used = {name for _, name, _, _ in string.Formatter().parse(text) if name}
                if used - allowed:
                    raise ValueError(f"{part}: “{text[:40]}…” uses {sorted(used - allowed)}")
        return self


def _texts(value: object) -> list[str]:
    if isinstance(value, dict):
        return [text for variants in value.values() for text in variants]
    return list(value) if isinstance(value, tuple) else []


@cache
def prose() -> StoryProse:
    data = tomllib.loads((Path(__file__).with_name("story.toml")).read_text(encoding="utf-8"))
    return StoryProse.model_validate(data)


def check_against(scene: Scene) -> list[str]:
    """What the story's prose lacks for ``scene``: a technique, beat or ending with no words."""
    p = prose()
    missing = [f"technique {t.key}" for t in scene.techniques if t.key not in p.techniques]
    missing += [f"beat {b.key}" for b in scene.beats if b.key not in p.beats]
    missing += [f"ending {e.key}" for e in scene.endings if e.key not in p.closings]
    return missing


# --- telling ------------------------------------------------------------------------------


@dataclass
class Teller:
    """Tells one session: names, pronouns and places from its state, variants from its seed."""

    state: SessionState
    scene: Scene
    rng: random.Random
    clip_words: int = WORD_CLIPS[0]
    blows: int = BLOWS[0]
    keep_words: int | None = None
    sentences: int | None = None  # the most a chapter tells, when the story must tighten

    @property
    def p(self) -> StoryProse:
        return prose()

    def __post_init__(self) -> None:
        self._decks: dict[int, list[str]] = {}

    def pick(self, variants: Sequence[str]) -> str:
        return variants[self.rng.randrange(len(variants))]

    def deal(self, variants: Sequence[str]) -> str:
        """One of ``variants`` dealt like a card: none again until all have been dealt."""
        deck = self._decks.get(id(variants))
        if not deck:
            deck = list(variants)
            self.rng.shuffle(deck)
            self._decks[id(variants)] = deck
        return deck.pop()

    def name(self, key: str) -> str:
        character = self.state.find(key)
        if character is not None:
            return character.name
        return self.p.things.get(key, f"the {key.replace('_', ' ')}")

    def names(self, keys: Sequence[str]) -> str:
        return joined([self.name(key) for key in dict.fromkeys(keys)])

    def person(self, who: str | None, whom: Sequence[str] = ()) -> dict[str, str]:
        fields = {"who": self.name(who) if who else "", "whom": self.names(whom) or "the dark"}
        character = self.state.find(who) if who else None
        if character is not None:
            pronouns = self.scene.role(character.role).pronouns
            fields |= {
                "their": pronouns.their,
                "them": pronouns.them,
                "themself": pronouns.themself,
            }
        else:
            fields |= {"their": "its", "them": "it", "themself": "itself"}
        return fields

    def place(self, key: str) -> str:
        try:
            return f"the {self.scene.place(key).name.lower()}"
        except KeyError:
            return f"the {key.replace('_', ' ')}"

    def sentence(
        self, clauses: Sequence[str], lead: bool = True, joiners: Sequence[str] = ()
    ) -> str:
        """Clauses (written as they stand mid-sentence) joined into one sentence, perhaps led in."""
        text = clauses[0]
        for clause in clauses[1:]:
            text += self.deal(joiners or self.p.joiners) + clause
        if lead and self.rng.random() < LEAD_SHARE:
            text = self.deal(self.p.leads) + text
        return capital(text)

    def coda(self) -> str:
        return self.deal(self.p.codas) if self.rng.random() < CODA_SHARE else ""


def capital(text: str) -> str:
    """``text`` as a sentence: its first letter capital, a full stop at its end."""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "”", "*")) else text + "."


@dataclass(frozen=True)
class Quote:
    """A sentence of the table's own words: told as it stands, never joined to another."""

    text: str


Part = str | Quote  # a clause of the scene's prose, or the table's words


def tell_words(teller: Teller, words: Words) -> Quote:
    text = clip(one_line(words.text), teller.clip_words)
    variants = teller.p.words.get(words.style) or teller.p.words["act"]
    return Quote(teller.pick(variants).format(name=words.name, text=text))


def pack(teller: Teller, parts: Sequence[Part]) -> list[str]:
    """The parts as sentences: the table's words as they stand, the scene's clauses two to a
    sentence (three when one would be left alone)."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        while run:
            take = 3 if len(run) == 3 else min(2, len(run))
            out.append(teller.sentence(run[:take], lead=bool(out)))
            del run[:take]

    for part in parts:
        if isinstance(part, Quote):
            flush()
            out.append(part.text)
        else:
            run.append(part)
    flush()
    return out


def _technique(teller: Teller, deed: Deed) -> str:
    fields = teller.person(deed.who, deed.whom or tuple(deed.landed))
    if deed.whom == (deed.who,):
        fields["whom"] = fields["themself"]
    clause = teller.pick(teller.p.techniques[deed.what]).format(**fields)
    how = deed.how or ("hit" if deed.landed and deed.whom else "")
    outcome = teller.p.outcomes.get(how)
    said = teller.pick(outcome).format(**fields) if outcome and deed.whom else ""
    return clause + said + teller.coda()


def _deed(teller: Teller, deed: Deed) -> str | None:
    variants = teller.p.deeds.get(f"{deed.kind}:{deed.how or deed.what}") or teller.p.deeds.get(
        f"{deed.kind}:{deed.what}"
    )
    variants = variants or teller.p.deeds.get(deed.kind)
    if not variants:
        return None
    fields = teller.person(deed.who, deed.whom)
    placed = deed.kind in (DeedKind.MOVED, CastleDeedKind.SOLDIERS_CAME)
    place = teller.place(deed.what) if placed else ""
    return teller.pick(variants).format(
        **fields, place=place, what=deed.what.replace("_", " "), coda=teller.coda()
    )


# deeds that a story always tells (if the rules did them, the story says so)
NOTABLE = frozenset(
    {
        DeedKind.DOWN,
        DeedKind.GRIP,
        DeedKind.FREED,
        DeedKind.CHOICE,
        DeedKind.FATE,
        CastleDeedKind.DOOR,
        CastleDeedKind.SIGHT,
        CastleDeedKind.AMBUSH,
        CastleDeedKind.MERCY,
        CastleDeedKind.SCROLLS,
        CastleDeedKind.SCROLLS_FAIL,
        CastleDeedKind.FELL,
        CastleDeedKind.ANSWERED,
        CastleDeedKind.SOLDIERS_CAME,
        CastleDeedKind.SOLDIERS_STRUCK,
    }
)


def tell_stretch(teller: Teller, deeds: list[Deed], seen: set[tuple[str, str]]) -> list[Part]:
    """A run of deeds nobody wrote words for between: the notable ones each in a sentence, the
    first few blows one by one and the rest summed up, the siege in a sentence at most."""
    out: list[Part] = []
    blows = [d for d in deeds if d.kind == DeedKind.TECHNIQUE and not d.posed]
    told_blows = _chosen_blows(teller, blows, teller.blows)
    rest = [d for d in blows if d not in told_blows]
    summed = False
    for index, deed in enumerate(deeds):
        if deed in told_blows:
            out.append(_technique(teller, deed))
        elif deed in rest and not summed and len(rest) > 1:
            line = _exchange(teller, rest)
            out.extend([line] if line else [])
            summed = True
        elif deed.kind in NOTABLE and not _said_by_the_blow(deeds, index):
            line = _deed(teller, deed)
            out.extend([line] if line else [])
        elif (
            deed.kind == DeedKind.MOVED
            and not deed.posed
            and (deed.who or "", deed.what) not in seen
        ):
            seen.add((deed.who or "", deed.what))
            line = _deed(teller, deed)
            out.extend([line] if line else [])
    out.extend(_front(teller, deeds))
    return out


def _said_by_the_blow(deeds: list[Deed], index: int) -> bool:
    """A departure the technique before it already told (the leaves are the leaving)."""
    deed = deeds[index]
    before = deeds[index - 1] if index else None
    return (
        deed.kind == DeedKind.FATE
        and before is not None
        and before.kind == DeedKind.TECHNIQUE
        and before.who == deed.who
        and not before.whom
    )


def _chosen_blows(teller: Teller, blows: list[Deed], cap: int) -> list[Deed]:
    """The blows told one by one, in order: the telling ones first (criticals, fumbles, hits,
    blows between characters), at most one of those at the front (the rest are summed up)."""
    rank = {"critical": 0, "fumble": 1, "hit": 2, "healed": 2}
    front = [d for d in blows if not any(teller.state.find(t) for t in d.whom)]
    duel = [d for d in blows if d not in front]
    ranked = sorted(enumerate(duel), key=lambda item: (rank.get(item[1].how, 3), item[0]))
    chosen = [deed for _, deed in ranked[:cap]]
    if front and len(chosen) < max(cap, 1):
        chosen.append(front[0])
    return [deed for deed in blows if deed in chosen]


def _exchange(teller: Teller, blows: list[Deed]) -> str | None:
    """The blows between characters in a stretch, summed up (blows at things are left out)."""
    found = teller.state.find
    duel = [d for d in blows if d.who and any(found(t) and t != d.who for t in d.whom)]
    people = list(dict.fromkeys(k for d in duel for k in (d.who or "", *d.whom) if found(k)))
    if len(people) < 2:
        return None
    if len(people) == 2:
        return teller.pick(teller.p.exchanges["pair"]).format(
            who=teller.name(people[0]), whom=teller.name(people[1]), coda=teller.coda()
        )
    return teller.pick(teller.p.exchanges["many"]).format(
        who=teller.names(people), whom="", coda=teller.coda()
    )


def _front(teller: Teller, deeds: list[Deed]) -> list[Part]:
    """The siege in this stretch: who eased it, and that the army pressed (before it fell)."""
    out: list[Part] = []
    fell = any(d.kind == CastleDeedKind.FELL for d in deeds)
    easers = [d.who for d in deeds if d.kind == CastleDeedKind.RELIEVED and d.who]
    if easers and not fell:
        body = teller.pick(teller.p.deeds[CastleDeedKind.RELIEVED]).format(
            who=teller.names(easers), coda=teller.coda()
        )
        out.append(body)
    if (
        any(d.kind == CastleDeedKind.PRESSED for d in deeds)
        and not fell
        and teller.rng.random() < 0.5
    ):
        body = teller.pick(teller.p.deeds[CastleDeedKind.PRESSED]).format(coda=teller.coda())
        out.append(body)
    return out


def tell_chapter(teller: Teller, chapter: Chapter) -> list[str]:
    """The chapter as sentences: its beat's lead, then its stretches and the table's words."""
    out: list[Part] = []
    if chapter.key in teller.p.beats:
        out.append(_beat_lead(teller, chapter))
    seen: set[tuple[str, str]] = set()
    words = _kept_words(chapter, teller.keep_words)
    items = [item for item in chapter.items if not isinstance(item, Words) or item in words]
    for part in stretches(items):
        if isinstance(part, Words):
            out.append(tell_words(teller, part))
        else:
            out.extend(tell_stretch(teller, part, seen))
    sentences = pack(teller, out)
    if teller.sentences is not None and len(sentences) > teller.sentences:
        sentences = [*sentences[: teller.sentences - 1], sentences[-1]]
    return sentences


def _beat_lead(teller: Teller, chapter: Chapter) -> str:
    lead = teller.pick(teller.p.beats[chapter.key])
    return lead.format(coda=teller.coda(), sakura=teller.name(SAKURA), sasuke=teller.name(SASUKE))


def _kept_words(chapter: Chapter, keep: int | None) -> list[Words]:
    """The table's words this chapter tells: all, or (when the story must tighten) ``keep``
    of them, spread evenly from first to last."""
    words = chapter.words
    if keep is None or len(words) <= keep:
        return words
    if keep <= 1:
        return words[-1:]
    step = (len(words) - 1) / (keep - 1)
    return [words[round(i * step)] for i in range(keep)]


# --- the whole story ----------------------------------------------------------------------


def opening(teller: Teller, reader: CastleReader) -> str:
    """The night and who was where, in one sentence; then who held the north wing."""
    p, state = teller.p, teller.state
    leads = {"sakura": teller.name(SAKURA), "sasuke": teller.name(SASUKE)}
    night = teller.pick(p.openings).format(weather=teller.pick(p.weather))
    text = capital(f"{night}; {teller.pick(p.premises).format(**leads)}")
    defenders = [
        c.name for c in state.characters if c.role == DEFENDER and c.key in reader.night.players
    ]
    if defenders:
        wall = teller.pick(p.wall_held).format(defenders=joined(defenders))
        text += " " + capital(wall + teller.coda())
    elif state.round:
        text += " " + capital(teller.pick(p.wall_empty) + teller.coda())
    if not state.round:
        text += " " + teller.pick(p.lobby if not state.open else p.waiting)
    return text


def closing(teller: Teller, reader: CastleReader, lead: str | None = None) -> str:
    """The ending in the scene's words (after ``lead``, the last beat's own clause, when that
    beat held nothing else), then how it came to be, two clauses to a sentence."""
    state, p = teller.state, teller.p
    if state.ending is None:
        return _unfinished(teller)
    fields = {
        "sakura": teller.name(SAKURA),
        "sasuke": teller.name(SASUKE),
        "weather": teller.pick(p.weather),
    }
    close = teller.pick(p.closings[state.ending.key]).format(**fields)
    path = _path(teller, reader)
    if lead:
        first = capital(f"{lead}; {close}")
    else:
        first, path = capital(close + (f"; {path[0]}" if path else "")), path[1:]
    rest = [
        teller.sentence(path[i : i + 2], lead=False, joiners=PATH_JOINERS)
        for i in range(0, len(path), 2)
    ]
    if rest and len(path) % 2:
        rest[-1] = capital(rest[-1].rstrip(".") + teller.coda())
    return " ".join([first, *rest])


def _path(teller: Teller, reader: CastleReader) -> list[str]:
    """How the ending came to be, each sentence only when the session bears it out."""
    state, p = teller.state, teller.p
    ending = state.ending
    assert ending is not None
    out: list[str] = []
    mercy = next(
        (d for d in reversed(_all_deeds(reader)) if d.kind == CastleDeedKind.MERCY and d.how), None
    )
    if mercy is not None and mercy.how in p.paths:
        out.append(teller.pick(p.paths[mercy.how]).format(**teller.person(mercy.who, mercy.whom)))
    facets = dict(ending.facets)
    left = DEPARTED.get(facets.get("departure", "none"))
    if left is not None:
        out.append(teller.pick(p.paths[left]).format(**teller.person(SASUKE)))
    if facets.get("sakura") == "down":
        out.append(teller.pick(p.paths["sakura_down"]).format(sakura=teller.name(SAKURA)))
    if facets.get("north_wing") == "fallen" and ending.key != "the_north_wing_falls":
        out.append(teller.pick(p.paths["wall_fell"]))
    elif facets.get("north_wing") == "held" and reader.night.presses:
        out.append(teller.pick(p.paths["wall_held"]))
    return out


# How the intruder left (the ending's ``departure`` facet), told when he left that way.
DEPARTED = {"fled wounded": "fled_wounded", "withdrew": "withdrew"}


def _all_deeds(reader: Reader) -> list[Deed]:
    return [deed for chapter in reader.chapters for deed in chapter.deeds]


PATH_JOINERS = ("; ", ", and ")
UNFINISHED = (
    "The night is not finished with them: {beat}, and the rain still coming.",
    "The story stops here for now, in {beat}, with the storm still overhead.",
    "So far, so much; {beat} is where it stands, and the rain has not let up.",
)
CLOSED = (
    "The session closed in {beat}, with nothing settled.",
    "The table rose in {beat}, and the castle kept its quarrel unsettled.",
    "It was left there, in {beat}, and nothing was decided.",
)


def _unfinished(teller: Teller) -> str:
    state = teller.state
    if not state.round:
        return ""
    name = teller.scene.beats[state.beat - 1].name.lower() if state.beat else "the storm"
    return teller.pick(UNFINISHED if state.open else CLOSED).format(beat=name)


def _paragraphs(sentences: list[str]) -> list[str]:
    """Sentences gathered into paragraphs of at most PARAGRAPH characters."""
    out: list[str] = []
    for sentence in sentences:
        sentence = clip(sentence, PARAGRAPH)
        if out and len(out[-1]) + 1 + len(sentence) <= PARAGRAPH:
            out[-1] += " " + sentence
        else:
            out.append(sentence)
    return out


def _teller(state: SessionState, reader: CastleReader, level: int) -> Teller:
    """The teller at ``level`` of tightening: 0 tells all; each level holds less of the table's
    words and fewer blows, then fewer of the words, then fewer sentences a chapter."""
    last = len(WORD_CLIPS) - 1
    return Teller(
        state,
        reader.rules.data,
        random.Random(f"recap:{state.seed}"),
        clip_words=WORD_CLIPS[min(level, last)],
        blows=BLOWS[min(level, last)],
        keep_words=None if level <= last else max(1, 8 - 2 * (level - last)),
        sentences=None if level <= last + 1 else max(2, 12 - 3 * (level - last)),
    )


def _told(state: SessionState, reader: CastleReader, level: int) -> list[str]:
    teller = _teller(state, reader, level)
    chapters = list(reader.chapters)
    final = chapters[-1]
    lead = None
    if state.ending is not None and len(chapters) > 1 and not final.items:
        chapters.pop()
        lead = _beat_lead(teller, final) if final.key in teller.p.beats else None
    first = [opening(teller, reader), *tell_chapter(teller, chapters[0])]
    paragraphs = _paragraphs(first)
    for chapter in chapters[1:]:
        paragraphs += _paragraphs(tell_chapter(teller, chapter))
    end = closing(teller, reader, lead)
    return [*paragraphs, *([end] if end else [])]


def story(state: SessionState, reader: Reader) -> tuple[str, ...]:
    """The session told as a short story, tightened level by level until it fits STORY."""
    assert isinstance(reader, CastleReader)
    level = 0
    told = _told(state, reader, level)
    while sum(len(p) + 2 for p in told) > STORY and level < TIGHTEST:
        level += 1
        told = _told(state, reader, level)
    while sum(len(p) + 2 for p in told) > STORY and len(told) > 2:
        del told[len(told) // 2]  # the middle of a very long night goes to the transcript
    return tuple(told)


TIGHTEST = len(WORD_CLIPS) + 4
