"""A synthetic hub of any size, for benchmarks: deterministic (seeded), shaped like
the example hub (every status, duplicates, rounds, releases crediting ideas)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

STATUSES = ["under-review", "planned", "in-progress", "shipped", "declined"]
WORDS = [
    "invoice",
    "report",
    "export",
    "bank",
    "feed",
    "receipt",
    "mobile",
    "reminder",
    "client",
    "tax",
    "dashboard",
    "payment",
    "currency",
    "category",
    "approval",
    "search",
    "filter",
    "template",
    "schedule",
    "summary",
]
TAGS = ["invoices", "reports", "export", "bank-feeds", "mobile", "tax", "api", "accessibility"]


def write_hub(root: Path, ideas: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    start = date(2024, 1, 1)
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "hub.yaml").write_text(
        "title: Bench Hub\nbase_url: https://bench.example.com/\n"
        "products:\n  web: Web app\n  mobile: Mobile app\n  api: API\n",
        encoding="utf-8",
    )
    for folder in ("ideas", "rounds", "changelog", "people"):
        (root / "content" / folder).mkdir(exist_ok=True)
    people = [f"person-{n}" for n in range(max(10, ideas // 20))]
    staff = people[:8]
    for handle in people[:40]:
        team = "true" if handle in staff else "false"
        (root / "content/people" / f"{handle}.md").write_text(
            f"---\nname: {handle.replace('-', ' ').title()}\nteam: {team}\n---\nA bio.\n",
            encoding="utf-8",
        )
    rounds = [f"round-{n}" for n in range(max(2, ideas // 500))]
    for n, slug in enumerate(rounds):
        opens = start + timedelta(days=30 * n)
        (root / "content/rounds" / f"{slug}.md").write_text(
            f"---\ntitle: Round {n}\nopens: {opens}\ncloses: {opens + timedelta(days=14)}\n"
            f'questions: ["What slows you down?"]\nheard: We heard a lot.\n---\nWhy we ask.\n',
            encoding="utf-8",
        )
    shipped: list[tuple[str, date]] = []
    slugs = [f"idea-{n:05d}" for n in range(ideas)]
    for n, slug in enumerate(slugs):
        submitted = start + timedelta(days=rng.randrange(700))
        title = " ".join(rng.choice(WORDS) for _ in range(5)).capitalize()
        lines = [
            "---",
            f'title: "{title}"',
            f"submitted: {submitted}",
            f"author: {rng.choice(people)}",
            f"product: {rng.choice(['web', 'mobile', 'api'])}",
            f"tags: [{', '.join(rng.sample(TAGS, 2))}]",
            f"supporters: [{', '.join(rng.sample(people, 3))}]",
        ]
        if n % 10 == 0:
            lines.append(f"round: {rng.choice(rounds)}")
        if n % 50 == 49:
            lines.append(f"duplicate_of: {slugs[n - 1 - (n % 7)]}")
        elif n % 5:
            lines.append("updates:")
            day = submitted
            for status in STATUSES[: rng.randrange(1, 5)]:
                day += timedelta(days=rng.randrange(1, 30))
                lines += [f"  - date: {day}", f"    status: {status}", f"    by: {rng.choice(staff)}",
                          "    note: Thanks, we looked at this and here is what happens next."]  # fmt: skip
                if status == "shipped":
                    shipped.append((slug, day))
                    break
            else:
                if n % 9 == 0:  # some ideas are turned down, with a reason
                    day += timedelta(days=rng.randrange(1, 30))
                    lines += [f"  - date: {day}", "    status: declined", f"    by: {rng.choice(staff)}",
                              "    note: We will not do this, and here is why."]  # fmt: skip
        lines += ["---", f"{title}. " * 8, ""]
        (root / "content/ideas" / f"{slug}.md").write_text("\n".join(lines), encoding="utf-8")
    by_day: dict[date, list[str]] = {}
    for slug, day in shipped:
        by_day.setdefault(day, []).append(slug)
    for day, credited in sorted(by_day.items()):
        changes = "\n".join(
            f"  - type: added\n    text: Shipped {s}.\n    ideas: [{s}]\n    thanks: [{rng.choice(people)}]"
            for s in credited
        )
        (root / "content/changelog" / f"release-{day}.md").write_text(
            f"---\ntitle: Release of {day}\ndate: {day}\nchanges:\n{changes}\n---\nNotes.\n",
            encoding="utf-8",
        )
    return root
