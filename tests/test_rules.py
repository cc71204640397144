"""One scenario per validation rule: a minimal hub, and the exact lines `cohub check`
prints for it (SPEC §1-3, §7-8).

Every test compares the whole list of diagnostics, so an extra or a missing problem
fails it as surely as a wrong line, column or word. File strings are dedented and lose
their leading newline, so the first line of each string is line 1 of the file.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import lines, read

from builder.model import ChangeRef

IDEA = """
    ---
    title: Dark mode
    submitted: 2026-03-02
    author: bob
    ---
    My eyes hurt at night.
"""

ROUND = """
    ---
    title: Spring survey
    opens: 2026-03-01
    closes: 2026-03-31
    ---
"""

HUB_OK = "title: T\nbase_url: https://hub.example.com/\n"

SLUG_RULE = "lower-case letters and digits, words joined by single hyphens"
MISSING_FRONT = (
    "error: missing front matter: the first line must be '---' "
    "(start the file with '---', the fields, then another '---')"
)
PERSON = 'a handle (like sarah-merion) or {name: "Someone"}'
STATUSES = "one of new, under-review, planned, in-progress, shipped, declined"
CHANGE_TYPES = "one of added, changed, deprecated, removed, fixed, security"
PATH_HINT = "a path on this site: starts with /, letters, digits, . _ ~ - between slashes, no .."
DECLINED = (
    "error: updates[1].note: a 'declined' update needs a note saying why "
    "(telling people why is the point)"
)


def idea_path(slug: str = "dark-mode") -> str:
    return f"content/ideas/{slug}.md"


def idea_with(*fields: str) -> str:
    """IDEA with `fields` (one `key: value` each) added after `author`, from line 5."""
    added = "".join(f"    {field}\n" for field in fields)
    return IDEA.replace("    author: bob\n", "    author: bob\n" + added)


# -- hub.yaml -----------------------------------------------------------------------


def test_hub_yaml_missing_title(hub):
    root = hub({}, hub_yaml="base_url: https://hub.example.com/\n")
    assert lines(root) == ["hub.yaml:1:1: error: title: missing required field 'title', text"]


def test_hub_yaml_base_url_must_be_absolute(hub):
    root = hub({}, hub_yaml="title: T\nbase_url: /hub/\n")
    assert lines(root) == [
        "hub.yaml:2:11: error: base_url: expected an http(s) URL, found '/hub/' "
        "(start it with https://)"
    ]


def test_hub_yaml_unknown_key_suggests_the_known_one(hub):
    root = hub({}, hub_yaml=HUB_OK + "descripton: Where customers shape what we build\n")
    assert lines(root) == [
        "hub.yaml:3:1: error: descripton: unknown field 'descripton' in hub.yaml "
        "(did you mean 'description'?)"
    ]


def test_hub_yaml_product_key_must_be_a_slug(hub):
    root = hub({}, hub_yaml=HUB_OK + "products:\n  web: Web app\n  Mobile App: Mobile app\n")
    assert lines(root) == [
        f"hub.yaml:5:3: error: products.Mobile App: key 'Mobile App' is not a valid slug "
        f"({SLUG_RULE})"
    ]


def test_hub_yaml_feed_size_zero(hub):
    root = hub({}, hub_yaml=HUB_OK + "feed_size: 0\n")
    assert lines(root) == [
        "hub.yaml:3:12: error: feed_size: expected a whole number of at least 1, found 0"
    ]


def test_hub_yaml_duplicate_key(hub):
    root = hub({}, hub_yaml=HUB_OK + "title: Other\n")
    assert lines(root) == [
        "hub.yaml:3:1: error: duplicate key 'title' (first at line 1) (keep one)"
    ]


def test_hub_yaml_typo_hides_no_content_problem(hub):
    """One unknown key in hub.yaml still leaves products, references and the graph
    checked (SPEC §8): every problem of the content is in the same run."""
    root = hub(
        {
            idea_path(): idea_with("product: desktop", "round: autumn", "updates:"),
            idea_path("csv"): idea_with(
                "updates: [{date: 2026-03-04, status: shipped, by: sam}]"
            ).replace("Dark mode", "CSV"),
        },
        hub_yaml=HUB_OK + "products:\n  web: Web app\nfeed_sise: 20\n",
    )
    assert lines(root) == [
        "content/ideas/csv.md:5:38: warning: updates[1].status: marked shipped, but no "
        "changelog entry credits this idea (list 'csv' under a change's ideas)",
        "content/ideas/dark-mode.md:5:10: error: product: unknown product 'desktop' "
        "(products in hub.yaml: web)",
        "content/ideas/dark-mode.md:6:8: error: round: unknown round 'autumn' "
        "(no file content/rounds/autumn.md)",
        "hub.yaml:5:1: error: feed_sise: unknown field 'feed_sise' in hub.yaml "
        "(did you mean 'feed_size'?)",
    ]


def test_hub_yaml_broken_products_leave_product_references_unchecked(hub):
    """A products setting that is not a mapping says nothing about which keys exist:
    its own error is the one to fix, not one per idea."""
    root = hub(
        {idea_path(): idea_with("product: web")},
        hub_yaml=HUB_OK + "products: [web, mobile]\n",
    )
    assert lines(root) == [
        "hub.yaml:3:11: error: products: expected a mapping of keys to names, found a list"
    ]


def test_hub_yaml_errors_still_stop_the_build(hub, tmp_path):
    from builder.build import build

    root = hub({idea_path(): IDEA}, hub_yaml=HUB_OK + "feed_sise: 20\n")
    result = build(root, environ={"SOURCE_DATE_EPOCH": "1795305600"})
    assert not result.ok and not (root / "site").exists()


# -- front matter -------------------------------------------------------------------


def test_front_matter_missing(hub):
    root = hub({idea_path(): "title: Dark mode\nsubmitted: 2026-03-02\nauthor: bob\n"})
    assert lines(root) == [f"content/ideas/dark-mode.md:1:1: {MISSING_FRONT}"]


def test_front_matter_never_closed(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                My eyes hurt at night.
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:1:1: error: front matter opened on line 1 is never closed "
        "(add a line '---' after the last field)"
    ]


def test_front_matter_yaml_syntax_error_points_at_the_file_line(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Night: the theme
                submitted: 2026-03-02
                author: bob
                ---
            """
        }
    )
    # YAML starts on line 2 of the file; `Night: the theme` holds a second `: `.
    assert lines(root) == [
        "content/ideas/dark-mode.md:2:13: error: invalid YAML: mapping values are not allowed "
        "in this context"
    ]


