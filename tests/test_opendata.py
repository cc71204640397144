"""Open data (SPEC §10): the JSON under /api/v1/, held to its published schemas and to
what the pages of the same build say."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import jsonschema
import pytest
from conftest import EPOCH, ROOT, write_hub
from lxml import html

from builder.build import build
from builder.opendata import plain_text, schema_file
from builder.schema import STATUSES
from builder.urls import DATA_DOCUMENTS, DATA_SCHEMAS

ENV = {"SOURCE_DATE_EPOCH": EPOCH}

FILES = {
    "content/people/maya.md": """
        ---
        name: Maya Okafor
        team: true
        ---
        Product manager.
    """,
    "content/people/quiet-one.md": """
        ---
        name: Quentin Hidden
        public: false
        ---
    """,
    "content/ideas/dark-mode.md": """
        ---
        title: Dark mode
        submitted: 2026-03-01
        author: robin
        product: web
        tags: [Look, accessibility]
        supporters: [quiet-one, {name: "Jo Park"}]
        round: spring-round
        updates:
          - {date: 2026-03-04, status: planned, by: maya, note: "Planned for *spring*. See [the round](/rounds/spring-round/)."}
          - {date: 2026-04-10, status: shipped, by: quiet-one}
        ---
        Please add a **dark mode**.

        My eyes hurt <script>alert(1)</script> at night.
    """,
    "content/ideas/night-theme.md": """
        ---
        title: A night theme
        submitted: 2026-03-05
        author: sam
        duplicate_of: dark-mode
        ---
        A darker look, please.
    """,
    "content/ideas/export-csv.md": """
        ---
        title: Export to CSV
        submitted: 2026-05-01
        author: quiet-one
        product: mobile
        ---
        I want my data out.
    """,
    "content/ideas/secret-plan.md": """
        ---
        title: A secret plan
        submitted: 2026-05-02
        author: robin
        draft: true
        ---
        Not yet.
    """,
    "content/rounds/spring-round.md": """
        ---
        title: Spring round
        opens: 2026-02-01
        closes: 2026-02-28
        questions: [What hurts?]
        participants: 12
        heard: "You want **darker** screens."
        ---
        Tell us.
    """,
    "content/changelog/v2.md": """
        ---
        title: Version 2
        date: 2026-04-10
        version: "2.0"
        product: web
        changes:
          - {type: added, text: "A dark mode.", ideas: [dark-mode], rounds: [spring-round], thanks: [robin, quiet-one]}
          - {type: fixed, text: "A small fix.", ideas: [secret-plan]}
        ---
        The big one.
    """,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The small hub above, built once."""
    root = tmp_path_factory.mktemp("hub")
    _write(root)
    out = root / "site"
    result = build(root, out, environ=ENV, search=False)
    assert result.ok, [d.text() for d in result.problems.errors]
    return out


def _write(root: Path) -> None:
    write_hub(root, FILES)


def data(site: Path, name: str) -> dict:
    return json.loads((site / "api/v1" / name).read_text(encoding="utf-8"))


def page(site: Path, url: str):
    return html.parse(str(site / url.lstrip("/") / "index.html")).getroot()


def documents(site: Path) -> list[tuple[str, Path]]:
    """Every JSON document of the site with the name of its schema."""
    api = site / "api/v1"
    found = [(name, api / f"{name}.json") for name in DATA_DOCUMENTS]
    found += [("idea", p) for p in sorted((api / "ideas").glob("*.json"))]
    return found


def test_every_document_follows_its_published_schema(site):
    docs = documents(site)
    assert len(docs) == len(DATA_DOCUMENTS) + 3  # three published ideas
    for name in DATA_SCHEMAS:
        published = site / f"api/v1/schema/{name}.json"
        assert published.read_bytes() == schema_file(name).read_bytes()
        jsonschema.Draft202012Validator.check_schema(json.loads(published.read_text()))
    for name, path in docs:
        schema = json.loads((site / f"api/v1/schema/{name}.json").read_text())
        validator = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        document = json.loads(path.read_text(encoding="utf-8"))
        errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]
        assert not errors, (path.name, errors)
        assert document["$schema"] == f"https://hub.example.com/api/v1/schema/{name}.json"


