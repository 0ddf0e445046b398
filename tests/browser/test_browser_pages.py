"""The web module in a real headless Chromium: a head signs in with their password
and a TOTP code, finds a pupil by name, opens the account and signs out; every page
visited shows no console error and no serious accessibility violation (axe-core)."""

from __future__ import annotations

from cli.school_files import INES
from educonnect_adapters.web.catalogue import text
from web.conftest import PASSWORD, FakeClock, Staff

from .conftest import Browser, require_browser

require_browser()

from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402


def _code(staff: Staff, actor_id: str) -> str:
    """A real TOTP code of ``actor_id``, at the served module's (fixed) time."""
    return staff.code(actor_id, FakeClock().at)


def _main(browser: Browser) -> WebElement:
    main: WebElement = browser.driver.find_element(By.TAG_NAME, "main")
    return main


def _button(browser: Browser, key: str) -> WebElement:
    """The button showing the catalogue's text ``key`` (in French)."""
    button: WebElement = browser.driver.find_element(
        By.XPATH, f"//button[normalize-space()='{text('fr', key)}']"
    )
    return button


def _sign_in(browser: Browser, actor_id: str, password: str, code: str) -> None:
    """Fill the sign-in form as a person would (labels, typing, the button)."""
    driver = browser.driver
    for label, value in (
        (text("fr", "signin.user"), actor_id),
        (text("fr", "signin.password"), password),
        (text("fr", "signin.code"), code),
    ):
        field_id = driver.find_element(
            By.XPATH, f"//label[normalize-space()='{label}']"
        ).get_attribute("for")
        field = driver.find_element(By.ID, str(field_id))
        field.clear()
        field.send_keys(value)
    browser.click(_button(browser, "signin.submit"))


def test_a_head_signs_in_finds_a_pupil_opens_the_account_and_signs_out(
    browser: Browser, staff: Staff
) -> None:
    driver = browser.driver
    driver.delete_all_cookies()
    browser.open("/accounts")
    assert browser.path == "/signin"  # not signed in: sent to the form
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    browser.check_page("signin")

    _sign_in(browser, "ce-0001", PASSWORD, _code(staff, "ce-0001"))
    assert browser.path == "/"
    header = driver.find_element(By.CSS_SELECTOR, "header .who").text
    assert "Personne ce-0001" in header
    assert "OTP" in header
    assert driver.find_element(By.TAG_NAME, "h1").text == text("fr", "dashboard.title")
    browser.check_page("dashboard")

    browser.click(driver.find_element(By.LINK_TEXT, text("fr", "nav.accounts")))
    assert browser.path == "/accounts"
    browser.check_page("search")
    name = driver.find_element(By.ID, "name")
    name.send_keys("petit")  # accents and case ignored: PETIT Inès
    browser.click(_button(browser, "search.submit"))
    assert browser.path.startswith("/accounts?")
    rows = _main(browser).find_elements(By.CSS_SELECTOR, "tbody tr")
    assert [r.find_element(By.TAG_NAME, "th").text for r in rows] == [INES]
    assert "PETIT Inès" in rows[0].text
    assert "3B" in rows[0].text
    browser.check_page("search-results")

    browser.click(rows[0].find_element(By.LINK_TEXT, INES))
    assert browser.path == f"/accounts/{INES}"
    main = _main(browser)
    assert "PETIT Inès" in main.find_element(By.TAG_NAME, "h1").text
    facts = dict(
        zip(
            (e.text for e in main.find_elements(By.CSS_SELECTOR, "dl.facts dt")),
            (e.text for e in main.find_elements(By.CSS_SELECTOR, "dl.facts dd")),
            strict=True,
        )
    )
    assert facts[text("fr", "account.class")] == "3B"
    assert "INVALID_BIRTH_DATE" in facts[text("fr", "account.born")]
    assert facts[text("fr", "account.state")] == "non activé"
    blockers = [c.text for c in main.find_elements(By.CSS_SELECTOR, ".routes code")]
    assert "INVALID_BIRTH_DATE" in blockers
    assert "Corriger la date de naissance" in main.text
    browser.check_page("account")

    browser.click(_button(browser, "nav.signout"))
    assert browser.path == "/signin?out=1"
    assert driver.find_element(By.CSS_SELECTOR, "[role=status]").text == text("fr", "signout.done")
    assert driver.get_cookie("educonnect_session") is None
    browser.check_page("signed-out")
    browser.open(f"/accounts/{INES}")  # signed out: the page is no longer shown
    assert browser.path == "/signin"


def test_a_wrong_code_is_refused_in_an_announced_message(browser: Browser, staff: Staff) -> None:
    browser.driver.delete_all_cookies()
    browser.open("/signin")
    right = _code(staff, "adj-0002")
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    _sign_in(browser, "adj-0002", PASSWORD, wrong)
    assert browser.path == "/signin"
    problem = browser.driver.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert problem.text == text("fr", "signin.refused")
    # the browser shows the refusal (401) without a console error but its own
    # "Failed to load resource" line for the status: read and dropped here
    errors = browser.console_errors()
    assert len(errors) == 1, errors
    assert "/signin - Failed to load resource" in errors[0]
    assert "401" in errors[0]
    assert browser.driver.find_element(By.ID, "user").get_attribute("value") == "adj-0002"
    browser.check_page("signin-refused")


def test_the_accessibility_check_finds_real_violations(browser: Browser) -> None:
    """The check itself: a page with no language and an unlabelled field fails it."""
    browser.open("/signin")  # a page of the served origin, then spoilt
    browser.driver.execute_script(
        "document.documentElement.removeAttribute('lang');"
        "document.body.innerHTML = '<main><input id=x></main>';"
    )
    found = {v["id"]: v["impact"] for v in browser.axe("known-bad")}
    assert found.get("label") == "critical", found


def test_in_english_the_skip_link_is_the_first_stop_of_the_keyboard(
    browser: Browser, staff: Staff
) -> None:
    driver = browser.driver
    driver.delete_all_cookies()
    browser.open("/signin?lang=en")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert driver.find_element(By.TAG_NAME, "h1").text == text("en", "signin.title")
    browser.check_page("signin-en")
    driver.find_element(By.ID, "user").send_keys("ce-0009")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    code = driver.find_element(By.ID, "code")
    code.send_keys(_code(staff, "ce-0009"))
    browser.click(driver.find_element(By.CSS_SELECTOR, "form.signin button[type=submit]"))
    assert browser.path == "/"
    assert driver.find_element(By.TAG_NAME, "h1").text == text("en", "dashboard.title")

    ActionChains(driver).send_keys(Keys.TAB).perform()
    skip = driver.switch_to.active_element
    assert skip.text == text("en", "nav.skip")
    assert skip.get_attribute("href") == f"{browser.base_url}/#main"
    assert skip.location["x"] >= 0  # shown once focused (off-screen before)
    browser.screenshot("skip-link-focused")
    skip.send_keys(Keys.ENTER)
    assert driver.switch_to.active_element.tag_name == "main"
    browser.check_page("dashboard-en")