def test_front_matter_yaml_error_below_the_first_field(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                supporters:
                  - carol
                   dee: x
                ---
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:7:7: error: invalid YAML: mapping values are not allowed "
        "in this context"
    ]


def test_unclosed_quote_points_at_the_opening_quote(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: "Dark mode
                submitted: 2026-03-02
                author: bob
                ---
            """
        }
    )
    found = lines(root)
    assert len(found) == 1, found
    assert found[0].startswith("content/ideas/dark-mode.md:2:8: error: invalid YAML: "), found


def test_front_matter_empty(hub):
    root = hub({idea_path(): "---\n---\nMy eyes hurt at night.\n"})
    assert lines(root) == [
        "content/ideas/dark-mode.md:1:1: error: the front matter is empty; an idea needs its fields"
    ]


def test_front_matter_that_is_a_list(hub):
    root = hub({idea_path(): "---\n- title: Dark mode\n- author: bob\n---\n"})
    assert lines(root) == [
        "content/ideas/dark-mode.md:2:1: error: the front matter must be a mapping of fields, "
        "found a list (write one 'field: value' per line)"
    ]


def test_bom_and_crlf_file_is_valid(hub):
    root = hub({})
    path = root / idea_path()
    path.parent.mkdir(parents=True)
    text = "\ufeff---\r\ntitle: Dark mode\r\nsubmitted: 2026-03-02\r\nauthor: bob\r\n---\r\nHi\r\n"
    path.write_bytes(text.encode("utf-8"))
    assert lines(root) == []
    idea = read(root).hub.ideas["dark-mode"]
    assert idea.title == "Dark mode"
    assert idea.body == "Hi\n"


def test_bom_and_crlf_yaml_error_keeps_the_editor_line(hub):
    root = hub({})
    path = root / idea_path()
    path.parent.mkdir(parents=True)
    text = "\ufeff---\r\ntitle: Dark mode\r\nsubmitted: 2026-03-02\r\n  author: bob\r\n---\r\n"
    path.write_bytes(text.encode("utf-8"))
    assert lines(root) == [
        "content/ideas/dark-mode.md:4:9: error: invalid YAML: mapping values are not allowed "
        "in this context"
    ]


def test_non_utf8_bytes(hub):
    root = hub({})
    path = root / idea_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"---\ntitle: Caf\xe9 menu\nsubmitted: 2026-03-02\nauthor: bob\n---\n")
    assert lines(root) == [
        "content/ideas/dark-mode.md:2:11: error: the file is not UTF-8 (byte 0xe9) "
        "(save it as UTF-8)"
    ]


def test_non_utf8_byte_column_counts_characters(hub):
    root = hub({})
    path = root / idea_path()
    path.parent.mkdir(parents=True)
    # `title: Café \xff`: the bad byte is the 13th character of line 2.
    rest = b"\nsubmitted: 2026-03-02\nauthor: bob\n---\n"
    path.write_bytes("---\ntitle: Café ".encode() + b"\xff" + rest)
    assert lines(root) == [
        "content/ideas/dark-mode.md:2:13: error: the file is not UTF-8 (byte 0xff) "
        "(save it as UTF-8)"
    ]


def test_broken_file_slug_still_counts(hub):
    root = hub(
        {
            "content/rounds/spring.md": "title: Spring survey\n",
            idea_path(): "---\ntitle: Dark mode: please\n---\n",
            idea_path("night-theme"): """
                ---
                title: A night theme
                submitted: 2026-03-10
                author: erin
                round: spring
                duplicate_of: dark-mode
                ---
                Words.
            """,
            "content/changelog/v1.md": """
                ---
                title: Version 1
                date: 2026-04-01
                changes:
                  - type: added
                    text: Themes.
                    ideas: [dark-mode]
                    rounds: [spring]
                ---
            """,
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:2:17: error: invalid YAML: mapping values are not allowed "
        "in this context",
        f"content/rounds/spring.md:1:1: {MISSING_FRONT}",
    ]


# -- YAML decisions (SPEC §8) -------------------------------------------------------


def test_duplicate_key(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                title: Night mode
                ---
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:5:1: error: duplicate key 'title' (first at line 2) (keep one)"
    ]


def test_anchor_refused(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: &who bob
                ---
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:4:9: error: YAML anchor '&who' is not allowed (remove it)"
    ]


def test_alias_refused(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                supporters: [carol, *who]
                ---
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:5:21: error: YAML alias '*who' is not allowed "
        "(write the value out)"
    ]


def test_merge_key_refused(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                <<: {draft: true}
                ---
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:5:1: error: YAML merge keys ('<<') are not allowed (write the fields out)"
    ]


def test_explicit_bool_tag_on_non_boolean_is_a_diagnostic(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                draft: !!bool maybe
                ---
            """
        }
    )
    found = lines(root)
    assert len(found) == 1
    assert found[0].startswith("content/ideas/dark-mode.md:5:8: error: ")


