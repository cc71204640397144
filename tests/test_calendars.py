"""Calendars (SPEC §10): `/rounds.ics` and `/rounds/SLUG/round.ics`, read back with
icalendar and held to RFC 5545's lines; stable across builds, days and `--base-url`;
offered by the round pages and listed on /feeds/."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import EPOCH, HUB_YAML, site_files
from icalendar import Calendar
from lxml import html

from builder.build import build

ROUNDS = {
    "content/rounds/spring-survey.md": """
        ---
        title: "Spring, survey; the\\nbig one"
        opens: 2026-03-02
        closes: 2026-03-15
        questions:
          - What do you export, and how often?
          - Which reports do you print?
        participate: https://survey.example.com/spring
        ---
        We want to hear from you.
        """,
    "content/rounds/one-day.md": """
        ---
        title: One day only
        opens: 2026-12-31
        closes: 2026-12-31
        ---
        """,
    "content/rounds/secret-plans.md": """
        ---
        title: Secret plans
        opens: 2026-01-05
        closes: 2026-01-09
        draft: true
        ---
        """,
}


def built(root: Path, out: Path, *, epoch: str = EPOCH, **kwargs) -> Path:
    result = build(root, out, environ={"SOURCE_DATE_EPOCH": epoch}, search=False, **kwargs)
    assert result.ok, [d.text() for d in result.problems.errors]
    return out


def calendar(path: Path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def events(path: Path) -> dict[str, object]:
    """The VEVENTs of a calendar file, by UID."""
    return {str(e["UID"]): e for e in calendar(path).walk("VEVENT")}


def ics_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.ics"))


@pytest.fixture
def site(hub, tmp_path) -> Path:
    return built(hub(ROUNDS), tmp_path / "site")


def test_every_published_round_is_an_all_day_event(site):
    found = events(site / "rounds.ics")
    assert sorted(found) == [
        "rounds/one-day@hub.example.com",
        "rounds/spring-survey@hub.example.com",
    ]
    spring = found["rounds/spring-survey@hub.example.com"]
    assert spring["SUMMARY"] == "Spring, survey; the\nbig one"
    # All-day: DATE values, and DTEND is exclusive, the day after `closes`.
    assert spring.decoded("DTSTART") == date(2026, 3, 2)
    assert spring.decoded("DTEND") == date(2026, 3, 16)
    assert spring["DTSTART"].params["VALUE"] == "DATE"
    assert spring.decoded("DTSTAMP") == datetime(2026, 3, 2, tzinfo=UTC)
    assert str(spring["URL"]) == "https://hub.example.com/rounds/spring-survey/"
    description = str(spring["DESCRIPTION"])
    assert "1. What do you export, and how often?\n2. Which reports do you print?" in description
    assert "https://survey.example.com/spring" in description
    assert "https://hub.example.com/rounds/spring-survey/" in description
    one_day = found["rounds/one-day@hub.example.com"]
    assert one_day.decoded("DTSTART") == date(2026, 12, 31)
    assert one_day.decoded("DTEND") == date(2027, 1, 1)
    # No link of its own: the description says where ideas go instead.
    assert "https://hub.example.com/ideas/" in str(one_day["DESCRIPTION"])


def test_the_calendar_names_the_hub_and_cohub(site):
    whole = calendar(site / "rounds.ics")
    assert whole["VERSION"] == "2.0"
    assert "cohub" in str(whole["PRODID"])
    assert whole["X-WR-CALNAME"] == "Test Hub"
    assert whole["NAME"] == "Test Hub"
    one = calendar(site / "rounds/one-day/round.ics")
    assert "cohub" in str(one["PRODID"])
    assert "X-WR-CALNAME" not in one  # one event, filed with the reader's own


def test_each_round_has_its_own_calendar_with_the_same_event(site):
    whole = events(site / "rounds.ics")
    for slug in ("spring-survey", "one-day"):
        (uid, event), *rest = events(site / f"rounds/{slug}/round.ics").items()
        assert not rest
        assert event.to_ical() == whole[uid].to_ical()


def test_drafts_are_in_no_calendar(site, hub, tmp_path):
    assert not (site / "rounds/secret-plans").exists()
    for path in ics_files(site):
        assert b"secret-plans" not in path.read_bytes()
        assert b"Secret plans" not in path.read_bytes()
    with_drafts = built(hub(ROUNDS), tmp_path / "drafts", drafts=True)
    assert "rounds/secret-plans@hub.example.com" in events(with_drafts / "rounds.ics")
    assert (with_drafts / "rounds/secret-plans/round.ics").is_file()


def test_the_files_keep_rfc_5545s_lines(site):
    """CRLF line ends, lines of at most 75 octets (longer ones folded), and text
    with its commas, semicolons and newlines escaped."""
    for path in ics_files(site):
        data = path.read_bytes()
        assert data.endswith(b"\r\n")
        lines = data.split(b"\r\n")[:-1]
        assert b"\n" not in b"".join(lines), f"{path}: a bare LF"
        assert all(len(line) <= 75 for line in lines), path
    data = (site / "rounds.ics").read_bytes()
    assert b"\r\nSUMMARY:Spring\\, survey\\; the\\nbig one\r\n" in data
    # A long description was folded: a line starting with a space continues one.
    assert any(line.startswith(b" ") for line in data.split(b"\r\n"))


def test_a_long_title_folds_on_character_boundaries(hub, tmp_path):
    title = " ".join(["Révision des notes de frais, étape par étape"] * 4)
    front = f'title: "{title}"\nopens: 2026-05-01\ncloses: 2026-05-02'
    site = built(hub({"content/rounds/long.md": f"---\n{front}\n---\n"}), tmp_path / "site")
    lines = (site / "rounds.ics").read_bytes().split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # no character split between two lines
    (event,) = events(site / "rounds.ics").values()
    assert event["SUMMARY"] == title


def test_calendars_are_byte_identical_across_builds_and_days(hub, tmp_path):
    root = hub(ROUNDS)
    first = built(root, tmp_path / "one")
    again = built(root, tmp_path / "two")
    # A month later: every round's state has moved on, its calendar has not.
    later = built(root, tmp_path / "later", epoch=str(int(EPOCH) + 30 * 86400))
    for path in ics_files(first):
        rel = path.relative_to(first)
        assert (again / rel).read_bytes() == path.read_bytes(), rel
        assert (later / rel).read_bytes() == path.read_bytes(), rel
    assert [p.relative_to(first) for p in ics_files(first)] == [
        p.relative_to(later) for p in ics_files(later)
    ]


def test_uids_come_from_hub_yaml_never_base_url(hub, tmp_path):
    root = hub(ROUNDS)
    site = built(root, tmp_path / "site")
    preview = built(
        root, tmp_path / "preview", base_url="https://deploy-preview-7--hub.netlify.app/"
    )
    for path in ics_files(site):
        rel = path.relative_to(site)
        ours, theirs = events(path), events(preview / rel)
        assert ours.keys() == theirs.keys(), rel
        for uid, event in theirs.items():
            assert uid.endswith("@hub.example.com")
            assert str(event["URL"]).startswith("https://deploy-preview-7--hub.netlify.app/rounds/")
            assert event.decoded("DTSTAMP") == ours[uid].decoded("DTSTAMP")


def test_a_hub_under_a_path_links_its_calendars_there(hub, tmp_path):
    root = hub(ROUNDS, HUB_YAML.replace("https://hub.example.com/", "https://example.org/hub/"))
    site = built(root, tmp_path / "site")
    (event, _) = events(site / "rounds.ics").values()
    assert str(event["URL"]).startswith("https://example.org/hub/rounds/")
    assert str(event["UID"]).endswith("@example.org")
    page = html.fromstring((site / "rounds/index.html").read_bytes())
    assert page.xpath('//a[normalize-space()="Add to calendar"]/@href') == ["/hub/rounds.ics"]


def test_round_pages_and_the_rounds_list_offer_add_to_calendar(site):
    """Each link is a visible, named link that leads to a calendar of this build."""
    offers = {
        "rounds/index.html": "/rounds.ics",
        "rounds/spring-survey/index.html": "/rounds/spring-survey/round.ics",
        "rounds/one-day/index.html": "/rounds/one-day/round.ics",
    }
    for page, target in offers.items():
        tree = html.fromstring((site / page).read_bytes())
        (link,) = tree.xpath('//main//a[normalize-space()="Add to calendar"]')
        assert link.get("href") == target, page
        assert link.get("type") == "text/calendar"
        assert "button" in link.get("class", "").split()
        assert (site / target.lstrip("/")).is_file()
    rounds = html.fromstring((site / "rounds/index.html").read_bytes())
    (address,) = rounds.xpath('//main//code[@data-copy="https://hub.example.com/rounds.ics"]')
    assert address.text_content() == "https://hub.example.com/rounds.ics"


def test_feeds_page_lists_the_calendar_under_data(site):
    tree = html.fromstring((site / "feeds/index.html").read_bytes())
    (section,) = tree.xpath('//main//section[@aria-labelledby="data"]')
    (heading,) = section.xpath('.//*[@id="data"]')
    assert heading.tag == "h2" and heading.text_content() == "Data"
    (item,) = [li for li in section.xpath(".//li") if "Calendars" in li.text_content()]
    hrefs = item.xpath(".//a/@href")
    assert "/rounds.ics" in hrefs
    assert "https://hub.example.com/rounds.ics" in item.text_content()


def test_the_sitemap_lists_no_calendar(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert ".ics" not in sitemap
    assert "https://hub.example.com/rounds/spring-survey/</loc>" in sitemap


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in site_files(folder)}


@pytest.mark.parametrize(
    "change",
    [
        lambda root: _edit(root, "spring-survey", "closes: 2026-03-15", "closes: 2026-03-20"),
        lambda root: _edit(root, "spring-survey", "Spring, survey", "Summer, survey"),
        lambda root: _edit(root, "one-day", "title: One day only", "title: One day\ndraft: true"),
        lambda root: _edit(root, "secret-plans", "draft: true\n", ""),
        lambda root: (root / "content/rounds/one-day.md").unlink(),
        lambda root: _edit(
            root,
            "one-day",
            "closes: 2026-12-31",
            "closes: 2026-12-31\nparticipate: https://x.example/",
        ),
    ],
    ids=["moved dates", "new title", "drafted", "published", "removed", "a link to take part"],
)
def test_a_cached_build_equals_a_cold_one(hub, tmp_path, monkeypatch, change):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    root = hub(ROUNDS)
    env = {"SOURCE_DATE_EPOCH": EPOCH}
    assert build(root, environ=env, search=False).ok
    change(root)
    assert build(root, environ=env, search=False).ok
    cold = tmp_path / "cold"
    shutil.rmtree(cold, ignore_errors=True)
    assert build(root, cold, environ=env, cache=False, search=False).ok
    assert _tree(root / "site") == _tree(cold)


def _edit(root: Path, slug: str, old: str, new: str) -> None:
    path = root / f"content/rounds/{slug}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text, (slug, old)
    path.write_text(text.replace(old, new), encoding="utf-8")
