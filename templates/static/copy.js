/* Copy buttons: a "Copy" button after every element marked `data-copy`.

   The contract, for any page of the theme:
   - `data-copy="TEXT"` on an element: the button copies TEXT (when empty, the
     element's own text). The button goes right after the element, so mark an
     element that is not inside a link or a button (the link itself, a <code>, an
     <input readonly>).
   - `data-copy-label="Copy the Atom address"` (optional): the button's accessible
     name, for a page with several; it starts with the button's word, "Copy".
   - `data-copy-done="Copied the address."` (optional): what is announced once it
     is copied.
   The script's own words are the page's, in the language of the theme: the JSON of
   `data-copy-text` on the element that loads it (base.html's <script>), with
   "copy" (the button's word), "copied" (its word once it has copied), "done" (what
   is announced without `data-copy-done`) and "by_hand" (what is announced when
   the clipboard is refused). English is only the fallback of a page without them.

   Without JavaScript the element is left as it is, its text there to select. Where
   the clipboard is refused (an http page, a browser's setting), the text is
   selected instead and the reader told how to copy it. */
"use strict";

(() => {
  /** The page's words for the script (see above), or none when they are missing or
      not JSON. */
  function pageWords() {
    const holder = document.currentScript?.dataset.copyText
      ? document.currentScript
      : document.querySelector("script[data-copy-text]");
    try {
      return JSON.parse(holder?.dataset.copyText || "{}") || {};
    } catch {
      return {};
    }
  }
  const words = pageWords();
  const COPY = words.copy || "Copy";
  const COPIED = words.copied || "Copied";
  const DONE = words.done || "Copied to the clipboard.";
  const BY_HAND = words.by_hand || "Selected: press Ctrl+C (⌘C on a Mac) to copy it.";
  /** How long the button says it copied before it says "Copy" again. */
  const SHOWN_MS = 2000;

  let status = null;

  /** One polite live region for every button: read out when the reader pauses. */
  function announce(message) {
    if (!status) {
      status = document.createElement("p");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      status.dataset.enhancement = "";
      document.body.append(status);
    }
    // Emptied first, so that the same message twice is read twice.
    status.textContent = "";
    setTimeout(() => {
      status.textContent = message;
    }, 50);
  }

  /** Select the element's text, so that the reader can copy it by hand. */
  function select(el) {
    if (typeof el.select === "function") {
      el.select();
      return;
    }
    const range = document.createRange();
    range.selectNodeContents(el);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  async function copy(el, button) {
    const text = el.dataset.copy || el.value || el.textContent.trim();
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      select(el);
      announce(BY_HAND);
      return;
    }
    button.textContent = COPIED;
    announce(el.dataset.copyDone || DONE);
    clearTimeout(button.restore);
    button.restore = setTimeout(() => {
      button.textContent = COPY;
    }, SHOWN_MS);
  }

  for (const el of document.querySelectorAll("[data-copy]")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button-small button-quiet copy-button";
    button.textContent = COPY;
    if (el.dataset.copyLabel) button.setAttribute("aria-label", el.dataset.copyLabel);
    button.dataset.enhancement = "";
    button.addEventListener("click", () => copy(el, button));
    el.after(button);
  }
})();