def test_number_where_text_is_expected(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: 2026
                submitted: 2026-03-02
                author: bob
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:2:8: error: title: expected text, found a number (2026) "
        "(quote it)"
    ]


def test_unquoted_version_is_a_number(hub):
    root = hub(
        {
            "content/changelog/v1-10.md": """
                ---
                title: Version 1.10
                date: 2026-04-01
                version: 1.10
                ---
            """
        }
    )
    assert lines(root) == [
        "content/changelog/v1-10.md:4:10: error: version: expected text, found a number (1.1) "
        "(quote it)"
    ]


# -- slugs --------------------------------------------------------------------------


def test_file_name_not_a_slug(hub):
    root = hub({"content/ideas/Dark Mode.md": IDEA})
    assert lines(root) == [
        f"content/ideas/Dark Mode.md:1:1: error: file name 'Dark Mode.md' is not a valid slug "
        f"({SLUG_RULE}) (rename it to dark-mode.md)"
    ]


# -- unknown fields -----------------------------------------------------------------


def test_unknown_field_with_did_you_mean(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                suporters: [carol]
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:5:1: error: suporters: unknown field 'suporters' in an idea "
        "(did you mean 'supporters'?)"
    ]


def test_unknown_field_inside_an_update(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                updates:
                  - date: 2026-03-03
                    status: planned
                    by: alice
                    notes: On the list.
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:9:5: error: updates[1].notes: unknown field 'notes' in an "
        "update (did you mean 'note'?)"
    ]


# -- dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("2026-13-45", "there is no month 13"),
        ("2026-02-30", "February 2026 has 28 days"),
        ("2026-3-2", "write it as 2026-03-02"),
        ("2026-03-02T10:00:00", "a date-time needs an offset, like +01:00 or Z"),
    ],
    ids=["no-such-month", "no-such-day", "unpadded", "datetime-without-offset"],
)
def test_invalid_date(hub, written, hint):
    root = hub(
        {
            idea_path(): f"""
                ---
                title: Dark mode
                submitted: {written}
                author: bob
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        f"content/ideas/dark-mode.md:3:12: error: submitted: expected a date (YYYY-MM-DD), "
        f"found '{written}' ({hint})"
    ]


def test_datetime_with_offset_is_compared_by_its_utc_day(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02T23:30:00-05:00
                author: bob
                updates:
                  - date: 2026-03-03
                    status: planned
                    by: alice
                ---
                Words.
            """
        }
    )
    assert lines(root) == []
    idea = read(root).hub.ideas["dark-mode"]
    assert idea.submitted.day == date(2026, 3, 3)
    assert idea.days_to_answer == 0


