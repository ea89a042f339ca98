"""What the browser tests hold every page to, written once so each kind of page meets the same rule:
no sideways scrolling, tap targets a finger can hit, and axe-core finding nothing serious."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

PHONE = {"width": 375, "height": 800}
TAP_TARGET_PX = 44  # the height WCAG 2.5.5 and GOV.UK ask of anything a resident taps


def sideways_overflow(browser_page) -> int:
    """How far the page scrolls sideways (0 or less: not at all)."""
    return browser_page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def small_tap_targets(browser_page, selectors: str) -> int:
    """How many shown elements matching the CSS `selectors` are shorter than a finger."""
    return browser_page.evaluate(
        """([selectors, least]) => [...document.querySelectorAll(selectors)]
        .map(el => el.getBoundingClientRect()).filter(r => r.width > 0 && r.height < least).length""",
        [selectors, TAP_TARGET_PX],
    )


def axe_violations(browser_page, impacts=("serious", "critical")) -> list:
    """(rule, impact, the first three elements) of what axe-core finds of these impacts (None: any)."""
    violations = Axe().run(browser_page).response["violations"]
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if impacts is None or v["impact"] in impacts
    ]
