"""The chair's council-health journey on a phone (issue 20): the overview warns that no council meeting is
held or planned, the warning's link leads to planning one, and once it is planned the warning is gone; then
the chair opens the good-neighbour agreement and changes an item's status through a council decision, and
the item's history shows the decision."""
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select, update

from naborad.extensions import db
from naborad.models import AgreementItem, AgreementStatus, Meeting, MeetingStatus, utcnow

from .conftest import check_page
from .journey import ON_PHONES


def _a_quiet_council() -> None:
    """No council meeting in the last 90 days and none planned."""
    db.session.execute(update(Meeting).where(Meeting.status.in_((MeetingStatus.PLANNED, MeetingStatus.PUBLISHED)))
                       .values(status=MeetingStatus.CANCELLED))
    for meeting in db.session.scalars(select(Meeting)):
        if meeting.starts_at > utcnow() - timedelta(days=91):
            meeting.starts_at -= timedelta(days=120)
    db.session.commit()


def _needs_work_item() -> int:
    return db.session.scalar(select(AgreementItem.id).where(AgreementItem.status == AgreementStatus.NEEDS_WORK))


@ON_PHONES
def test_chair_follows_a_warning_fixes_it_and_changes_the_agreement_through_a_decision(journey):
    journey.db(_a_quiet_council)
    page = journey.open("leder")
    warning = page.locator("#warning-no-meeting")
    expect(warning).to_contain_text("Naborådet har ikke holdt møte på 90 dager")
    check_page(page)
    page.locator("#key-warnings").scroll_into_view_if_needed()
    journey.shot(page, "warning")

    # The warning says what to do; its link leads there.
    warning.get_by_role("link", name="Planlegg neste møte").click()
    expect(page.locator("h1")).to_have_text("Sett opp et møte")
    starts = (utcnow() + timedelta(days=14)).strftime("%Y-%m-%dT18:00")
    page.locator("#starts_at").fill(starts)
    page.locator("#place").fill("Fellesrommet på botiltaket")
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator("#flash")).to_contain_text("Møtet er satt opp")

    # Back on the overview: the warning is gone.
    page.goto("/")
    expect(page.locator("#key-warnings")).to_be_visible()
    expect(page.locator("#warning-no-meeting")).to_have_count(0)
    expect(page.locator("#no-key-warnings")).to_be_visible()

    # The handover checklist, one tap from the overview, printable.
    page.locator("#key-warnings").get_by_role("link", name="Sjekkliste for overlevering").click()
    expect(page.locator("h1")).to_have_text("Sjekkliste for overlevering")
    expect(page.locator("#handover-reviews")).to_contain_text("Ro etter klokka 22")
    check_page(page)
    journey.shot(page, "handover", full_page=True)
    page.goto("/")

    # The agreement: every commitment, printable; one needs work.
    page.locator("#key-warnings").get_by_role("link", name="Naboavtale").click()
    expect(page.locator("h1")).to_have_text("Naboavtale")
    check_page(page)
    journey.shot(page, "agreement", full_page=True)
    item_id = journey.db(_needs_work_item)
    page.locator(f"#avtale-{item_id} a").click()
    expect(page.locator("#agreement-status")).to_have_text("Må forbedres")
    check_page(page)
    page.get_by_role("link", name="Endre gjennom et vedtak").click()

    # Without a decision the change is refused, with the reason beside the field; nothing typed is lost.
    page.locator("#status").select_option("kept")
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator("#decision_id-error")).to_be_visible()
    expect(page.locator("#status")).to_have_value("kept")
    check_page(page, 422)
    journey.shot(page, "refused", full_page=True)
    page.locator("#decision_id").select_option(index=1)
    page.get_by_role("button", name="Lagre").click()

    # The item holds again, and its history names the decision.
    expect(page.locator("#flash")).to_contain_text("Avtalen er endret")
    expect(page.locator("#agreement-status")).to_have_text("Holdes")
    expect(page.locator("#agreement-history li")).to_have_count(3)
    expect(page.locator("#agreement-history li").first).to_contain_text("Endret")
    check_page(page)
    journey.shot(page, "changed", full_page=True)
    assert journey.db(lambda: db.session.get(AgreementItem, item_id).status) == AgreementStatus.KEPT