# -- required fields ----------------------------------------------------------------


def test_missing_required_field_points_at_line_1(hub):
    root = hub({idea_path(): "---\ntitle: Dark mode\nauthor: bob\n---\nWords.\n"})
    assert lines(root) == [
        "content/ideas/dark-mode.md:1:1: error: submitted: missing required field 'submitted', "
        "a date (YYYY-MM-DD)"
    ]


def test_missing_required_field_in_an_update_points_at_its_dash(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                updates:
                  - date: 2026-03-03
                    status: under-review
                    by: alice
                  -   date: 2026-03-04
                      by: alice
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        f"content/ideas/dark-mode.md:9:3: error: updates[2].status: missing required field "
        f"'status', {STATUSES}"
    ]


def test_missing_required_field_in_a_flow_change_points_at_its_dash(hub):
    root = hub(
        {
            "content/changelog/v1.md": """
                ---
                title: Version 1
                date: 2026-04-01
                changes:
                    - {type: added}
                ---
            """
        }
    )
    assert lines(root) == [
        "content/changelog/v1.md:5:5: error: changes[1].text: missing required field 'text', "
        "Markdown text"
    ]


def test_required_field_left_empty(hub):
    root = hub({idea_path(): "---\ntitle:\nsubmitted: 2026-03-02\nauthor: bob\n---\nWords.\n"})
    assert lines(root) == [
        "content/ideas/dark-mode.md:2:7: error: title: expected text, found nothing"
    ]


# -- fixed sets ---------------------------------------------------------------------


def test_status_not_in_the_fixed_set(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                updates:
                  - date: 2026-03-03
                    status: planed
                    by: alice
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        f"content/ideas/dark-mode.md:7:13: error: updates[1].status: expected {STATUSES}; "
        f"found 'planed' (did you mean 'planned'?)"
    ]


def test_change_type_invalid(hub):
    root = hub(
        {
            "content/changelog/v1.md": """
                ---
                title: Version 1
                date: 2026-04-01
                changes:
                  - type: add
                    text: Dark mode.
                ---
            """
        }
    )
    assert lines(root) == [
        f"content/changelog/v1.md:5:11: error: changes[1].type: expected {CHANGE_TYPES}; "
        f"found 'add' (did you mean 'added'?)"
    ]


def test_change_type_hint_does_not_propose_the_opposite(hub):
    root = hub(
        {
            "content/changelog/v1.md": """
                ---
                title: Version 1
                date: 2026-04-01
                changes:
                  - type: improved
                    text: Faster search.
                ---
            """
        }
    )
    found = lines(root)
    assert len(found) == 1, found
    assert found[0].startswith(
        f"content/changelog/v1.md:5:11: error: changes[1].type: expected {CHANGE_TYPES}; "
        f"found 'improved'"
    ), found
    assert "did you mean 'removed'" not in found[0], found
    assert found[0].endswith("(did you mean 'changed'?)"), found


def test_lone_value_where_a_list_is_expected(hub):
    root = hub({idea_path(): idea_with("supporters: carol")})
    assert lines(root) == [
        "content/ideas/dark-mode.md:5:13: error: supporters: expected a list of persons "
        "(handles like sarah-merion, or {name: \"Someone\"}); found 'carol' "
        "(a list of one is written [carol])"
    ]


def test_lone_value_hint_only_when_the_item_could_be_that_value(hub):
    root = hub({idea_path(): idea_with("updates: planned")})
    found = lines(root)
    assert len(found) == 1, found
    assert found[0].startswith(
        "content/ideas/dark-mode.md:5:10: error: updates: expected a list of updates"
    ), found
    assert "[planned]" not in found[0], found


def test_product_key_unknown(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                product: wbe
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:5:10: error: product: unknown product 'wbe' "
        "(did you mean 'web'?)"
    ]


# -- persons ------------------------------------------------------------------------


def test_bare_name_as_person(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: Sarah Merion
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        f"content/ideas/dark-mode.md:4:9: error: author: expected {PERSON}, found "
        f"'Sarah Merion' (write {{name: \"Sarah Merion\"}})"
    ]


