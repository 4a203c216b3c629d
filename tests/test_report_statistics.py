"""The council's report figures (issue 19, item 6): per month, on a known data set; the one small-count rule;
the chart macro's SVG carrying the table's figures; staff's figures per contact point; fixed queries."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert

from naborad.charts import Point, geometry
from naborad.counts import small_count
from naborad.extensions import db
from naborad.models import (
    ContactPoint,
    ReportCategory,
    ReportEscalation,
    ReportStatus,
    Role,
    RotaMember,
    SituationReport,
)
from naborad.reports.service import statistics

from .helpers import queries_for

UTC = timezone.utc
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # November 2026 in Oslo; October is the month before


@pytest.fixture
def report(app, make_user):
    reporter = make_user(Role.NEIGHBOUR)

    def make(created, ack=None, closed=None, category=ReportCategory.NOISE, steps=(), reopened=0):
        row = SituationReport(category=category, text="Hemmelig innhold", place="Hemmelig sted", reporter_id=reporter.id,
                              created_at=created, happened_at=created, contact_way="none",
                              acknowledged_at=created + timedelta(minutes=ack) if ack is not None else None,
                              closed_at=created + timedelta(hours=closed) if closed is not None else None,
                              status=ReportStatus.CLOSED if closed is not None else
                              ReportStatus.ACKNOWLEDGED if ack is not None else ReportStatus.NEW,
                              reopen_count=reopened)
        db.session.add(row)
        db.session.flush()
        for step, member in steps:
            db.session.add(ReportEscalation(report_id=row.id, step=step, member_id=member.id,
                                            label=member.contact_point.label, alerted_at=created))
        db.session.commit()
        return row
    return make


@pytest.fixture
def points(app):
    members = {}
    for position, label in enumerate(("Dagvakt", "Nattvakt"), 1):
        point = ContactPoint(label=label, phone="+47 900 00 000")
        db.session.add(point)
        db.session.flush()
        members[label] = RotaMember(contact_point_id=point.id, position=position)
        db.session.add(members[label])
    db.session.commit()
    return members


def november(day=10, hour=12):
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def test_small_count_is_the_one_rule():
    assert [small_count(n) for n in (None, 0, 1, 2, 3, 17)] == ["–", "0", "fewer than 3", "fewer than 3", "3", "17"]
    assert small_count(2, short=True) == "<3" and small_count(5, short=True) == "5"


def test_small_count_reads_in_bokmal(app):
    with app.test_request_context():
        assert small_count(1) == "færre enn 3"


def test_figures_per_month_on_a_known_data_set(app, report, points):
    day, night = points["Dagvakt"], points["Nattvakt"]
    # November: five reports. Targets: noise 15 min, threat 10 min (escalation.WAIT).
    report(november(2), ack=5, closed=2, steps=[(0, day)])  # within
    report(november(3), ack=12, closed=4, steps=[(0, day)])  # within (noise: 15)
    report(november(4), ack=12, category=ReportCategory.THREAT, steps=[(0, night), (1, day)])  # late, escalated
    report(november(5), ack=40, closed=10, steps=[(0, night), (1, day), (2, day)],
           reopened=2)  # late, escalated once; "still happening" twice after it was handled
    report(november(6))  # never acknowledged: late, long past its target
    # October: two reports: counts hidden, no times.
    report(datetime(2026, 10, 5, 12, tzinfo=UTC), ack=3, closed=1)
    report(datetime(2026, 10, 6, 12, tzinfo=UTC), ack=4)
    stats = statistics(NOW)
    nov, october = stats["months"][-1], stats["months"][-2]
    assert nov.key == "2026-11" and nov.total == 5
    assert nov.counts[ReportCategory.NOISE] == 4 and nov.counts[ReportCategory.THREAT] == 1
    assert nov.share_fast == pytest.approx(2 / 5)
    assert nov.median_minutes == pytest.approx(12)  # 5, 12, 12, 40
    assert nov.median_close_minutes == pytest.approx(4 * 60)  # 2 h, 4 h, 10 h
    assert nov.escalations == 2
    assert nov.reopenings == 2  # reports.service.reopenings: what the conversation's "still happening" reopened
    assert october.total == 2 and october.median_minutes is None and october.share_fast is None
    assert october.median_close_minutes is None
    assert stats["total"] == 7 and stats["all"].escalations == 2
    assert stats["median_minutes"] == pytest.approx(5)  # 3, 4, 5, 12, 12, 40
    # Per contact point: the one on duty when the report was filed (step 0).
    by_name = {c.name: c for c in stats["contacts"]}
    assert set(by_name) == {"Dagvakt", "Nattvakt", None}
    assert by_name["Dagvakt"].all.total == 2 and by_name["Dagvakt"].all.escalations == 0
    assert by_name["Nattvakt"].all.total == 2 and by_name["Nattvakt"].all.escalations == 2
    assert by_name["Nattvakt"].all.median_minutes is None  # two reports: no times
    assert by_name[None].all.total == 3


def cell(html, month, figure):
    row = html.split(f'data-month="{month}"')[1].split("</tr>")[0]
    return re.search(rf'data-figure="{figure}">([^<]*)<', row).group(1)


def test_small_counts_are_suppressed_everywhere_and_small_months_show_no_times(client, login_as, report, points):
    now = datetime.now(UTC)
    first = now.replace(day=1, hour=12, minute=0) if now.day > 1 else now
    for n in range(2):  # this month: two reports, one escalated
        report(first, ack=5, closed=1, steps=[(0, points["Dagvakt"])] + ([(1, points["Nattvakt"])] if n else []))
    month = first.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Oslo")).strftime("%Y-%m")
    login_as(Role.STAFF)
    html = client.get("/meld-fra/tall").get_data(as_text=True)
    assert "Hemmelig" not in html
    for figure in ("reports", "escalations"):
        assert cell(html, month, figure) == "færre enn 3"
    for figure in ("share", "ack", "p90", "close"):
        assert cell(html, month, figure) == "–"
    summary = html.split('id="stats-summary"')[1].split("</dl>")[0]
    assert 'id="total">færre enn 3<' in summary and 'id="escalations">færre enn 3<' in summary
    assert 'id="median">– min' in summary
    contacts = html.split('id="stats-contacts"')[1]
    assert cell(contacts, month, "reports") == "færre enn 3"  # the staff's table too
    assert not re.search(r'data-figure="(reports|escalations)">[12]<', html)
    # The chart: no bar for the hidden count, the short form of the same rule on it.
    svg = html.split('data-chart="reports-chart"')[1].split("</svg>")[0]
    assert "<rect" not in svg and "&lt;3" in svg


def test_chart_svg_has_the_table_figures(client, login_as, report):
    for days, n in ((40, 4), (10, 3), (70, 1)):
        for _ in range(n):
            report(datetime.now(UTC) - timedelta(days=days), ack=5)
    login_as(Role.RESIDENT)
    response = client.get("/meld-fra/tall")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for chart in ("reports-chart", "share-chart"):
        figure = html.split(f'id="{chart}"')[1].split("</figure>")[0]
        svg, table = figure.split("</svg>")
        assert 'role="img"' in figure and f'aria-labelledby="{chart}-title {chart}-desc"' in figure
        on_chart = dict(re.findall(r'<text class="chart-value"[^>]*data-name="([^"]+)">([^<]*)<', svg))
        in_table = dict(re.findall(r'<td class="num" data-name="([^"]+)">([^<]*)<', table))
        assert len(in_table) == 12 and set(on_chart) == set(in_table)
        for name, shown in in_table.items():
            expected = {"færre enn 3": "&lt;3"}.get(shown, shown.removesuffix(" %"))
            assert on_chart[name] == expected, (chart, name)
    bars = html.split('data-chart="reports-chart"')[1].split("</svg>")[0].count("<rect")
    assert bars == 2  # the month with one report has none
    assert "4" in re.findall(r'data-name="[^"]+">([^<]*)<', html.split('id="reports-chart-figures"')[1])


def test_the_page_works_without_javascript(client, login_as, report):
    for _ in range(3):
        report(datetime.now(UTC) - timedelta(hours=3), ack=5)
    login_as(Role.NEIGHBOUR)
    html = client.get("/meld-fra/tall").get_data(as_text=True)
    main = html.split("<main", 1)[1].split("</main>")[0]
    assert "<svg" in main and "<table" in main and "hx-get" not in main and "<script" not in main
    assert 'id="stats-contacts"' not in html  # per contact point: staff only


def test_statistics_take_the_same_queries_whatever_the_data(client, login_as, make_user, report, points):
    login_as(Role.STAFF)
    report(datetime.now(UTC) - timedelta(hours=2), ack=5, steps=[(0, points["Dagvakt"])])
    few = queries_for(client, "/meld-fra/tall")
    reporter = make_user(Role.RESIDENT)
    now = datetime.now(UTC)
    db.session.execute(insert(SituationReport), [
        {"category": ["noise", "threat"][n % 2], "text": "x", "reporter_id": reporter.id, "status": "acknowledged",
         "contact_way": "none", "happened_at": now, "created_at": now - timedelta(days=n % 330, hours=1),
         "acknowledged_at": now - timedelta(days=n % 330), "closed_at": None} for n in range(200)])
    # The first report has its escalation already; a query without ORDER BY may give it anywhere (PostgreSQL).
    ids = [r.id for r in db.session.query(SituationReport.id).order_by(SituationReport.id)]
    db.session.execute(insert(ReportEscalation), [
        {"report_id": i, "step": step, "member_id": points[["Dagvakt", "Nattvakt"][i % 2]].id, "label": "Vakt",
         "alerted_at": now} for i in ids[1:] for step in (0, 1)])
    db.session.commit()
    assert queries_for(client, "/meld-fra/tall") == few


def test_geometry_draws_nothing_for_missing_values_and_breaks_the_line():
    points = [Point("1", "a", 2, "2"), Point("2", "b", None, "–"), Point("3", "c", 4, "4"), Point("4", "d", 5, "5")]
    bars = geometry(points, kind="bar")
    assert [m["h"] > 0 for m in bars["marks"]] == [True, False, True, True]
    assert bars["marks"][2]["h"] == pytest.approx(2 * bars["marks"][0]["h"], abs=0.2)
    line = geometry(points, kind="line", peak=110)
    assert len(line["lines"]) == 2 and line["lines"][1].count(",") == 2
