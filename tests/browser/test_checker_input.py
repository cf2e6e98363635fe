"""When the checker page checks: at once for a whole text, after a pause for typing."""

from __future__ import annotations

import pytest
from checker_page import open_checker
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Records the checks the page asks its worker for, sends one input event of each kind
# and, after each, lets every timer due at once run (a timer set for now runs before
# a 0 ms timer set after it; the typing pause is a later timer). Returns how many
# checks had been asked for after each event.
INPUTS = """async (kinds) => {
  const asked = [];
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message?.type === "run") asked.push(message.id);
    return post.call(this, message, ...rest);
  };
  const box = document.querySelector('[data-checker-input="kubectl-output"]');
  const counts = [];
  for (const inputType of kinds) {
    box.value = `Error from server (Forbidden): ${inputType}`;
    box.dispatchEvent(new InputEvent("input", { bubbles: true, inputType }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    counts.push(asked.length);
  }
  Worker.prototype.postMessage = post;
  return counts;
}"""


def test_a_paste_or_drop_is_checked_at_once_and_typing_after_a_pause(
    page: Page, site_url: str
) -> None:
    open_checker(page, site_url)
    counts = page.evaluate(INPUTS, ["insertText", "insertFromPaste", "insertFromDrop"])
    # Typing asked for nothing yet; the paste and the drop each asked for a check.
    assert counts == [0, 1, 2]