def test_person_mapping_with_a_wrong_key(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: {nmae: Sarah Merion}
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:4:9: error: author: a person written as a mapping has "
        "exactly one key, name; found key 'nmae'"
    ]


def test_handle_without_profile_is_fine(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: zed
                supporters: [{name: Sarah Merion}]
                ---
                Words.
            """,
            "content/people/alice.md": "---\nname: Alice\n---\n",
        }
    )
    assert lines(root) == []
    assert read(root).hub.people["zed"].path is None


def test_handle_one_edit_from_a_profile_is_a_warning(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                updates:
                  - date: 2026-03-03
                    status: planned
                    by: alcie
                ---
                Words.
            """,
            "content/people/alice.md": "---\nname: Alice\n---\n",
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:8:9: warning: updates[1].by: 'alcie' has no profile in "
        "content/people/ (did you mean 'alice'?)"
    ]


# -- references ---------------------------------------------------------------------


def test_unknown_round(hub):
    root = hub(
        {
            "content/rounds/spring.md": ROUND,
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                round: sprng
                ---
                Words.
            """,
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:5:8: error: round: unknown round 'sprng' "
        "(did you mean 'spring'?)"
    ]


def test_unknown_duplicate_of(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                duplicate_of: night-theme
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:5:15: error: duplicate_of: unknown idea 'night-theme' "
        "(no file content/ideas/night-theme.md)"
    ]


def test_duplicate_of_self(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                duplicate_of: dark-mode
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:5:15: error: duplicate_of: an idea cannot be a duplicate "
        "of itself"
    ]


def test_duplicate_chain(hub):
    root = hub(
        {
            idea_path(): IDEA,
            idea_path("night-theme"): """
                ---
                title: A night theme
                submitted: 2026-03-10
                author: erin
                duplicate_of: dark-mode
                ---
                Words.
            """,
            idea_path("black-ui"): """
                ---
                title: Black UI
                submitted: 2026-03-12
                author: finn
                duplicate_of: night-theme
                ---
                Words.
            """,
        }
    )
    assert lines(root) == [
        "content/ideas/black-ui.md:5:15: error: duplicate_of: 'night-theme' is itself a "
        "duplicate of 'dark-mode'; duplicates do not chain (write duplicate_of: dark-mode)"
    ]


def test_duplicate_cycle_does_not_suggest_a_self_duplicate(hub):
    root = hub(
        {
            idea_path(): idea_with("duplicate_of: night-theme"),
            idea_path("night-theme"): """
                ---
                title: A night theme
                submitted: 2026-03-10
                author: erin
                duplicate_of: dark-mode
                ---
            """,
        }
    )
    found = lines(root)
    assert found
    assert not any(
        line.startswith("content/ideas/dark-mode.md") and "write duplicate_of: dark-mode" in line
        for line in found
    ), found
    assert not any(
        line.startswith("content/ideas/night-theme.md")
        and "write duplicate_of: night-theme" in line
        for line in found
    ), found


def test_change_credits_unknown_idea_and_round(hub):
    root = hub(
        {
            idea_path(): IDEA,
            "content/rounds/spring.md": ROUND,
            "content/changelog/v1.md": """
                ---
                title: Version 1
                date: 2026-04-01
                changes:
                  - type: added
                    text: Dark mode.
                    ideas: [dark-mod]
                    rounds: [autumn]
                ---
            """,
        }
    )
    assert lines(root) == [
        "content/changelog/v1.md:7:13: error: changes[1].ideas[1]: unknown idea 'dark-mod' "
        "(did you mean 'dark-mode'?)",
        "content/changelog/v1.md:8:14: error: changes[1].rounds[1]: unknown round 'autumn' "
        "(no file content/rounds/autumn.md)",
    ]


SHIPPED_IDEA = """
    ---
    title: Dark mode
    submitted: 2026-03-02
    author: bob
    updates:
      - date: 2026-04-01
        status: shipped
        by: alice
    ---
    Words.
"""

NIGHT_THEME_DUPLICATE = """
    ---
    title: A night theme
    submitted: 2026-03-10
    author: erin
    duplicate_of: dark-mode
    ---
    Words.
"""


def test_crediting_a_duplicate_credits_the_original(hub):
    root = hub(
        {
            idea_path(): SHIPPED_IDEA,
            idea_path("night-theme"): NIGHT_THEME_DUPLICATE,
            "content/changelog/v1.md": """
                ---
                title: Version 1
                date: 2026-04-01
                changes:
                  - type: added
                    text: Dark mode.
                    ideas: [night-theme]
                ---
            """,
        }
    )
    assert lines(root) == [
        "content/changelog/v1.md:7:13: warning: changes[1].ideas[1]: 'night-theme' is a "
        "duplicate of 'dark-mode'; the credit goes to 'dark-mode' (credit 'dark-mode' instead)"
    ]
    model = read(root).hub
    assert model.releases["v1"].changes[0].ideas == ("dark-mode",)
    assert model.ideas["dark-mode"].credited_by == (ChangeRef("v1", 1),)
    assert model.ideas["dark-mode"].shipped_in == "v1"
    assert model.ideas["night-theme"].credited_by == ()
    assert model.ideas["night-theme"].shipped_in is None


def test_crediting_a_duplicate_of_an_unknown_idea_adds_no_warning(hub):
    root = hub(
        {
            idea_path("night-theme"): NIGHT_THEME_DUPLICATE,
            "content/changelog/v1.md": """
                ---
                title: Version 1
                date: 2026-04-01
                changes:
                  - type: added
                    text: Dark mode.
                    ideas: [night-theme]
                ---
            """,
        }
    )
    assert lines(root) == [
        "content/ideas/night-theme.md:5:15: error: duplicate_of: unknown idea 'dark-mode' "
        "(no file content/ideas/dark-mode.md)"
    ]


# -- per-file rules -----------------------------------------------------------------


def test_updates_out_of_date_order(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                updates:
                  - date: 2026-03-10
                    status: under-review
                    by: alice
                  - date: 2026-03-05
                    status: planned
                    by: alice
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:9:11: error: updates[2].date: updates must be oldest first: "
        "this one (2026-03-05) is dated before updates[1] (2026-03-10)"
    ]


def test_update_before_submitted(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                updates:
                  - date: 2026-03-01
                    status: under-review
                    by: alice
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:6:11: error: updates[1].date: this update (2026-03-01) is "
        "dated before the idea was submitted (2026-03-02)"
    ]


def test_declined_without_note(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                updates:
                  - date: 2026-03-03
                    status: declined
                    by: alice
                ---
                Words.
            """
        }
    )
    assert lines(root) == [f"content/ideas/dark-mode.md:6:3: {DECLINED}"]


