"""Accessibility checks for the journeys: axe-core (from axe-playwright-python) and a Tab pass.

``Audit.page(page, name)`` runs axe-core on the page as it is and keeps the serious and critical
violations; then it tabs through the page and keeps every focused control that shows no focus
indicator. The test asserts at its end that nothing was kept, so one run lists every problem.

With ``SCREENSHOTS=docs/screenshots`` in the environment, ``Audit.shot(page, name)`` saves the
page as ``name.png`` there (1280 px wide) for the README.
"""

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

SERIOUS = {"serious", "critical"}
# Kept whatever axe calls their impact ("moderate" or "minor"): the structure a screen reader
# user navigates by, and ids that labels and ARIA point to.
ALWAYS = {
    "landmark-one-main",
    "page-has-heading-one",
    "duplicate-id",
    "duplicate-id-active",
    "duplicate-id-aria",
    "html-has-lang",
    "html-lang-valid",
    "empty-heading",
}
TAB_LIMIT = 60

# Runs in the page: tab order is simulated by the real keyboard, this only describes the focus.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const rect = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || el.getAttribute('aria-label') || el.id || '').slice(0, 40),
    indicated: outline || shadow,
    visible: rect.width > 0 && rect.height > 0,
  };
}"""


class Audit:
    def __init__(self):
        self.axe = Axe()
        self.problems: list[str] = []
        self.pages: list[str] = []
        folder = os.environ.get("SCREENSHOTS")
        self.folder = Path(folder) if folder else None
        if self.folder:
            self.folder.mkdir(parents=True, exist_ok=True)

    def page(self, page, name: str) -> None:
        page.wait_for_load_state()
        self.pages.append(name)
        results = self.axe.run(page)
        for violation in results.response["violations"]:
            if violation["impact"] in SERIOUS or violation["id"] in ALWAYS:
                targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
                self.problems.append(f"{name}: {violation['id']} ({violation['impact']}) {targets}")
        self.keyboard(page, name)

    def keyboard(self, page, name: str) -> None:
        page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
        page.evaluate("() => window.scrollTo(0, 0)")
        seen = 0
        for _ in range(TAB_LIMIT):
            page.keyboard.press("Tab")
            state = page.evaluate(FOCUS_STATE)
            if state is None:
                break
            seen += 1
            if state["visible"] and not state["indicated"]:
                where = f"<{state['tag']}> {state['text']}"
                self.problems.append(f"{name}: no focus indicator on {where}")
        if seen == 0:
            self.problems.append(f"{name}: nothing reachable with Tab")

    def shot(self, page, name: str, *, full_page: bool = True) -> None:
        if self.folder is None:
            return
        page.set_viewport_size({"width": 1280, "height": 900})
        page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
        page.screenshot(path=self.folder / f"{name}.png", full_page=full_page)

    def pdf(self, document: bytes, name: str) -> None:
        """The first page of a PDF as the reader sees it, rendered by PDFium, 1280 px wide."""
        if self.folder is None:
            return
        import pypdfium2

        first = pypdfium2.PdfDocument(document)[0]
        image = first.render(scale=1280 / first.get_width()).to_pil()
        image.convert("RGB").quantize(colors=128).save(self.folder / f"{name}.png", optimize=True)

    def assert_clean(self) -> None:
        assert not self.problems, "Accessibility problems:\n" + "\n".join(self.problems)
