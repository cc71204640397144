"""The link graph: every derived value, on small hubs whose answers are known."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import read

from builder.model import AnswerRef, ChangeRef, Who

FILES = {
    "content/people/alice.md": """
        ---
        name: Alice Moreau
        team: true
        ---
        Product manager.
    """,
    "content/people/bob.md": """
        ---
        name: Bob Stone
        ---
    """,
    "content/ideas/dark-mode.md": """
        ---
        title: Dark mode
        submitted: 2026-03-02
        author: bob
        product: web
        tags: [Accessibility, night]
        supporters: [carol, {name: "Dee Walker"}]
        round: spring
        updates:
          - date: 2026-03-05
            status: under-review
            by: alice
            note: Looking into it.
          - date: 2026-04-01
            status: shipped
            by: alice
        ---
        My eyes hurt at night.
    """,
    "content/ideas/night-theme.md": """
        ---
        title: A night theme
        submitted: 2026-03-10
        author: erin
        supporters: [carol, bob]
        duplicate_of: dark-mode
        tags: [accessibility]
        ---
        Same as dark mode.
    """,
    "content/ideas/csv-export.md": """
        ---
        title: CSV export
        submitted: 2026-05-01
        author: carol
        tags: [accessibility]
        ---
        Let me export.
    """,
    "content/ideas/offline.md": """
        ---
        title: Offline mode
        submitted: 2026-05-01
        author: {name: "Frank"}
        product: mobile
        updates:
          - date: 2026-05-11
            status: declined
            by: alice
            note: Not now, and here is why.
        ---
        Offline please.
    """,
    "content/rounds/spring.md": """
        ---
        title: Spring round
        opens: 2026-03-01
        closes: 2026-03-31
        participants: [carol, gus]
        ---
    """,
    "content/rounds/winter.md": """
        ---
        title: Winter round
        opens: 2026-11-22
        closes: 2026-12-15
        participants: 12
        ---
    """,
    "content/rounds/next.md": """
        ---
        title: Next round
        opens: 2026-11-23
        closes: 2026-12-31
        ---
    """,
    "content/rounds/ends-today.md": """
        ---
        title: Ends today
        opens: 2026-11-01
        closes: 2026-11-22
        ---
    """,
    "content/changelog/v1.md": """
        ---
        title: Version 1
        date: 2026-04-01
        version: "1.0"
        product: web
        changes:
          - type: added
            text: Dark mode.
            ideas: [night-theme]
            rounds: [spring]
            thanks: [gus, {name: "Dee Walker"}]
        ---
    """,
    "content/changelog/v2.md": """
        ---
        title: Version 2
        date: 2026-06-01
        changes:
          - type: fixed
            text: Dark mode contrast.
            ideas: [dark-mode]
        ---
    """,
    "content/pages/about.md": """
        ---
        title: About
        ---
        Hello.
    """,
}


@pytest.fixture
def model(hub):
    root = hub(FILES)
    reading = read(root)
    assert [d.text() for d in reading.problems.errors] == []
    return reading.hub


def test_status_is_the_last_update_and_new_without_any(model):
    assert model.ideas["dark-mode"].status == "shipped"
    assert model.ideas["offline"].status == "declined"
    assert model.ideas["csv-export"].status == "new"
    assert model.ideas["csv-export"].updates == ()


def test_time_to_acknowledge_counts_days_to_the_first_update(model):
    assert model.ideas["dark-mode"].days_to_answer == 3
    assert model.ideas["offline"].days_to_answer == 10
    assert model.ideas["csv-export"].days_to_answer is None


def test_shipped_in_is_the_earliest_crediting_release_even_through_a_duplicate(model):
    idea = model.ideas["dark-mode"]
    # v1 credits the duplicate night-theme: the credit goes to dark-mode.
    assert idea.credited_by == (ChangeRef("v1", 1), ChangeRef("v2", 1))
    assert idea.shipped_in == "v1"
    assert idea.also_in == ("v2",)
    assert model.releases["v1"].changes[0].ideas == ("dark-mode",)
    assert model.ideas["csv-export"].shipped_in is None


def test_duplicates_merge_into_the_original_without_repeats(model):
    idea = model.ideas["dark-mode"]
    assert idea.duplicates == ("night-theme",)
    # supporters, then the duplicate's author and supporters; bob (the author) and the
    # second carol are left out.
    assert [p.key for p in idea.also_asked_by] == ["carol", "name:Dee Walker", "erin"]
    assert model.ideas["night-theme"].duplicate_of == "dark-mode"


def test_display_names_come_from_profiles(model):
    idea = model.ideas["dark-mode"]
    assert idea.author == Who("bob", "Bob Stone")
    assert idea.updates[0].by == Who("alice", "Alice Moreau")
    assert idea.supporters[0] == Who("carol", "carol")
    assert idea.supporters[1] == Who(None, "Dee Walker")


@pytest.mark.parametrize(
    ("slug", "state"),
    [("spring", "closed"), ("winter", "open"), ("next", "upcoming"), ("ends-today", "open")],
)
def test_round_state_against_the_build_date(model, slug, state):
    assert model.build_date == date(2026, 11, 22)
    assert model.rounds[slug].state == state


def test_round_state_moves_with_source_date_epoch(hub):
    root = hub({"content/rounds/winter.md": FILES["content/rounds/winter.md"]})
    day = 86400
    states = [
        read(root, epoch=str(1795305600 + offset * day)).hub.rounds["winter"].state
        for offset in (-1, 0, 23, 24)
    ]
    assert states == ["upcoming", "open", "open", "closed"]


def test_round_knows_its_ideas_changes_and_participants(model):
    spring = model.rounds["spring"]
    assert spring.ideas == ("dark-mode",)
    assert spring.credited_by == (ChangeRef("v1", 1),)
    assert [p.handle for p in spring.participants] == ["carol", "gus"]
    assert spring.participant_count is None
    assert model.rounds["winter"].participant_count == 12


def test_every_handle_gets_a_person_even_without_a_profile(model):
    assert sorted(model.people) == ["alice", "bob", "carol", "erin", "gus"]
    carol = model.people["carol"]
    assert not carol.has_profile
    assert carol.name == "carol"
    assert model.people["alice"].has_profile and model.people["alice"].team
    # People known only by name have no page.
    assert all(p.handle for p in model.people.values())


def test_person_raised_supported_took_part_and_was_thanked(model):
    carol = model.people["carol"]
    assert carol.raised == ("csv-export",)
    assert carol.supported == ("dark-mode",)
    assert carol.took_part == ("spring",)
    gus = model.people["gus"]
    assert gus.thanked_for == (ChangeRef("v1", 1),)
    assert gus.took_part == ("spring",)
    # bob raised dark-mode (credited twice) and ideas of a round count as taking part.
    bob = model.people["bob"]
    assert bob.raised == ("dark-mode",)
    assert bob.took_part == ("spring",)
    assert bob.shaped == (ChangeRef("v2", 1), ChangeRef("v1", 1))
    # erin's duplicate is folded into dark-mode, so she supported it and shaped it.
    erin = model.people["erin"]
    assert erin.raised == ()
    assert erin.supported == ("dark-mode",)
    assert erin.shaped == (ChangeRef("v2", 1), ChangeRef("v1", 1))


def test_staff_answers_are_listed_newest_first(model):
    assert model.people["alice"].answers == (
        AnswerRef("offline", 1),
        AnswerRef("dark-mode", 2),
        AnswerRef("dark-mode", 1),
    )


def test_tags_use_the_most_common_spelling_and_skip_duplicates(model):
    assert sorted(model.tags) == ["accessibility", "night"]
    tag = model.tags["accessibility"]
    assert tag.name == "accessibility"  # 2 of 3 spellings (night-theme is a duplicate)
    assert tag.ideas == ("csv-export", "dark-mode")
    assert model.ideas["dark-mode"].tags == ("accessibility", "night")


def test_products_collect_their_ideas_rounds_and_releases(model):
    assert list(model.products) == ["web", "mobile"]
    assert model.products["web"].ideas == ("dark-mode",)
    assert model.products["web"].releases == ("v1",)
    assert model.products["mobile"].ideas == ("offline",)


def test_the_loop_in_figures(model):
    figures = model.figures
    assert figures.ideas_heard == 3  # the duplicate is not counted
    assert figures.answered == 2
    assert figures.waiting == 1
    assert figures.share_answered == pytest.approx(2 / 3)
    assert figures.median_days_to_answer == 6.5  # 3 and 10
    assert figures.shipped == 1
    # thanks: gus, Dee Walker; credited dark-mode: bob, carol, Dee Walker, erin
    assert figures.people_credited == 5


def test_model_is_immutable(model):
    with pytest.raises(AttributeError):
        model.ideas["dark-mode"].status = "new"
    with pytest.raises(TypeError):
        model.ideas["x"] = None


DRAFTS = {
    "content/ideas/public.md": """
        ---
        title: Public
        submitted: 2026-01-01
        author: bob
        round: secret
        updates:
          - date: 2026-02-01
            status: shipped
            by: alice
        ---
    """,
    "content/ideas/hidden.md": """
        ---
        title: Hidden idea
        submitted: 2026-01-01
        author: zed
        draft: true
        ---
    """,
    "content/rounds/secret.md": """
        ---
        title: Secret round
        opens: 2026-01-01
        closes: 2026-01-31
        draft: true
        ---
    """,
    "content/changelog/v1.md": """
        ---
        title: Version 1
        date: 2026-02-01
        changes:
          - type: added
            text: Both.
            ideas: [public, hidden]
        ---
    """,
}


def test_drafts_are_left_out_with_everything_derived_from_them(hub):
    root = hub(DRAFTS)
    reading = read(root)
    model = reading.hub
    assert sorted(model.ideas) == ["public"]
    assert "secret" not in model.rounds
    assert "zed" not in model.people  # only a draft named zed
    # References to drafts stay, to be shown without links.
    assert model.ideas["public"].round == "secret"
    assert not model.published("rounds", "secret")
    assert model.unpublished["rounds", "secret"] == "Secret round"
    assert model.releases["v1"].changes[0].ideas == ("public", "hidden")
    assert model.unpublished["ideas", "hidden"] == "Hidden idea"
    assert model.figures.ideas_heard == 1


def test_drafts_are_built_with_the_drafts_flag(hub):
    root = hub(DRAFTS)
    model = read(root, drafts=True).hub
    assert sorted(model.ideas) == ["hidden", "public"]
    assert model.rounds["secret"].ideas == ("public",)
    assert model.ideas["hidden"].shipped_in == "v1"
    assert "zed" in model.people


def test_check_reports_the_same_warnings_with_or_without_drafts(hub):
    root = hub(DRAFTS)
    without = [d.text() for d in read(root).problems.sorted()]
    with_drafts = [d.text() for d in read(root, drafts=True).problems.sorted()]
    assert without == with_drafts
    # hidden is credited but not shipped: reported even though it is a draft.
    assert any("credits idea 'hidden'" in line for line in without)


def test_an_offset_datetime_is_compared_by_its_utc_date(hub):
    root = hub(
        {
            "content/ideas/late.md": """
                ---
                title: Late
                submitted: 2026-03-02T23:30:00-05:00
                author: bob
                updates:
                  - date: 2026-03-03
                    status: planned
                    by: alice
                ---
            """
        }
    )
    idea = read(root).hub.ideas["late"]
    assert idea.submitted.day == date(2026, 3, 3)
    assert idea.submitted.moment.isoformat() == "2026-03-03T04:30:00+00:00"
    assert idea.days_to_answer == 0