def test_declined_with_empty_note(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                updates:
                  - date: 2026-03-03
                    status: declined
                    by: alice
                    note:
                ---
                Words.
            """
        }
    )
    assert lines(root) == [f"content/ideas/dark-mode.md:9:5: {DECLINED}"]


def test_update_without_by_is_a_warning(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                updates:
                  - date: 2026-03-03
                    status: planned
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:6:3: warning: updates[1].by: no 'by': this answer will be "
        "signed 'the team' (name who answered)"
    ]


def test_round_closes_before_it_opens(hub):
    root = hub(
        {
            "content/rounds/spring.md": """
                ---
                title: Spring survey
                opens: 2026-03-31
                closes: 2026-03-01
                ---
            """
        }
    )
    assert lines(root) == [
        "content/rounds/spring.md:4:9: error: closes: the round closes (2026-03-01) before it "
        "opens (2026-03-31)"
    ]


# -- graph warnings -----------------------------------------------------------------


def test_credited_but_not_shipped(hub):
    root = hub(
        {
            idea_path(): IDEA,
            idea_path("csv-export"): SHIPPED_IDEA.replace("Dark mode", "CSV export"),
            "content/changelog/v1.md": """
                ---
                title: Version 1
                date: 2026-04-01
                changes:
                  - type: added
                    text: CSV export.
                    ideas: [csv-export]
                  - type: added
                    text: Dark mode.
                    ideas:
                      - csv-export
                      - dark-mode
                ---
            """,
        }
    )
    assert lines(root) == [
        "content/changelog/v1.md:12:9: warning: changes[2].ideas[2]: credits idea 'dark-mode', "
        "whose status is 'new', not 'shipped' (add an update with status: shipped to "
        "content/ideas/dark-mode.md)"
    ]


def test_credited_through_a_duplicate_but_not_shipped_points_at_the_item(hub):
    root = hub(
        {
            idea_path(): IDEA,
            idea_path("night-theme"): NIGHT_THEME_DUPLICATE,
            "content/changelog/v1.md": """
                ---
                title: Version 1
                date: 2026-04-01
                changes:
                  - type: added
                    text: Dark mode.
                    ideas: [night-theme]
                ---
            """,
        }
    )
    assert lines(root) == [
        "content/changelog/v1.md:7:13: warning: changes[1].ideas[1]: 'night-theme' is a "
        "duplicate of 'dark-mode'; the credit goes to 'dark-mode' (credit 'dark-mode' instead)",
        "content/changelog/v1.md:7:13: warning: changes[1].ideas[1]: credits idea 'dark-mode', "
        "whose status is 'new', not 'shipped' (add an update with status: shipped to "
        "content/ideas/dark-mode.md)",
    ]


def test_shipped_but_credited_by_no_release(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                updates:
                  - date: 2026-03-03
                    status: planned
                    by: alice
                  - date: 2026-04-01
                    status: shipped
                    by: alice
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:10:13: warning: updates[2].status: marked shipped, but no "
        "changelog entry credits this idea (list 'dark-mode' under a change's ideas)"
    ]


# -- tags ---------------------------------------------------------------------------


def test_tag_with_an_empty_slug(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                tags: [ui, "!!!"]
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:5:12: error: tags[2]: tag '!!!' has no letters or digits "
        "to make its URL from"
    ]


def test_two_spellings_of_one_tag(hub):
    tagged = "tags: [Dark Mode]"
    root = hub(
        {
            idea_path("a"): idea_with(tagged),
            idea_path("b"): idea_with(tagged),
            idea_path("c"): idea_with("tags: [ui, dark-mode]"),
        }
    )
    assert lines(root) == [
        "content/ideas/c.md:5:12: warning: tags[2]: tag 'dark-mode' is shown as 'Dark Mode': "
        "spellings with the same URL (/tags/dark-mode/) are one tag (write 'Dark Mode')"
    ]
    assert read(root).hub.tags["dark-mode"].name == "Dark Mode"


# -- participants -------------------------------------------------------------------


@pytest.mark.parametrize(
    "participants",
    ["[bob, {name: Sarah Merion}]", "40"],
    ids=["list", "count"],
)
def test_participants_as_a_list_or_a_count(hub, participants):
    root = hub(
        {
            "content/rounds/spring.md": f"""
                ---
                title: Spring survey
                opens: 2026-03-01
                closes: 2026-03-31
                participants: {participants}
                ---
            """
        }
    )
    assert lines(root) == []


def test_participants_as_text(hub):
    root = hub(
        {
            "content/rounds/spring.md": """
                ---
                title: Spring survey
                opens: 2026-03-01
                closes: 2026-03-31
                participants: many
                ---
            """
        }
    )
    assert lines(root) == [
        "content/rounds/spring.md:5:15: error: participants: expected a list of persons "
        "(handles like sarah-merion, or {name: \"Someone\"}) or a whole number; found 'many'"
    ]


# -- URL fields ---------------------------------------------------------------------


def test_participate_must_be_http(hub):
    root = hub(
        {
            "content/rounds/spring.md": """
                ---
                title: Spring survey
                opens: 2026-03-01
                closes: 2026-03-31
                participate: ftp://x
                ---
            """
        }
    )
    assert lines(root) == [
        "content/rounds/spring.md:5:14: error: participate: expected an http(s) URL, "
        "found 'ftp://x' (start it with https://)"
    ]


def test_person_url_needs_a_scheme(hub):
    root = hub({"content/people/alice.md": "---\nname: Alice\nurl: example.com\n---\n"})
    assert lines(root) == [
        "content/people/alice.md:3:6: error: url: expected an http(s) URL, found 'example.com' "
        "(start it with https://)"
    ]


# -- aliases ------------------------------------------------------------------------


def test_alias_path_is_fine(hub):
    root = hub({idea_path(): idea_with("aliases: [/old/path/]")})
    assert lines(root) == []
    assert read(root).hub.ideas["dark-mode"].aliases == ("/old/path/",)


def test_alias_that_escapes_is_an_error(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                aliases:
                  - ../escape
                  - /a/../b/
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        f"content/ideas/dark-mode.md:6:5: error: aliases[1]: expected a path like /old/path/, "
        f"found '../escape' ({PATH_HINT})",
        f"content/ideas/dark-mode.md:7:5: error: aliases[2]: expected a path like /old/path/, "
        f"found '/a/../b/' ({PATH_HINT})",
    ]


# -- supporters ---------------------------------------------------------------------


def test_author_listed_as_supporter(hub):
    root = hub({idea_path(): idea_with("supporters: [carol, bob]")})
    assert lines(root) == [
        "content/ideas/dark-mode.md:5:21: warning: supporters[2]: bob is the author, not a "
        "supporter (remove it)"
    ]


def test_supporter_listed_twice(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                supporters:
                  - {name: Sarah Merion}
                  - carol
                  - {name: Sarah Merion}
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:8:5: warning: supporters[3]: Sarah Merion is listed twice "
        "(remove it)"
    ]


# -- drafts -------------------------------------------------------------------------


def test_drafts_are_validated(hub):
    root = hub(
        {
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-02-30
                author: bob
                draft: true
                ---
                Words.
            """
        }
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:3:12: error: submitted: expected a date (YYYY-MM-DD), "
        "found '2026-02-30' (February 2026 has 28 days)"
    ]


