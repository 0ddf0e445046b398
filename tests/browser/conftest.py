"""Fixtures of the real-browser tests: the web module served by uvicorn on a free
port of 127.0.0.1, over the real SQLite store of the web tests (the invented
export imported by ``educonnect import``), and the system's Chromium driven
headless through its chromedriver (selenium), one browser per test module.

Without Chromium, its driver or selenium the tests are skipped with the reason;
with ``EDUCONNECT_REQUIRE_BROWSER=1`` (CI) they fail instead. Screenshots and
axe-core results go to ``EDUCONNECT_BROWSER_ARTIFACTS`` (a folder) or, by
default, a folder of pytest's temporary path; the folder is printed at the end
of the run. Nothing is downloaded: the browser and its driver are the system's,
axe-core's script is the one shipped in the ``selenium-axe-python`` package.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn

from educonnect_adapters.web import StaffAuthenticator, WebSettings, create_app
from web.conftest import SECRET, FakeClock, Staff, staff, store_url

if TYPE_CHECKING:
    from selenium.webdriver import Chrome
    from selenium.webdriver.remote.webelement import WebElement

__all__ = ["Browser", "require_browser", "staff", "store_url"]

#: impacts that fail the accessibility check (axe-core's two highest)
FAILING_IMPACTS = frozenset({"serious", "critical"})
_REQUIRED = os.environ.get("EDUCONNECT_REQUIRE_BROWSER") == "1"
_artifacts: list[Path] = []


def _missing() -> str | None:
    """Why the browser tests cannot run here, or ``None``."""
    for name, package in (("chromium", "chromium"), ("chromedriver", "chromium-driver")):
        if shutil.which(name) is None:
            return f"no {name} on PATH: install it (apt-get install -y {package})"
    try:
        import selenium  # noqa: F401
        import selenium_axe_python  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed: pip install -e '.[test]'"
    return None


def require_browser() -> None:
    """Called first by each browser test module (before it imports selenium):
    skips the module without a browser unless one is required (then each test
    fails, in :func:`browser`)."""
    reason = _missing()
    if reason is not None and not _REQUIRED:
        pytest.skip(reason, allow_module_level=True)


def _axe_script() -> str:
    """axe-core's script, as shipped in the selenium-axe-python package."""
    shipped = importlib.resources.files("selenium_axe_python") / "axe-core" / "axe.min.js"
    return shipped.read_text(encoding="utf-8")


def _report(violations: list[dict[str, Any]]) -> str:
    """axe-core's violations, one line per rule and the elements concerned."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(str(node["target"]) for node in v["nodes"])
        for v in violations
    )


def _free_socket() -> socket.socket:
    """A listening socket on a free port of 127.0.0.1 (given to uvicorn: no race)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture(scope="module")
def served(store_url: str, staff: Staff) -> Iterator[str]:
    """The web module served by uvicorn in a thread; its base URL."""
    clock = FakeClock()
    settings = WebSettings(secret_key=SECRET, secure_cookies=False)
    app = create_app(
        store_url,
        authenticator=StaffAuthenticator(staff.path, settings.lockout),
        settings=settings,
        clock=clock,
    )
    sock = _free_socket()
    config = uvicorn.Config(
        app, log_level="warning", proxy_headers=False, server_header=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started = threading.Event()
    for _ in range(500):  # until it listens (not a timing assertion)
        if server.started or not thread.is_alive():
            break
        started.wait(0.01)
    assert server.started, "uvicorn did not start"
    host, port = sock.getsockname()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """Where this module's screenshots and axe results are kept."""
    configured = os.environ.get("EDUCONNECT_BROWSER_ARTIFACTS")
    name = str(request.module.__name__).rsplit(".", 1)[-1]
    if configured:
        folder = Path(configured) / name
        folder.mkdir(parents=True, exist_ok=True)
    else:
        folder = tmp_path_factory.mktemp(f"browser-{name}", numbered=True)
    _artifacts.append(folder)
    return folder


class Browser:
    """A headless Chromium on the served module: pages, screenshots, console, axe."""

    def __init__(self, driver: Chrome, base_url: str, artifacts: Path) -> None:
        self.driver = driver
        self.base_url = base_url
        self.artifacts = artifacts
        self.shots = 0

    def open(self, path: str) -> None:
        """Loads ``path`` of the served module (even the page shown: a new document)."""
        self._load(lambda: self.driver.get(self.base_url + path))

    @property
    def path(self) -> str:
        url = str(self.driver.current_url)
        assert url.startswith(self.base_url), url
        return url[len(self.base_url) :]

    def click(self, element: WebElement) -> None:
        """Clicks a link or a button and waits for the page it loads."""
        self._load(element.click)

    def _load(self, action: Callable[[], None]) -> None:
        """Does ``action`` and waits until the page shown is a new, loaded document
        (the driver may return while the old one is still shown, under load)."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.wait import WebDriverWait

        script = "return [performance.timeOrigin, document.readyState]"
        before = self.driver.execute_script(script)[0]  # a new one for each document
        action()

        def loaded(driver: Chrome) -> bool:
            origin, state = driver.execute_script(script)
            return bool(origin != before and state == "complete")

        # between two documents the driver may answer with an error: asked again
        WebDriverWait(self.driver, 30, ignored_exceptions=(WebDriverException,)).until(loaded)

    def screenshot(self, name: str) -> Path:
        self.shots += 1
        path = self.artifacts / f"{self.shots:02d}-{name}.png"
        assert self.driver.save_screenshot(str(path)), path
        return path

    def console_errors(self) -> list[str]:
        """The console's errors since the last call (the log is emptied by reading)."""
        entries: list[dict[str, Any]] = self.driver.get_log("browser")  # type: ignore[no-untyped-call]
        return [str(e["message"]) for e in entries if e["level"] in ("SEVERE", "ERROR")]

    def axe(self, name: str) -> list[dict[str, Any]]:
        """Runs axe-core on the page; its results are kept, its serious and critical
        violations returned."""
        self.driver.execute_script(_axe_script())
        results: dict[str, Any] = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document).then(done, e => done({error: String(e)}));"
        )
        assert "error" not in results, results
        assert results["passes"], "axe-core checked nothing"
        (self.artifacts / f"{self.shots:02d}-{name}.axe.json").write_text(
            json.dumps(
                {
                    **{k: results[k] for k in ("url", "testEngine", "violations", "incomplete")},
                    "passes": sorted(rule["id"] for rule in results["passes"]),
                },
                indent=1,
            ),
            encoding="utf-8",
        )
        return [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]

    def check_page(self, name: str) -> None:
        """Screenshot, no console error, no serious accessibility violation."""
        self.screenshot(name)
        errors = self.console_errors()
        assert not errors, f"console errors on {self.path}: {errors}"
        violations = self.axe(name)
        assert not violations, f"axe-core on {self.path}:\n{_report(violations)}"


@pytest.fixture(scope="module")
def browser(
    served: str, artifacts: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    """One headless Chromium for the module."""
    reason = _missing()
    if reason is not None:
        pytest.fail(f"{reason} (EDUCONNECT_REQUIRE_BROWSER=1)", pytrace=False)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(shutil.which("chromium"))
    for argument in (
        "--headless=new",
        "--no-sandbox",  # the tests may run as root (CI)
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1000",
        "--lang=fr-FR",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # the system's driver, given: selenium's manager is never asked to fetch one
    service = Service(executable_path=str(shutil.which("chromedriver")))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    try:
        yield Browser(driver, served, artifacts)
    finally:
        driver.quit()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for folder in _artifacts:
        terminalreporter.write_line(f"browser screenshots and axe results: {folder}")
