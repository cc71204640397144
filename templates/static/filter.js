/* Instant filtering of the idea cards on a list page or the roadmap, by status,
   product and tag.

   Progressive enhancement: without this script the page is whole, and the lists by
   status, product and tag are the way to browse. The script only narrows the cards
   already on the page. Its controls go into the empty `.filter-bar` the page keeps
   for them (`data-filter-for`: the id of the cards' container; `data-filter`: the
   facets to offer; `data-filter-text`: the words to say, so that they are the
   theme's, in its language, English being only the fallback of a page without
   them), which style.css holds room for while scripts run, so nothing below
   moves when they appear. Counts are written as the page's language (`<html
   lang>`) writes numbers. Each card says what it is filtered by in `data-facets`.
   The choice is kept in the address (?status=planned&tag=invoices), so a filtered
   view can be shared, and restored from it. */
"use strict";

(() => {
  /** Where each facet's values are in a card's `data-facets`. */
  const FIELDS = { status: "status", product: "product", tag: "tags" };
  /** Each facet's label, when the page does not say it. */
  const NAMES = { status: "Status", product: "Product", tag: "Tag" };
  const NO_MATCH = "No idea here matches.";

  /** A count as the page's language writes it (its digits, its grouping). */
  function number(n) {
    try {
      return n.toLocaleString(document.documentElement.lang || "en");
    } catch {
      return String(n); // a language tag the browser does not take
    }
  }

  /** A card's values of one facet, as [key, label, url, rank?] lists. */
  function valuesOf(facets, facet) {
    const value = facets[FIELDS[facet]];
    if (!value) return [];
    return facet === "tag" ? value : [value];
  }

  /** Every value the cards have for `facet`, with how many cards have it, in the
      order a reader looks for them: a status by its place in the lifecycle, the
      rest by name. */
  function options(cards, facet) {
    const found = new Map();
    for (const card of cards) {
      for (const [key, label, url, rank] of valuesOf(card.facets, facet)) {
        const seen = found.get(key) || { key, label, url, rank, count: 0 };
        seen.count += 1;
        found.set(key, seen);
      }
    }
    return [...found.values()].sort(
      (a, b) => (a.rank ?? 0) - (b.rank ?? 0) || a.label.localeCompare(b.label),
    );
  }

  /** An element made here, marked so that a reader of the page's text (a test,
      a tool) can tell what the script added from what the page says. */
  function make(tag, props = {}, children = []) {
    const el = Object.assign(document.createElement(tag), props);
    el.dataset.enhancement = "";
    el.append(...children);
    return el;
  }

  function enhance(bar) {
    const list = document.getElementById(bar.dataset.filterFor);
    if (!list) return;
    const words = JSON.parse(bar.dataset.filterText || "{}");
    const cards = [...list.querySelectorAll("[data-facets]")].map((el) => ({
      el,
      facets: JSON.parse(el.dataset.facets),
    }));
    // A facet is worth a control only when choosing a value of it can hide a card.
    const facets = (bar.dataset.filter || "")
      .split(/\s+/)
      .filter((facet) => facet in FIELDS)
      .map((facet) => ({ facet, options: options(cards, facet) }))
      .filter(
        ({ options: found }) =>
          found.length > 1 || (found.length === 1 && found[0].count < cards.length),
      );
    if (!facets.length) {
      bar.hidden = true;
      return;
    }
    const selects = facets.map(({ facet, options: found }) => {
      const id = `filter-${bar.dataset.filterFor}-${facet}`;
      const select = make("select", { id, name: facet }, [
        make("option", { value: "", textContent: words.any || "Any" }),
        ...found.map((o) => make("option", { value: o.key, textContent: `${o.label} (${number(o.count)})` })),
      ]);
      const label = make("label", { htmlFor: id, textContent: words[facet] || NAMES[facet] });
      return { facet, select, found, field: make("div", { className: "filter-field" }, [label, select]) };
    });
    const form = make("div", { className: "filter-form" }, selects.map(({ field }) => field));
    form.setAttribute("role", "group");
    form.setAttribute("aria-label", words.label || "Filter");
    const result = make("p", { className: "filter-result" });
    result.setAttribute("role", "status"); // polite: read out when the reader pauses
    bar.append(form, result);

    const groups = [...list.querySelectorAll("[data-filter-group]")]
      .filter((group) => group.querySelector("[data-facets]"))
      .map((group) => {
        const note = make("p", { className: "empty", hidden: true, textContent: words.none || NO_MATCH });
        group.append(note);
        return { group, note };
      });

    function apply(announce) {
      const chosen = selects.filter(({ select }) => select.value);
      let shown = 0;
      for (const card of cards) {
        const match = chosen.every(({ facet, select }) =>
          valuesOf(card.facets, facet).some(([key]) => key === select.value),
        );
        card.el.hidden = !match;
        if (match) shown += 1;
      }
      for (const { group, note } of groups) {
        note.hidden = Boolean(group.querySelector("[data-facets]:not([hidden])"));
      }
      if (!announce) return;
      const said = (words.shown || "{shown} / {total}")
        .replace("{shown}", number(shown))
        .replace("{total}", number(cards.length));
      result.replaceChildren(shown ? said : `${words.none || NO_MATCH} ${said}`);
      // Some of a longer list: the full list of each value chosen is a link away.
      const more =
        "filterMore" in bar.dataset
          ? chosen.map(({ select, found }) => found.find((o) => o.key === select.value))
          : [];
      if (more.length) {
        result.append(` ${words.more || "See the full lists:"} `);
        more.forEach((o, n) => {
          if (n) result.append(" · ");
          result.append(make("a", { href: o.url, textContent: o.label }));
        });
      }
    }

    /** The choice as the address says it, for sharing and for coming back. */
    function remember() {
      const params = new URLSearchParams(location.search);
      for (const { facet, select } of selects) {
        if (select.value) params.set(facet, select.value);
        else params.delete(facet);
      }
      const query = params.toString();
      history.replaceState(history.state, "", (query ? `?${query}` : location.pathname) + location.hash);
    }

    const asked = new URLSearchParams(location.search);
    let restored = false;
    for (const { facet, select, found } of selects) {
      const key = asked.get(facet);
      if (key && found.some((o) => o.key === key)) {
        select.value = key;
        restored = true;
      }
    }
    apply(restored);
    for (const { select } of selects) {
      select.addEventListener("change", () => {
        apply(true);
        remember();
      });
    }
  }

  document.querySelectorAll(".filter-bar[data-filter-for]").forEach(enhance);
})();