def test_the_schemas_are_strict_enough_to_catch_a_slip(site):
    """A schema that accepts anything proves nothing: a missing key, an unknown one
    and a status outside the set are each refused."""
    schema = json.loads(schema_file("ideas").read_text())
    good = data(site, "ideas.json")
    jsonschema.validate(good, schema)
    first = good["ideas"][0]
    for broken in (
        {k: v for k, v in first.items() if k != "status"},
        {**first, "extra": 1},
        {**first, "status": "maybe"},
        {**first, "submitted": "1 March 2026"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**good, "ideas": [broken]}, schema)


def test_ideas_list_every_published_idea_as_the_pages_do(site):
    ideas = {i["slug"]: i for i in data(site, "ideas.json")["ideas"]}
    assert sorted(ideas) == ["dark-mode", "export-csv", "night-theme"]
    listed = page(site, "/ideas/").xpath("//p[@class='list-count']")[0].text_content()
    originals = [i for i in ideas.values() if i["duplicate_of"] is None]
    assert listed.startswith(f"{len(originals)} ideas")
    for slug, idea in ideas.items():
        assert idea["url"] == f"https://hub.example.com/ideas/{slug}/"
        assert (site / f"api/v1/ideas/{slug}.json").exists()
        if idea["duplicate_of"] is None:  # the badge under the idea's title
            meta = page(site, f"/ideas/{slug}/").xpath("//p[@class='idea-meta']")[0]
            badge = meta.xpath(".//span[contains(concat(' ', @class, ' '), ' status ')]")[0]
            assert f"status-{idea['status']}" in badge.get("class").split()
            assert badge.text_content().strip() == idea["status_label"]
    dark = ideas["dark-mode"]
    assert dark["status"] == "shipped" and dark["status_label"] == "Shipped"
    assert dark["product"] == "web" and dark["product_name"] == "Web app"
    assert [t["slug"] for t in dark["tags"]] == ["look", "accessibility"]
    assert dark["submitted"] == "2026-03-01"
    assert dark["days_to_first_answer"] == 3
    assert dark["shipped_in"] == "v2"
    # robin, the private supporter, Jo Park, and sam who raised the duplicate.
    assert dark["supporters"] == 4
    assert ideas["night-theme"]["duplicate_of"] == "dark-mode"
    assert ideas["export-csv"]["days_to_first_answer"] is None


def test_an_idea_whole_carries_its_words_and_answers_as_the_page_shows_them(site):
    idea = data(site, "ideas/dark-mode.json")
    # The very HTML the page shows (it has no links to make absolute).
    shown = (site / "ideas/dark-mode/index.html").read_text(encoding="utf-8")
    assert idea["words"]["html"] in shown
    assert "<script" not in idea["words"]["html"]
    assert "<strong>dark mode</strong>" in idea["words"]["html"]
    assert idea["words"]["text"].startswith("Please add a dark mode.\n\nMy eyes hurt")
    first, second = idea["answers"]
    assert (first["date"], first["status"], first["status_label"]) == (
        "2026-03-04",
        "planned",
        "Planned",
    )
    assert first["by"] == {
        "name": "Maya Okafor",
        "handle": "maya",
        "url": "https://hub.example.com/people/maya/",
        "team": True,
    }
    # Links in the note are absolute, as the JSON is read away from the site.
    assert 'href="https://hub.example.com/rounds/spring-round/"' in first["note"]["html"]
    assert first["note"]["text"] == "Planned for spring. See the round."
    assert second["by"]["handle"] is None and second["by"]["url"] is None
    assert second["note"] is None
    assert [d["slug"] for d in idea["duplicates"]] == ["night-theme"]
    assert idea["round"]["slug"] == "spring-round"
    assert [r["slug"] for r in idea["releases"]] == ["v2"]
    names = [w["name"] for w in idea["also_asked_by"]]
    assert "Jo Park" in names and "Quentin Hidden" not in names
    tomb = data(site, "ideas/night-theme.json")
    assert tomb["duplicate_of"] == "dark-mode" and tomb["duplicates"] == []


