"""Polling a results feed into the store, against the replay server on 127.0.0.1.

The store starts as it stood at 23:50 on the round-2 night. After every fault the current
figures are still the 23:50 ones — byte for byte in results.parquet when nothing may be
written, and as the current document when a wrong document is kept flagged.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from dashboard.errors import FeedError
from dashboard.feed.http import load_validators, make_session
from dashboard.feed.replay import night_documents, start_replay_server
from dashboard.feed.watch import (
    FeedStatus,
    parse_interval,
    poll_once,
    read_status,
    watch,
    writer_lock,
)
from dashboard.fr import PARIS
from dashboard.model import CANDIDATES, RESULTS
from dashboard.results.views import results_document
from dashboard.store import Store
from dashboard.testing import DATA, free_port

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "feed"
FAST = (0.5, 0.5)


@pytest.fixture
def store(tmp_path) -> Store:
    """The shipped store without what was published after 23:50 on the round-2 night."""
    shipped = Store(DATA / "store")
    table = shipped.read("results", RESULTS)
    cutoff = pa.scalar(datetime(2017, 1, 29, 23, 50, tzinfo=PARIS), type=table["as_of"].type)
    night = Store(tmp_path / "store")
    night.replace("results", table.filter(pc.less_equal(table["as_of"], cutoff)), RESULTS)
    night.replace("candidates", shipped.read("candidates", CANDIDATES), CANDIDATES)
    return night


@pytest.fixture
def session():
    s = make_session(retries=1, backoff=0)
    s.trust_env = False
    yield s
    s.close()


@pytest.fixture
def feed():
    """A replay server that serves only what the test publishes."""
    servers = []

    def start(**kw):
        kw.setdefault("documents", [])
        server = start_replay_server(2, speed=0, data_dir=DATA, **kw)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture
def poll(store, session, tmp_path):
    def run(url: str, **kw):
        return poll_once(
            url,
            store=store,
            data_dir=DATA,
            raw_dir=tmp_path / "raw",
            session=session,
            timeout=FAST,
            election_id="primaire-2017",
            **kw,
        )

    return run


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def current(store: Store, round_: int = 2) -> dict:
    return results_document(store, DATA, round_=round_)


def stored_snapshot(store: Store, sid: str) -> dict:
    rows = store.read_df("results", RESULTS)
    rows = rows[rows["snapshot_id"] == sid]
    assert not rows.empty, f"{sid} not stored"
    return {"round": int(rows["round"].iloc[0]), "flags": list(rows["flags"].iloc[0])}


def next_document(**changes) -> dict:
    """A consistent document five minutes after 23:50."""
    doc = json.loads((FIXTURES / "counts_go_down.json").read_text(encoding="utf-8"))
    doc.update(
        snapshot_id="t2-2355",
        bureaux_counted=7080,
        votants=2_004_000,
        note=None,
        candidates=[{"id": "hamon", "share": 58.86}, {"id": "valls", "share": 41.14}],
    )
    doc.update(changes)
    return doc


def test_store_starts_at_2350(store):
    assert current(store)["snapshot_id"] == "t2-2350"


def test_a_new_document_is_stored_and_becomes_current(feed, poll, store):
    server = feed()
    server.publish(next_document())
    result = poll(server.url)
    assert (result.outcome, result.http_status, result.snapshot_id) == ("nouveau", 200, "t2-2355")
    assert result.line().endswith(" 200 nouveau relevé t2-2355")
    doc = current(store)
    assert doc["snapshot_id"] == "t2-2355" and doc["bureaux_counted"] == 7080
    status = read_status(store.root)
    assert status.url == server.url and status.last_snapshot_id == "t2-2355"
    assert status.last_error is None and status.last_ok_at == result.polled_at


def test_unchanged_feed_costs_a_304_and_writes_nothing(feed, poll, store):
    server = feed()
    server.publish(next_document())
    poll(server.url)
    before = store.path("results").read_bytes()
    result = poll(server.url)
    assert (result.http_status, result.outcome) == (304, "inchangé")
    assert result.line().endswith(" 304 inchangé")
    assert store.path("results").read_bytes() == before
    assert read_status(store.root).last_snapshot_id == "t2-2355"


def test_validators_survive_a_new_session_like_a_new_process(feed, store, tmp_path):
    server = feed()
    server.publish(next_document())
    outcomes = []
    for _ in range(2):
        fresh = make_session(retries=0, backoff=0)  # nothing shared but the store folder
        fresh.trust_env = False
        result = poll_once(
            server.url,
            store=store,
            data_dir=DATA,
            raw_dir=tmp_path / "raw",
            session=fresh,
            timeout=FAST,
            election_id="primaire-2017",
        )
        outcomes.append(result.http_status)
        fresh.close()
    assert outcomes == [200, 304]
    assert load_validators(store.root, server.url).etag


def test_a_200_of_a_known_document_is_unchanged(feed, poll, store):
    server = feed()
    server.publish(next_document())
    poll(server.url)
    before = store.path("results").read_bytes()
    (store.root / "feed_validators.json").unlink()  # as if the server ignored our ETag
    result = poll(server.url)
    assert (result.http_status, result.outcome) == (200, "inchangé")
    assert store.path("results").read_bytes() == before


# --- faults: nothing written, the last valid figures stay, the status says why ---------------


def _unreachable(feed):
    return f"http://127.0.0.1:{free_port()}/results.json"


def _failing(feed):
    return feed(documents=night_documents(Store(DATA / "store"), DATA, 2), fail_rate=1.0).url


def _timing_out(feed):
    server = feed(slow=1.0)
    server.publish(next_document())
    return server.url


def _publishing(payload: bytes):
    def make(feed):
        server = feed()
        server.publish(payload)
        return server.url

    return make


def _corrupting(feed):
    night = night_documents(Store(DATA / "store"), DATA, 2)
    return feed(documents=night, start=datetime(2017, 1, 29, 21, tzinfo=PARIS), corrupt=1.0).url


FAULTS = {
    "server down": (_unreachable, "connection refused"),
    "500s": (_failing, "answered HTTP 500 after 2 attempts"),
    "timeout": (_timing_out, "no answer within 0.5 s after 2 attempts"),
    "malformed JSON": (_publishing(fixture_bytes("malformed_truncated.json")), "malformed JSON"),
    "wrong schema": (_publishing(fixture_bytes("wrong_schema.json")), "unsupported 'schema' 3"),
    "corrupt replay": (_corrupting, "malformed JSON"),
    "other election": (
        _publishing(json.dumps(next_document(election="primaire-2022")).encode()),
        "document de l'élection 'primaire-2022' ; ce tableau de bord montre 'primaire-2017'",
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_after_a_fault_the_store_is_byte_for_byte_the_same(fault, feed, poll, store):
    make_url, message = FAULTS[fault]
    ok_server = feed()
    ok_server.publish(next_document())
    good = poll(ok_server.url)
    results_before = store.path("results").read_bytes()
    candidates_before = store.path("candidates").read_bytes()
    url = make_url(feed)
    result = poll(url)
    assert result.outcome == "erreur" and message in result.error
    assert result.line().split(" ", 1)[1].startswith("erreur: ")
    assert store.path("results").read_bytes() == results_before
    assert store.path("candidates").read_bytes() == candidates_before
    assert current(store)["snapshot_id"] == "t2-2355"
    status = read_status(store.root)
    assert message in status.last_error and status.consecutive_errors == 1
    assert status.last_ok_at is None or status.last_ok_at <= good.polled_at


def test_malformed_payload_is_archived_before_parsing_and_not_read_again(feed, poll, tmp_path):
    payload = fixture_bytes("malformed_truncated.json")
    server = feed()
    server.publish(payload)
    first = poll(server.url)
    assert first.outcome == "erreur" and first.raw_path.read_bytes() == payload
    assert first.raw_path.parent == tmp_path / "raw"
    # The refused payload is remembered (issue 8): the next poll sends its ETag, the 304
    # says it is still served, and that is an error again, never "inchangé".
    second = poll(server.url)
    assert (second.http_status, second.outcome) == (304, "erreur")
    assert "déjà refusé" in second.error and first.raw_path.name in second.error
    assert len(list((tmp_path / "raw").iterdir())) == 1


def test_errors_count_up_and_clear_on_the_next_good_poll(feed, poll, store):
    server = feed()
    server.publish(b"{")
    poll(server.url)
    poll(server.url)
    assert read_status(store.root).consecutive_errors == 2
    server.publish(next_document())
    poll(server.url)
    status = read_status(store.root)
    assert status.consecutive_errors == 0 and status.last_error is None


# --- wrong documents: stored flagged, never current ----------------------------------------


@pytest.mark.parametrize(
    "name, sid, expected",
    [
        (
            "counts_go_down.json",
            "t2-2355-baisse",
            [
                "bureaux dépouillés en baisse : 6\u00a0950 contre 7\u00a0023",
                "votants en baisse : 1\u00a0990\u00a0000 contre 2\u00a0000\u00a0255",
            ],
        ),
        (
            "shares_contradict_votes.json",
            "t2-2358-parts",
            [
                "hamon : part publiée 60,50\u00a0% ≠ 58,73\u00a0%",
                "valls : part publiée 39,50\u00a0% ≠ 41,27\u00a0%",
            ],
        ),
        (
            "totals_contradict.json",
            "t2-2359-totaux",
            [
                "exprimés + blancs + nuls (2\u00a0010\u00a0000) ≠ votants (2\u00a0005\u00a0000)",
                "somme des voix des candidats (1\u00a0976\u00a0000)"
                " ≠ exprimés (1\u00a0975\u00a0000)",
            ],
        ),
        (
            "out_of_order.json",
            "t2-2230-retard",
            ["relevé du 29/01 22:30 arrivé après celui du 29/01 23:50 (ordre inversé)"],
        ),
    ],
)
def test_a_wrong_document_is_stored_flagged_and_never_current(
    name, sid, expected, feed, poll, store
):
    before = current(store)
    server = feed()
    server.publish(fixture_bytes(name))
    result = poll(server.url)
    assert result.outcome == "signalé" and result.snapshot_id == sid
    assert result.line().split(" ", 1)[1].startswith(f"200 relevé {sid} signalé : ")
    flags = stored_snapshot(store, sid)["flags"]
    for text in expected:
        assert any(f.startswith(text) for f in flags), (text, flags)
    assert current(store) == before  # the 23:50 figures stay on screen
    status = read_status(store.root)
    assert status.last_outcome == "signalé" and status.last_flags == flags
    assert status.last_error is None  # the feed answered: not an outage


def test_round_1_document_during_round_2_is_stored_under_round_1_flagged(feed, poll, store):
    round_1_before, round_2_before = current(store, 1), current(store, 2)
    server = feed()
    server.publish(fixture_bytes("round_1_during_round_2.json"))
    result = poll(server.url)
    assert result.outcome == "signalé" and result.round == 1
    stored = stored_snapshot(store, "t1-2917-retour")
    assert stored["round"] == 1
    assert stored["flags"] == [
        "relevé du tour 1 reçu alors que le tour 2 est en cours (relevé du 29/01 23:50)"
    ]
    assert current(store, 2) == round_2_before and current(store, 1) == round_1_before


def test_round_1_correction_after_round_2_figures_is_a_valid_round_1_update(feed, poll, store):
    doc = json.loads(fixture_bytes("round_1_during_round_2.json"))
    doc.update(snapshot_id="t1-correction", as_of="2017-01-30T10:00:00+01:00")
    server = feed()
    server.publish(doc)
    assert poll(server.url).outcome == "nouveau"
    assert current(store, 1)["snapshot_id"] == "t1-correction"
    assert current(store, 2)["snapshot_id"] == "t2-2350"


def test_the_next_good_document_after_a_flagged_one_is_current(feed, poll, store):
    server = feed()
    server.publish(fixture_bytes("counts_go_down.json"))
    poll(server.url)
    server.publish(next_document(as_of="2017-01-30T00:05:00+01:00", snapshot_id="t2-0005"))
    result = poll(server.url)
    # Judged against the last *valid* snapshot (23:50), not the flagged 23:55 one.
    assert result.outcome == "nouveau"
    assert current(store)["snapshot_id"] == "t2-0005"
    assert read_status(store.root).last_flags == []


def test_same_id_with_other_figures_is_refused(feed, poll, store):
    server = feed()
    server.publish(next_document())
    poll(server.url)
    before = store.path("results").read_bytes()
    server.publish(next_document(votants=2_004_100))
    result = poll(server.url)
    assert result.outcome == "erreur" and "already stored with other figures" in result.error
    assert store.path("results").read_bytes() == before


def test_ministry_csv_feed_end_to_end(feed, poll, store):
    server = feed()
    server.publish(fixture_bytes("ministry_latin1_decimal_comma.csv"), "text/csv")
    result = poll(server.url)
    assert result.outcome == "nouveau" and result.raw_path.suffix == ".csv"
    doc = current(store)
    assert doc["as_of"] == "2017-01-30T00:30:00+01:00" and doc["exprimes"] == 1_980_000
    assert {c["id"]: c["votes"] for c in doc["candidates"]} == {
        "hamon": 1_162_000,
        "valls": 818_000,
    }


def test_an_empty_store_gets_its_candidates_from_data(feed, session, tmp_path):
    live = Store(tmp_path / "live")
    server = feed(documents=night_documents(Store(DATA / "store"), DATA, 2))
    server.step()  # 12:00, the midday turnout
    result = poll_once(
        server.url,
        store=live,
        data_dir=DATA,
        raw_dir=tmp_path / "raw",
        session=session,
        timeout=FAST,
        election_id="primaire-2017",
    )
    assert result.outcome == "nouveau" and live.exists("candidates")
    assert current(live)["snapshot_id"] == "t2-1200"


# --- the status file and staleness -----------------------------------------------------------


def test_status_round_trips_and_tells_stale():
    ok_at = datetime(2017, 1, 29, 22, 50, 5, tzinfo=UTC)
    status = FeedStatus(
        "http://127.0.0.1:8765/results.json",
        last_ok_at=ok_at,
        last_poll_at=ok_at,
        last_snapshot_id="t2-2350",
    )
    again = FeedStatus.from_json(status.to_json())
    assert again == status
    assert again.updated_text() == "mis à jour à 23:50:05"  # Paris time
    assert not again.is_stale(ok_at + timedelta(seconds=120), stale_after=120)
    assert again.is_stale(ok_at + timedelta(seconds=121), stale_after=120)
    assert FeedStatus("x").is_stale(ok_at, stale_after=120)  # never answered: stale
    assert FeedStatus("x").updated_text() == "jamais mis à jour"


def test_missing_or_garbled_status_reads_as_none(tmp_path):
    assert read_status(tmp_path) is None
    (tmp_path / "feed_status.json").write_text("{ half")
    assert read_status(tmp_path) is None


# --- watch -----------------------------------------------------------------------------------


def test_watch_follows_the_night_and_survives_the_feed_going_down(feed, store, session, tmp_path):
    server = feed(documents=night_documents(Store(DATA / "store"), DATA, 2))
    server.step(), server.step(), server.step()  # 20:40
    lines, sleeps, now = [], [], [1000.0]

    def between_polls(seconds: float) -> None:
        now[0] += seconds  # a fake clock: the test does not wait 90 s
        sleeps.append(seconds)
        if len(sleeps) == 1:
            server.step()  # 21:45
        elif len(sleeps) == 2:
            server.shutdown()  # the organisers' site goes down

    polls = watch(
        server.url,
        every=30,
        max_polls=4,
        on_poll=lambda r: lines.append(r.line()),
        sleep=between_polls,
        clock=lambda: now[0],
        store=store,
        data_dir=DATA,
        raw_dir=tmp_path / "raw",
        session=session,
        timeout=FAST,
        election_id="primaire-2017",
    )
    assert polls == 4 and sleeps == [30, 30, 30]
    outcomes = [line.split(" ", 1)[1] for line in lines]
    assert outcomes[0] == "200 inchangé"  # t2-2040 is already in the store
    assert outcomes[1] == "200 inchangé"  # so is t2-2145
    assert outcomes[2].startswith("erreur: ") and "connection refused" in outcomes[2]
    assert outcomes[3].startswith("erreur: ")
    status = read_status(store.root)
    assert status.consecutive_errors == 2 and status.every_seconds == 30
    assert status.is_stale(status.last_ok_at + timedelta(seconds=121), stale_after=120)
    assert current(store)["snapshot_id"] == "t2-2350"  # the last figures are kept


def test_one_writer_per_store(store):
    with writer_lock(store.root):
        with pytest.raises(FeedError, match="another feed watcher .* is already writing"):
            watch("http://127.0.0.1:1/results.json", every=1, max_polls=1, store=store)


@pytest.mark.parametrize(
    "text, seconds",
    [("30s", 30), ("30", 30), ("2m", 120), ("1,5m", 90), ("0.5s", 0.5), ("1h", 3600)],
)
def test_intervals(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "-3s", "30x", "soon"])
def test_bad_intervals_are_one_line_errors(text):
    with pytest.raises(FeedError, match="--every"):
        parse_interval(text)


# --- the live blog -----------------------------------------------------------------------------


def _blog(*updates: tuple[str, str, str]) -> bytes:
    return json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "LiveBlogPosting",
            "headline": "Primaire de la gauche : la soirée du second tour",
            "liveBlogUpdate": [
                {
                    "@type": "BlogPosting",
                    "datePublished": when,
                    "headline": head,
                    "articleBody": body,
                }
                for when, head, body in updates
            ],
        },
        ensure_ascii=False,
    ).encode("utf-8")


UPDATES = [
    ("2017-01-29T20:41:00+01:00", "Premiers résultats", "Benoît Hamon en tête."),
    ("2017-01-29T21:05:00+01:00", "Valls reconnaît sa défaite", "Manuel Valls félicite Hamon."),
]


def test_liveblog_watch_adds_new_entries_idempotently(feed, session, tmp_path):
    from dashboard.feed.watch import BLOG_STATUS_FILE, watch_liveblog
    from dashboard.liveblog.store import current_entries

    live = Store(tmp_path / "live")
    server = feed()
    server.publish(_blog(*UPDATES), "application/ld+json")
    lines, now = [], [0.0]

    def between(seconds: float) -> None:
        now[0] += seconds
        if len(lines) == 2:  # a third update is posted after the second poll
            server.publish(
                _blog(
                    *UPDATES,
                    (
                        "2017-01-29T21:30:00+01:00",
                        "Participation",
                        "Plus de 2 millions de votants.",
                    ),
                ),
                "application/ld+json",
            )

    polls = watch_liveblog(
        server.url,
        every=60,
        max_polls=4,
        on_poll=lambda r: lines.append(r.line()),
        sleep=between,
        clock=lambda: now[0],
        store=live,
        data_dir=DATA,
        raw_dir=tmp_path / "raw",
        session=session,
        timeout=FAST,
    )
    assert polls == 4
    assert [line.split(" ", 1)[1] for line in lines] == [
        "200 2 nouvelle(s) entrée(s), 0 modifiée(s)",
        "304 inchangé",
        "200 1 nouvelle(s) entrée(s), 0 modifiée(s)",
        "304 inchangé",
    ]
    entries = current_entries(live)
    assert list(entries["headline"]) == [
        "Premiers résultats",
        "Valls reconnaît sa défaite",
        "Participation",
    ]
    status = read_status(live.root, BLOG_STATUS_FILE)
    assert status.url == server.url and status.last_error is None and status.polls == 4
    assert read_status(live.root) is None  # the results feed status is another file


def test_liveblog_poll_of_a_broken_blog_stores_nothing(feed, session, tmp_path):
    from dashboard.feed.watch import poll_liveblog_once

    live = Store(tmp_path / "live")
    server = feed()
    server.publish(b'{"@type": "LiveBlogPosting", "liveBlogUpdate": [{"headline": "x"}]}')
    result = poll_liveblog_once(
        server.url,
        store=live,
        data_dir=DATA,
        raw_dir=tmp_path / "raw",
        session=session,
        timeout=FAST,
    )
    assert result.outcome == "erreur" and "missing 'datePublished'" in result.error
    assert not live.exists("liveblog_entries")
    assert result.raw_path.exists()  # archived before parsing, even when it fails


def test_results_and_liveblog_watchers_may_run_side_by_side(store):
    from dashboard.feed.watch import BLOG_WRITER_LOCK

    with writer_lock(store.root), writer_lock(store.root, BLOG_WRITER_LOCK, "live-blog watcher"):
        with pytest.raises(FeedError, match="another live-blog watcher"):
            with writer_lock(store.root, BLOG_WRITER_LOCK, "live-blog watcher"):
                pass
