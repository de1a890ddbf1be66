"""A visitor asks for too many reset links and is told, accessibly, to try again later."""

from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible


def test_beyond_the_limit_the_reset_page_says_to_try_later(
    page: Page, transactional_db, settings
) -> None:
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 1
    for _ in range(2):
        page.goto("/accounts/password-reset/")
        page.get_by_label("Email").fill("alice@example.org")
        page.get_by_role("button", name="Send the link").click()
        if page.url.endswith("/accounts/password-reset/sent/"):
            expect(page.locator("h1")).to_have_text("Check your email")

    expect(page).to_have_title("Error: Reset your password - GOV.UK")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("You have asked for too many password reset links.")
    expect(summary).to_be_focused()
    summary.get_by_role("link").click()
    expect(page.get_by_label("Email")).to_be_focused()
    assert_accessible(page)