# -- everything at once -------------------------------------------------------------


def test_many_defects_reported_in_one_run_sorted(hub):
    root = hub(
        {
            "content/rounds/spring.md": """
                ---
                title: Spring survey
                opens: 2026-03-31
                closes: 2026-03-01
                participate: survey.example.com
                ---
            """,
            "content/people/alice.md": """
                ---
                name: Alice
                teem: true
                ---
            """,
            "content/pages/about.md": "About us.\n",
            idea_path("night-theme"): """
                ---
                title: A night theme
                submitted: 2026-03-10
                author: Erin Blake
                duplicate_of: night-theme
                ---
                Words.
            """,
            idea_path(): """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                product: wbe
                round: sprng
                tags: [UI, ui, UI]
                supporters: [bob]
                updates:
                  - date: 2026-03-05
                    status: declined
                    by: alcie
                  - date: 2026-03-04
                    status: shiped
                ---
                Words.
            """,
            "content/changelog/v1.md": """
                ---
                title: Version 1
                date: 2026-13-01
                version: 1.10
                changes:
                  - type: added
                    ideas: [dark-mod]
                ---
            """,
            "content/changelog/v2.md": """
                ---
                title: Version 2
                date: 2026-04-01
                changes:
                  - type: added
                    text: Dark mode.
                    ideas: [dark-mode]
                ---
            """,
        }
    )
    assert lines(root) == [
        "content/changelog/v1.md:3:7: error: date: expected a date (YYYY-MM-DD), found "
        "'2026-13-01' (there is no month 13)",
        "content/changelog/v1.md:4:10: error: version: expected text, found a number (1.1) "
        "(quote it)",
        "content/changelog/v1.md:6:3: error: changes[1].text: missing required field 'text', "
        "Markdown text",
        "content/changelog/v1.md:7:13: error: changes[1].ideas[1]: unknown idea 'dark-mod' "
        "(did you mean 'dark-mode'?)",
        "content/changelog/v2.md:7:13: warning: changes[1].ideas[1]: credits idea 'dark-mode', "
        "whose status is 'declined', not 'shipped' (add an update with status: shipped to "
        "content/ideas/dark-mode.md)",
        "content/ideas/dark-mode.md:5:10: error: product: unknown product 'wbe' "
        "(did you mean 'web'?)",
        "content/ideas/dark-mode.md:6:8: error: round: unknown round 'sprng' "
        "(did you mean 'spring'?)",
        "content/ideas/dark-mode.md:7:12: warning: tags[2]: tag 'ui' is shown as 'UI': "
        "spellings with the same URL (/tags/ui/) are one tag (write 'UI')",
        "content/ideas/dark-mode.md:8:14: warning: supporters[1]: bob is the author, not a "
        "supporter (remove it)",
        f"content/ideas/dark-mode.md:10:3: {DECLINED}",
        "content/ideas/dark-mode.md:12:9: warning: updates[1].by: 'alcie' has no profile in "
        "content/people/ (did you mean 'alice'?)",
        "content/ideas/dark-mode.md:13:3: warning: updates[2].by: no 'by': this answer will be "
        "signed 'the team' (name who answered)",
        "content/ideas/dark-mode.md:13:11: error: updates[2].date: updates must be oldest "
        "first: this one (2026-03-04) is dated before updates[1] (2026-03-05)",
        f"content/ideas/dark-mode.md:14:13: error: updates[2].status: expected {STATUSES}; "
        f"found 'shiped' (did you mean 'shipped'?)",
        f"content/ideas/night-theme.md:4:9: error: author: expected {PERSON}, found "
        f"'Erin Blake' (write {{name: \"Erin Blake\"}})",
        "content/ideas/night-theme.md:5:15: error: duplicate_of: an idea cannot be a duplicate "
        "of itself",
        f"content/pages/about.md:1:1: {MISSING_FRONT}",
        "content/people/alice.md:3:1: error: teem: unknown field 'teem' in a person "
        "(did you mean 'team'?)",
        "content/rounds/spring.md:4:9: error: closes: the round closes (2026-03-01) before it "
        "opens (2026-03-31)",
        "content/rounds/spring.md:5:14: error: participate: expected an http(s) URL, found "
        "'survey.example.com' (start it with https://)",
    ]