def test_the_hub_document_has_the_figures_the_home_page_shows(site):
    hub = data(site, "hub.json")
    shown = {
        div.xpath("string(dt)"): div.xpath("string(dd/a)").strip()
        for div in page(site, "/").xpath("//dl[@class='figures']/div")
    }
    figures = hub["figures"]
    assert shown["Ideas heard"] == str(figures["ideas_heard"])
    assert shown["Answered"] == f"{round(figures['share_answered'] * 100)}%"
    assert shown["Median days to a first answer"] == f"{figures['median_days_to_first_answer']:g}"
    assert shown["Shipped"] == str(figures["shipped"])
    assert shown["People credited"] == str(figures["people_credited"])
    assert [s["status"] for s in hub["statuses"]] == list(STATUSES)
    assert [p["key"] for p in hub["products"]] == ["web", "mobile"]
    assert hub["base_url"] == "https://hub.example.com/"
    for url in (*hub["links"]["data"].values(), *hub["links"]["schemas"].values()):
        assert (site / url.removeprefix(hub["base_url"])).is_file(), url


def test_rounds_releases_and_people(site):
    (round_,) = data(site, "rounds.json")["rounds"]
    assert round_["state"] == "closed" and round_["participants"] == 12
    assert round_["heard"]["text"] == "You want darker screens."
    assert [i["slug"] for i in round_["ideas"]] == ["dark-mode"]
    assert [r["slug"] for r in round_["releases"]] == ["v2"]
    (release,) = data(site, "releases.json")["releases"]
    assert release["version"] == "2.0" and release["date"] == "2026-04-10"
    added, fixed = release["changes"]
    assert [t["name"] for t in added["thanks"]] == ["robin", "a customer"]
    assert fixed["ideas"] == []  # the draft it credits is left out
    people = {p["handle"]: p for p in data(site, "people.json")["people"]}
    assert sorted(people) == ["maya", "robin", "sam"]
    assert people["maya"]["team"] and people["maya"]["answers"] == 1
    assert people["robin"]["shaped"] == ["v2"]


def test_drafts_and_private_people_are_nowhere_in_the_data(site):
    for _, path in documents(site):
        text = path.read_text(encoding="utf-8")
        assert "secret" not in text.lower(), path
        assert "quiet-one" not in text and "Quentin" not in text, path
    assert not (site / "api/v1/ideas/secret-plan.json").exists()


def test_a_build_with_drafts_has_them(tmp_path):
    _write(tmp_path)
    out = tmp_path / "site"
    assert build(tmp_path, out, environ=ENV, drafts=True, search=False).ok
    assert (out / "api/v1/ideas/secret-plan.json").exists()


def test_feeds_page_lists_the_data_with_its_schemas_and_the_sitemap_does_not(site):
    section = page(site, "/feeds/").xpath("//section[@aria-labelledby='data']")[0]
    assert section.xpath("string(h2[@id='data'])") == "Data"
    links = section.xpath(".//a/@href")
    for name in DATA_DOCUMENTS:
        assert f"/api/v1/{name}.json" in links
    for name in DATA_SCHEMAS:
        assert f"/api/v1/schema/{name}.json" in links
    assert "/api/v1/ideas/SLUG.json" not in links  # a pattern, shown as text
    assert "ideas/SLUG.json" in section.text_content()
    assert ".json" not in (site / "sitemap.xml").read_text(encoding="utf-8")


