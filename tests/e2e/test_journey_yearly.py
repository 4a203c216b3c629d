"""The yearly report on a phone (issue 20, item 2): the chair records attendance at the held meeting (a
negative count is refused beside its field), writes the report's opening text, and opens the year's report
from the overview: the figures, the chart with its table, and the CSV link."""
from playwright.sync_api import expect
from sqlalchemy import select

from naborad.extensions import db
from naborad.i18n import OSLO
from naborad.models import Meeting, MeetingStatus

from .conftest import check_page
from .journey import ON_PHONES


def _held_meeting() -> tuple[int, int]:
    meeting = db.session.scalars(select(Meeting).where(Meeting.status == MeetingStatus.HELD)).first()
    return meeting.id, meeting.starts_at.astimezone(OSLO).year


@ON_PHONES
def test_chair_records_attendance_writes_the_opening_and_reads_the_yearly_report(journey):
    meeting_id, year = journey.db(_held_meeting)
    page = journey.open("leder")

    # Attendance at the held meeting, from the meeting's page.
    page.goto(f"/moter/{meeting_id}")
    page.locator("#record-attendance").click()
    expect(page.locator("h1")).to_contain_text("Oppmøte på møtet")
    page.get_by_label("Naboer (lederen medregnet)").fill("-2")
    page.get_by_label("Beboere").fill("4")
    page.get_by_label("Ansatte").fill("2")
    page.get_by_role("button", name="Lagre oppmøtet").click()
    expect(page.locator("#neighbours-error")).to_contain_text("Et tall fra 0 til 999")
    check_page(page, 422)
    page.get_by_label("Naboer (lederen medregnet)").fill("9")
    page.get_by_role("button", name="Lagre oppmøtet").click()
    expect(page.locator("#flash")).to_contain_text("Oppmøtet er lagret")
    expect(page.locator("#record-attendance")).to_contain_text("15")

    # The year's report, from the overview; the opening text first.
    page.goto("/")
    page.locator("#yearly-link").click()
    expect(page.locator("h1")).to_have_text("Årsrapporter")
    page.get_by_role("link", name=f"Årsrapport {year}", exact=True).click()
    page.locator("#edit-yearly-text").click()
    page.get_by_label("Innledningen").fill("Et år med **bedre** naboskap.")
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator("#flash")).to_contain_text("Innledningen er lagret")
    expect(page.locator("#yearly-text strong")).to_have_text("bedre")

    # The figures: meetings and attendance, the reports chart with its table, the CSV link.
    expect(page.locator("#yearly-attendance")).to_contain_text("9")
    expect(page.locator("#yearly-meetings td").first).not_to_have_text("0")
    expect(page.locator("#yearly-reports-chart svg[role=img]")).to_be_visible()
    expect(page.locator("#yearly-reports-chart-figures")).to_be_attached()
    expect(page.get_by_role("link", name="Last ned som CSV")).to_be_visible()
    check_page(page)
    journey.shot(page, "yearly-report")

    # Last year's report (the demo's history): the pulse trend chart.
    page.goto(f"/arsrapport/{year - 1}")
    expect(page.locator("#yearly-pulse-safe svg[role=img]")).to_be_visible()
    check_page(page)
    page.locator("#yearly-pulse").scroll_into_view_if_needed()
    journey.shot(page, "last-years-pulse")
