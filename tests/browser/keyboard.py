"""Driving a page with the keyboard alone, as someone who cannot use a mouse does, and checking
after every key press that they can see where they are (WCAG 2.4.7, focus visible)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

# GOV.UK Frontend's focus state is yellow (#ffdd00): a yellow background on links and buttons, a
# yellow outline on fields, a yellow ring drawn by the label's ::before for radios and checkboxes
# (the input itself is transparent). Anything else must draw an outline at least 2px wide: the
# browser's own 1px ring is not enough.
FOCUS_STATE = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) {
    return {visible: false, what: "nothing (focus left the page)"};
  }
  const yellow = "rgb(255, 221, 0)";
  const styles = [getComputedStyle(el)];
  const label = el.labels && el.labels[0];
  if (label && el.matches("input[type=radio], input[type=checkbox]")) {
    styles.push(getComputedStyle(label, "::before"), getComputedStyle(label, "::after"));
  }
  for (const child of el.children) styles.push(getComputedStyle(child));
  const shows = (s) =>
    s.backgroundColor === yellow ||
    s.boxShadow.includes(yellow) ||
    (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2 &&
     !/^rgba\(.*,\s*0\)$/.test(s.outlineColor) && s.outlineColor !== "transparent");
  const rect = (label && el.matches("input[type=radio], input[type=checkbox]") ? label : el)
    .getBoundingClientRect();
  const onScreen = rect.width > 0 && rect.height > 0 && rect.bottom > 0 &&
    rect.top < window.innerHeight;
  const name = ((label && label.innerText) || el.innerText || el.getAttribute("aria-label") ||
    el.name || "").trim().replace(/\s+/g, " ").slice(0, 80);
  const own = styles[0];
  const what = `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${name}" (class ` +
    `"${el.className}", outline ${own.outlineStyle} ${own.outlineWidth} ${own.outlineColor}, ` +
    `box-shadow ${own.boxShadow}, background ${own.backgroundColor}, top ${rect.top})`;
  return {visible: styles.some(shows) && onScreen, what};
}"""

IS_FOCUSED = "el => el === document.activeElement"
SAME_RADIO_GROUP = """el => document.activeElement.type === "radio" && el.type === "radio"
  && document.activeElement.name === el.name && document.activeElement.form === el.form"""


def assert_focus_visible(page: Page) -> str:
    """The focused element shows a focus indicator and is on screen; returns what it is."""
    state = page.evaluate(FOCUS_STATE)
    assert state["visible"], f"{page.url}: focus is not visible on {state['what']}"
    return state["what"]


def tab_to(page: Page, target: Locator, *, max_tabs: int = 120) -> None:
    """Press Tab (checking the focus after each press) until ``target`` has the focus. A group
    of radios is one Tab stop: inside the target's group the arrow keys move (and select)."""
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        assert_focus_visible(page)
        if target.evaluate(IS_FOCUSED):
            return
        if target.evaluate(SAME_RADIO_GROUP):
            for _ in range(20):
                page.keyboard.press("ArrowDown")
                assert_focus_visible(page)
                if target.evaluate(IS_FOCUSED):
                    return
            raise AssertionError(f"the arrow keys did not reach {target}")
    raise AssertionError(f"{max_tabs} presses of Tab did not reach {target} on {page.url}")


def type_into(page: Page, field: Locator, text: str) -> None:
    tab_to(page, field)
    page.keyboard.type(text)


def choose(page: Page, option: Locator) -> None:
    """Select a radio button or tick a checkbox (Space; a radio the arrows reached is selected)."""
    tab_to(page, option)
    if not option.is_checked():
        page.keyboard.press("Space")
    assert option.is_checked(), option


def activate(page: Page, control: Locator) -> None:
    """Follow a link or press a button with Enter."""
    tab_to(page, control)
    page.keyboard.press("Enter")