def test_the_data_is_the_same_bytes_from_build_to_build_and_from_the_cache(tmp_path):
    root = tmp_path / "hub"
    root.mkdir()
    _write(root)

    def api(out: Path) -> dict[str, bytes]:
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.json"))}

    first = tmp_path / "one"
    assert build(root, first, environ=ENV, search=False, cache=False).ok
    second = tmp_path / "two"
    assert build(root, second, environ=ENV, search=False, cache=False).ok
    assert api(first) == api(second)
    # Cached: an answer added and a person renamed reach the data as a cold build has them.
    assert build(root, root / "site", environ=ENV, search=False).ok
    idea = root / "content/ideas/export-csv.md"
    idea.write_text(
        idea.read_text().replace(
            "product: mobile\n",
            "product: mobile\nupdates:\n  - {date: 2026-05-03, status: planned, by: maya}\n",
        )
    )
    maya = root / "content/people/maya.md"
    maya.write_text(maya.read_text().replace("Maya Okafor", "Maya O."))
    assert build(root, root / "site", environ=ENV, search=False).ok
    cold = tmp_path / "cold"
    assert build(root, cold, environ=ENV, search=False, cache=False).ok
    assert api(root / "site") == api(cold)
    answered = json.loads((cold / "api/v1/ideas/export-csv.json").read_text())
    assert answered["answers"][0]["by"]["name"] == "Maya O."


def test_plain_text_keeps_paragraphs_and_list_items_and_drops_markup():
    assert plain_text("<p>One <em>two</em></p>\n<p>three &amp; four</p>") == (
        "One two\n\nthree & four"
    )
    assert plain_text("<ul><li>a</li><li>b<br>c</li></ul>") == "- a\n\n- b\nc"
    assert plain_text("") == ""


def test_the_api_reference_is_made_from_the_schemas():
    """docs/api.md documents every file and field, generated from the schemas:
    `python scripts/api_docs.py` writes it again after a schema changes."""
    import runpy

    made = runpy.run_path(str(ROOT / "scripts/api_docs.py"))["reference"]()
    assert (ROOT / "docs/api.md").read_text(encoding="utf-8") == made, (
        "docs/api.md is behind builder/schemas/: run `python scripts/api_docs.py`"
    )
    for name in DATA_SCHEMAS:
        schema = json.loads(schema_file(name).read_text())
        for path in _field_paths(schema, schema):
            assert f"`{path}`" in made, (name, path)


def _field_paths(schema: dict, root: dict, prefix: str = ""):
    """Every field of a schema as `a.b[].c`, following its local $refs."""
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    for option in schema.get("anyOf", []):
        yield from _field_paths(option, root, prefix)
    if schema.get("type") == "array":
        yield from _field_paths(schema["items"], root, prefix + "[]")
    for key, sub in schema.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        yield path
        yield from _field_paths(sub, root, path)


def test_the_schemas_ship_in_the_wheel(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in DATA_SCHEMAS:
        assert f"builder/schemas/{name}.json" in names


def test_a_hub_published_under_a_path_links_under_it(tmp_path):
    _write(tmp_path)
    yaml = tmp_path / "hub.yaml"
    yaml.write_text(yaml.read_text().replace(".com/", ".com/hub/"))
    out = tmp_path / "site"
    assert build(tmp_path, out, environ=ENV, search=False).ok
    idea = json.loads((out / "api/v1/ideas/dark-mode.json").read_text())
    assert idea["url"] == "https://hub.example.com/hub/ideas/dark-mode/"
    assert (
        'href="https://hub.example.com/hub/rounds/spring-round/"'
        in (idea["answers"][0]["note"]["html"])
    )
    links = page(out, "/feeds/").xpath("//section[@aria-labelledby='data']//a/@href")
    assert "/hub/api/v1/ideas.json" in links
    shutil.rmtree(out)
