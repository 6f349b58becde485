"""Headless Chromium (Debian's ``chromium`` and ``chromium-driver``) driven by Selenium on Label Studio's labelling page.

:func:`ensure_browser` installs the two packages with apt when they are missing (the suite runs as
root in CI) and fails with the reason when it cannot: the browser tests never skip silently.
What a user does is done as a user does it: label hotkeys, clicks on regions, Backspace, a text
selection (a DOM range over the words, then the mouse-up Label Studio listens to), the relation
button and the relation-label dropdown, Submit.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
DRIVER = Path("/usr/bin/chromedriver")
SELECT_JS = (Path(__file__).with_name("select_text.js")).read_text(encoding="utf-8")


def ensure_browser() -> None:
    """Chromium and its driver, installed with apt if missing; an AssertionError says why when impossible."""
    if CHROMIUM.exists() and DRIVER.exists():
        return
    apt = shutil.which("apt-get")
    if apt is None:
        raise AssertionError(
            "no chromium/chromedriver and no apt-get to install them: install Debian's chromium and chromium-driver"
        )
    steps = ([apt, "update", "-qq"], [apt, "install", "-y", "-qq", "chromium", "chromium-driver"])
    for cmd in steps:
        res = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        )
        if res.returncode != 0:
            raise AssertionError(f"cannot install the browser ({' '.join(cmd)}): {res.stderr.strip()[-400:]}")
    if not (CHROMIUM.exists() and DRIVER.exists()):
        raise AssertionError(f"apt installed chromium but {CHROMIUM} or {DRIVER} is missing")


class Browser:
    def __init__(self, url: str, shots: Path | None = None) -> None:
        from selenium import webdriver

        ensure_browser()
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        flags = (
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-')}", "--window-size=1400,1000",
        )  # fmt: skip
        for flag in flags:
            options.add_argument(flag)
        self.url = url
        self.shots = shots
        self.step = 0
        self.driver = webdriver.Chrome(service=webdriver.ChromeService(str(DRIVER)), options=options)

    def wait(self, seconds: float = 60) -> Any:
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, seconds, ignored_exceptions=(StaleElementReferenceException,))

    def find(self, by: str, selector: str, within: Any = None, timeout: float = 15) -> Any:
        """The first element matching, waited for (the page renders after each action at its own pace)."""
        root = within if within is not None else self.driver
        return self.wait(timeout).until(lambda _: (root.find_elements(by, selector) or [None])[0])

    def shot(self, name: str) -> None:
        if self.shots is not None:
            self.shots.mkdir(parents=True, exist_ok=True)
            self.step += 1
            self.driver.save_screenshot(str(self.shots / f"{self.step:02d}-{name}.png"))

    def _form(self, path: str, email: str, password: str) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        self.driver.get(f"{self.url}{path}")
        self.wait().until(ec.presence_of_element_located((By.NAME, "email"))).send_keys(email)
        self.driver.find_element(By.NAME, "password").send_keys(password)
        self.driver.find_element(By.CSS_SELECTOR, "button[type=submit], input[type=submit]").click()
        self.wait().until(lambda d: path not in d.current_url)

    def sign_up(self, email: str, password: str) -> None:
        self._form("/user/signup/", email, password)

    def log_in(self, email: str, password: str) -> None:
        self._form("/user/login/", email, password)

    def open_task(self, project: int, task: int) -> None:
        """The labelling page of a task, its pre-annotation filled in (regions highlighted)."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        self.driver.get(f"{self.url}/projects/{project}/data?task={task}")
        self.wait().until(ec.element_to_be_clickable((By.XPATH, "//button[normalize-space()='Submit']")))
        self.wait().until(ec.presence_of_element_located((By.CSS_SELECTOR, ".htx-highlight")))
        time.sleep(1.0)  # the regions panel settles

    def labels(self) -> list[tuple[str, str]]:
        """(label, hotkey) of every label button shown above the text."""
        from selenium.webdriver.common.by import By

        out = []
        for e in self.driver.find_elements(By.CSS_SELECTOR, ".lsf-labels .lsf-label, .lsf-label"):
            text = e.find_elements(By.CSS_SELECTOR, ".lsf-label__text")
            key = e.find_elements(By.CSS_SELECTOR, ".lsf-label__hotkey")
            if text and key:
                out.append((text[0].text, key[0].text))
        return list(dict.fromkeys(out))

    def regions(self) -> list[tuple[str, int, int, str]]:
        """(label, start, end, text) of the highlighted regions, as the page shows them."""
        from selenium.webdriver.common.by import By

        out = []
        for e in self.driver.find_elements(By.CSS_SELECTOR, ".htx-highlight"):
            label = (e.get_attribute("data-label") or ":").split(":", 1)[1]
            out.append(
                (label, int(e.get_attribute("data-start") or -1), int(e.get_attribute("data-end") or -1), e.text)
            )
        return out

    def text_in_colours(self, colours: dict[str, str]) -> list[tuple[str, tuple[float, ...], tuple[float, ...]]]:
        """(label, text colour, background) of every element whose own text is a label's name drawn in that
        label's colour (Label Studio's side panels: the regions list), as Chromium renders them: the computed
        colour, and the first opaque background up the tree (translucent ones laid over it, white at the top)."""
        found = self.driver.execute_script(
            """
            const names = arguments[0];
            const rgba = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
            const out = [];
            for (const el of document.querySelectorAll('body *')) {
              if (el.children.length || !names.includes(el.textContent.trim())) continue;
              const layers = [];
              for (let p = el; p; p = p.parentElement) {
                const bg = rgba(getComputedStyle(p).backgroundColor);
                if (bg.length === 4 && bg[3] === 0) continue;
                layers.push(bg);
                if (bg.length === 3 || bg[3] === 1) break;
              }
              out.push([el.textContent.trim(), rgba(getComputedStyle(el).color), layers]);
            }
            return out;
            """,
            list(colours),
        )
        out = []
        for label, fg, layers in found:
            bg = [1.0, 1.0, 1.0]
            for layer in reversed(layers):  # from the opaque one up to the element
                alpha = layer[3] if len(layer) == 4 else 1.0
                bg = [alpha * c / 255 + (1 - alpha) * b for c, b in zip(layer[:3], bg, strict=True)]
            rgb = tuple(c / 255 for c in fg[:3])
            want = tuple(int(colours[label][i : i + 2], 16) / 255 for i in (1, 3, 5))
            if all(abs(a - b) < 1.5 / 255 for a, b in zip(rgb, want, strict=True)):  # drawn in the label's colour
                out.append((label, rgb, tuple(bg)))
        return out

    def press(self, key: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(key).perform()
        time.sleep(0.4)

    def select_region(self, start: int, end: int) -> None:
        """Click a region's highlight, as an annotator does to select it."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.common.by import By

        self.driver.execute_script("window.getSelection().removeAllRanges()")
        self.press("\ue00c")  # Escape: nothing selected, no label armed
        css = f".htx-highlight[data-start='{start}'][data-end='{end}']"
        highlight = self.find(By.CSS_SELECTOR, css)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", highlight)
        with contextlib.suppress(WebDriverException):  # a region just drawn can refuse the click
            highlight.click()
        time.sleep(0.5)
        if self.driver.find_elements(By.CSS_SELECTOR, "[aria-label='Create Relation']"):
            return
        # after drawing, Label Studio can ignore a click on the text: select it in the regions list instead
        text = highlight.text
        items = self.driver.find_elements(
            By.XPATH, f"//*[contains(@class,'lsf-outliner')]//*[normalize-space()={text!r}]"
        )
        if len(items) != 1:
            raise AssertionError(f"region [{start}, {end}) {text!r}: {len(items)} entries in the regions list")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", items[0])
        time.sleep(0.3)
        self.driver.execute_script("arguments[0].click()", items[0])
        time.sleep(0.5)
        if not self.driver.find_elements(By.CSS_SELECTOR, "[aria-label='Create Relation']"):
            raise AssertionError(f"clicking the region [{start}, {end}) did not select it")

    def draw(self, hotkey: str, needle: str, nth: int = 0) -> None:
        """Press a label's hotkey, then select ``needle`` in the text (the way Label Studio wants it: key first)."""
        self.press("\ue00c")
        self.press(hotkey)
        self.driver.execute_script(SELECT_JS, needle, nth)
        time.sleep(0.8)
        self.driver.execute_script("window.getSelection().removeAllRanges()")
        self.press("\ue00c")

    def relate(self, head: tuple[int, int], tail: tuple[int, int], label: str) -> None:
        """Select the head region, press Create Relation, click the tail region, pick the relation's label."""
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.by import By

        self.select_region(*head)
        before = len(self.driver.find_elements(By.CSS_SELECTOR, ".lsf-relations__item"))
        self.find(By.CSS_SELECTOR, "[aria-label='Create Relation']").click()
        time.sleep(0.4)
        css = f".htx-highlight[data-start='{tail[0]}'][data-end='{tail[1]}']"
        target = self.find(By.CSS_SELECTOR, css)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
        target.click()
        time.sleep(0.6)
        self.find(By.XPATH, "//*[contains(@class,'tabs')]//*[normalize-space()='Relations']").click()
        time.sleep(0.5)
        items = self.wait(15).until(
            lambda d: (
                (found := d.find_elements(By.CSS_SELECTOR, ".lsf-relations__item")) and len(found) > before and found
            )
        )
        item = items[-1]
        ActionChains(self.driver).move_to_element(item).perform()
        time.sleep(0.4)
        self.find(By.CSS_SELECTOR, "[aria-label='Show Relation Labels']", within=item).click()
        time.sleep(0.5)
        self.find(By.CSS_SELECTOR, ".lsf-relation-meta [data-testid='select-trigger']", within=item).click()
        time.sleep(0.5)
        option = self.wait(15).until(
            lambda d: next((o for o in d.find_elements(By.XPATH, "//*[@role='option']") if o.text == label), None)
        )
        option.click()
        time.sleep(0.3)
        self.press("\ue00c")
        shown = self.find(By.CSS_SELECTOR, ".lsf-relation-meta [data-testid='select-display-value']", within=item).text
        if shown != label:
            raise AssertionError(f"the relation shows {shown!r}, not {label!r}")
        self.find(By.XPATH, "//*[contains(@class,'tabs')]//*[normalize-space()='Regions']").click()
        time.sleep(0.3)

    def submit(self) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        self.find(By.XPATH, "//button[normalize-space()='Submit']").click()
        self.wait().until(ec.presence_of_element_located((By.XPATH, "//button[normalize-space()='Update']")))

    def close(self) -> None:
        self.driver.quit()
