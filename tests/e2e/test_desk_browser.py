"""The demo agency's desk in a real browser, as the demo officials use it: a paper dossier received and
scanned at the desk (receipt, form 01), assigned by the division head, a supplement proposed by the
specialist and issued by the desk (form 02), supplied at the desk, handed specialist → head → leader,
approved with the result attached and handed back; the control slip (form 06) judges every hand-over.
The desk's pages pass axe-core and fit a phone."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from motcua.demo.seed import DEMO_PASSWORD, DEMO_USERS
from motcua.dossiers.constants import Action, Status
from tests.e2e.helpers import vi

pytestmark = pytest.mark.browser

PASSWORD = DEMO_PASSWORD  # "motcua-demo", every demo account's
FULL_NAME = {user.username: user.full_name for user in DEMO_USERS}
TRAVEL_CODE = "2.001628"
TRAVEL_LICENCE = "Giấy phép kinh doanh dịch vụ lữ hành nội địa"
TOURISM_DIVISION = ("QLDL", "Phòng Quản lý Du lịch")
APPLICANT = {"name": "Nguyễn Thị Hồng Nhung", "id_number": "079190012345", "phone": "0912345678"}
APPLICANT_STREET = "25 đường Hai Bà Trưng"
SUPPLEMENT_REASON = "Bổ sung bản sao hợp đồng lao động của người phụ trách kinh doanh dịch vụ lữ hành."
DESK_PAGES = ("sign-in", "queue", "intake", "dossier")


# --- what a user does -----------------------------------------------------------------------------


def sign_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(live_server.url + "/dang-nhap/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Sign in"))
    page.get_by_label(vi("Phone, e-mail or username")).fill(username)
    page.get_by_label(vi("Password")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=vi("Sign in")).click()
    # Signed in, the official lands on the work lists.
    expect(page).to_have_url(re.compile(r"/mot-cua/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Work lists"))
    expect(sign_out_button(page)).to_contain_text(FULL_NAME[username])


def sign_out_button(page: Any) -> Any:
    return page.get_by_role("banner").locator("form[action$='/dang-xuat/']").get_by_role("button")


def sign_out(page: Any) -> None:
    sign_out_button(page).click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("navigation", name=vi("Desk"))).to_have_count(0)


def receive_paper_dossier(page: Any) -> str:
    """desk1 records a paper dossier for the travel licence; returns the dossier code."""
    page.get_by_role("navigation", name=vi("Desk")).get_by_role("link", name=vi("Receive a paper dossier")).click()
    expect(page).to_have_url(re.compile(r"/mot-cua/tiep-nhan/$"))
    # 1. The procedure: choosing it shows its checklist of documents (the page's script sends the
    #    choice at once: wait until the page, scripts included, has loaded).
    page.wait_for_load_state("load")
    procedure = page.get_by_role("main").get_by_label(vi("1. Procedure"))
    expect(procedure.locator(f'option[value="{TRAVEL_CODE}"]')).to_contain_text(TRAVEL_LICENCE, ignore_case=True)
    procedure.select_option(TRAVEL_CODE)
    expect(page).to_have_url(re.compile(rf"/mot-cua/tiep-nhan/\?procedure={re.escape(TRAVEL_CODE)}$"))
    page.wait_for_load_state("load")
    form = page.get_by_role("main").locator("form.intake-form")
    # 2. Every document handed in is ticked (the applicant brought them all).
    checklist = form.get_by_role("group", name=vi("2. Documents handed in"))
    boxes = checklist.get_by_role("checkbox")
    expect(boxes.first).to_be_visible()
    for box in boxes.all():
        box.check()
    # 3. The applicant.
    field(form, "Channel").select_option("in_person")
    field(form, "Applicant").select_option("person")
    field(form, "Full name or organisation name").fill(APPLICANT["name"])
    field(form, "Citizen ID number (12 digits)").fill(APPLICANT["id_number"])
    field(form, "Phone").fill(APPLICANT["phone"])
    # Choosing the city loads its communes and wards (the page's script asks the API).
    field(form, "Province or city").select_option("92")
    commune = field(form, "Commune or ward")
    expect(commune.locator('option[value="31135"]')).to_have_text("Phường Ninh Kiều")
    commune.select_option("31135")
    field(form, "House number and street").fill(APPLICANT_STREET)
    form.get_by_role("button", name=vi("Receive and issue the receipt")).click()

    expect(page).to_have_url(re.compile(r"/mot-cua/ho-so/[^/]+/$"))
    code = page.url.rstrip("/").rsplit("/", 1)[1]
    assert re.fullmatch(r"000\.00\.21\.H13-\d{6}-\d{4}", code), code
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    expect(page.get_by_role("status")).to_contain_text(code)
    return code


def field(form: Any, label: str) -> Any:
    """The field labelled `label` (a required field's label ends with " *")."""
    return form.get_by_label(re.compile(rf"^{re.escape(vi(label))}( \*)?$"))


def act(page: Any, action: str, *, note: str = "", unit: str = "", assignee: str = "") -> None:
    """Fill and submit the form of `action` on the dossier page."""
    form = page.get_by_role("group", name=vi(Action(action).label), exact=True)
    if unit:
        form.get_by_label(vi("Division")).select_option(unit)
    if assignee:
        form.get_by_label(vi("Specialist")).select_option(assignee)
    if note:
        form.locator("textarea[name=note]").fill(note)
    form.get_by_role("button", name=vi(Action(action).label), exact=True).click()
    expect(page.get_by_role("status").first).to_have_text(
        vi("Done: %(action)s.") % {"action": vi(Action(action).label)}
    )


def expect_status(page: Any, code: str, status: Status) -> None:
    """The page's status badge and the database agree on the dossier's status."""
    from motcua.dossiers.models import Dossier

    expect(page.locator(".meta .badge").first).to_have_text(vi(status.label))
    assert Dossier.objects.get(code=code).status == status


def expect_step(page: Any, code: str, actor: str) -> None:
    """The dossier is at a step of kind `actor`, and the page names that step."""
    from motcua.dossiers.models import Dossier

    step = Dossier.objects.get(code=code).current_step
    assert step is not None and step.actor == actor, step
    expect(page.locator(".meta .badge").nth(1)).to_have_text(step.name)


def allowed(page: Any) -> list[str]:
    """The transitions the page offers (not the forms to attach files or consult)."""
    return page.get_by_role("region", name=vi("Actions")).locator("legend").all_inner_texts()


def attach(page: Any, name: str, kind: str = "") -> None:
    """Attach a small PDF through the dossier page's upload form (a scan, or the result)."""
    form = page.get_by_role("group", name=vi("Attach a file"))
    if kind:
        form.get_by_label(vi("Kind")).select_option(kind)
    pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n%" + name.encode() + b"\n"
    form.get_by_label(vi("File (PDF, JPEG or PNG)")).set_input_files(
        files=[{"name": name, "mimeType": "application/pdf", "buffer": pdf}]
    )
    form.get_by_role("button", name=vi("Attach")).click()
    expect(page.get_by_role("status").first).to_have_text(vi("File attached."))
    expect(page.get_by_role("region", name=vi("Documents"))).to_contain_text(name)


def open_from_my_work(page: Any, code: str) -> None:
    """The dossier waits in the official's "My work" list; open it from there."""
    rows = page.locator("table tbody tr")
    expect(rows.filter(has_text=code)).to_have_count(1)
    page.get_by_role("main").get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)


def fetch_pdf(page: Any, live_server: Any, screenshot_dir: Path, link_text: str, name: str) -> str:
    """Download the form linked as `link_text`, render it to PNG for a look, return its text."""
    link = page.get_by_role("link", name=vi(link_text), exact=True)
    href = link.get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.ok, response.status
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF"), pdf[:20]
    target = screenshot_dir / f"{name}.pdf"
    target.write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", str(target), str(screenshot_dir / name)], check=True)
    if not shutil.which("pdftotext"):
        return ""
    raw = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, check=True, text=True)
    return raw.stdout


# --- the walkthrough ------------------------------------------------------------------------------


def test_paper_dossier_from_the_desk_to_the_returned_result(page: Any, live_server: Any, screenshot_dir: Path) -> None:
    from motcua.dossiers.models import Dossier

    # Anyone not signed in is sent to the sign-in page.
    page.goto(live_server.url + "/mot-cua/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=/mot-cua/$"))
    page.get_by_label(vi("Phone, e-mail or username")).fill("desk1")
    page.get_by_label(vi("Password")).fill("not-the-password")
    page.get_by_role("main").get_by_role("button", name=vi("Sign in")).click()
    expect(page.get_by_role("alert")).to_have_text(
        vi("Wrong phone, e-mail or password. After %(n)s wrong tries the account waits %(minutes)s minutes.")
        % {"n": 5, "minutes": 15}
    )

    # 1. The desk officer receives a complete paper dossier, scans it and prints the receipt (form 01).
    sign_in(page, live_server, "desk1")
    code = receive_paper_dossier(page)
    expect_status(page, code, Status.RECEIVED)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(TRAVEL_CODE)
    expect(facts).to_contain_text(APPLICANT["name"])
    expect(facts).to_contain_text(APPLICANT["id_number"])
    dossier = Dossier.objects.get(code=code)
    assert dossier.channel == "in_person" and dossier.received_at and dossier.due_at
    receipt = fetch_pdf(page, live_server, screenshot_dir, "Receipt (form 01, PDF)", "desk-receipt")
    for expected in (code, APPLICANT["name"], "lữ hành nội địa", "Phường Ninh Kiều, Thành phố Cần Thơ"):
        assert not receipt or expected in receipt, f"{expected!r} not on the receipt"
    attach(page, "ban-scan-don-de-nghi.pdf")

    # 2. ...and transfers it to the tourism division.
    act(page, Action.TRANSFER, unit=TOURISM_DIVISION[0])
    expect_status(page, code, Status.IN_PROCESSING)
    expect_step(page, code, "division")
    expect(facts).to_contain_text(TOURISM_DIVISION[1])
    sign_out(page)

    # 3. The division head finds it in "My work" and assigns a specialist of the division.
    sign_in(page, live_server, "head1")
    open_from_my_work(page, code)
    act(page, Action.ASSIGN, assignee="specialist1")
    expect(facts).to_contain_text(FULL_NAME["specialist1"])
    sign_out(page)

    # 4. The specialist finds a document missing and proposes a supplement request: never to the
    #    applicant directly — the dossier goes back to the desk.
    sign_in(page, live_server, "specialist1")
    open_from_my_work(page, code)
    assert vi(Action.APPROVE.label) not in allowed(page)
    act(page, Action.PROPOSE_SUPPLEMENT, note=SUPPLEMENT_REASON)
    expect_step(page, code, "one_stop_desk")
    assert allowed(page) == []
    sign_out(page)

    # 5. The desk issues the request (form 02) with what the division proposed; the applicant brings the
    #    document to the desk, which scans it and records the supplement: back to the same specialist.
    sign_in(page, live_server, "desk1")
    open_from_my_work(page, code)
    request = page.get_by_role("group", name=vi(Action.REQUEST_SUPPLEMENT.label), exact=True)
    expect(request.locator("textarea[name=note]")).to_have_value(SUPPLEMENT_REASON)
    act(page, Action.REQUEST_SUPPLEMENT)
    expect_status(page, code, Status.SUPPLEMENT_REQUESTED)
    form02 = fetch_pdf(page, live_server, screenshot_dir, "Supplement request (form 02, PDF)", "desk-form-02")
    assert not form02 or "hợp đồng lao động" in form02
    attach(page, "hop-dong-lao-dong.pdf")
    act(page, Action.PROVIDE_SUPPLEMENT)
    expect_status(page, code, Status.IN_PROCESSING)
    expect_step(page, code, "division")
    assert Dossier.objects.get(code=code).pauses.get().ended_at is not None
    sign_out(page)

    # 6. specialist → division head → leader, each handing over to the next step.
    for username in ("specialist1", "head1"):
        sign_in(page, live_server, username)
        open_from_my_work(page, code)
        act(page, Action.FORWARD)
        sign_out(page)

    # 7. The leader attaches the signed result and approves.
    sign_in(page, live_server, "leader1")
    open_from_my_work(page, code)
    expect_step(page, code, "leader")
    attach(page, "quyet-dinh-cap-giay-phep.pdf", kind="result")
    act(page, Action.APPROVE)
    expect_status(page, code, Status.PROCESSED)
    assert Dossier.objects.get(code=code).outcome == "approved"
    sign_out(page)

    # 8. The desk hands the result back, from the "Ready to return" list.
    sign_in(page, live_server, "desk1")
    page.get_by_role("navigation", name=vi("Work lists")).get_by_role("link", name=vi("Ready to return")).click()
    expect(page).to_have_url(re.compile(r"/mot-cua/\?queue=ready$"))
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(APPLICANT["name"])
    rows.first.get_by_role("link", name=code).click()
    act(page, Action.RETURN_RESULT)
    expect_status(page, code, Status.RETURNED)
    assert allowed(page) == []

    # The process table and the control slip (form 06) judge every hand-over.
    process = page.get_by_role("region", name=vi("Process")).locator("tbody tr")
    expect(process).to_have_count(7)
    slip = fetch_pdf(page, live_server, screenshot_dir, "Control slip (form 06, PDF)", "desk-form-06")
    if slip:
        assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in slip
        assert slip.count("1. Giao:") == 6, slip  # desk→division→desk→division→head→leader→desk
        judged = re.findall(r"(?:Trước hạn|Đúng hạn|Quá hạn)(?!/)", slip)  # not the column heading
        # Done within minutes, nothing is late; the desk's own step to issue form 02 has no limit.
        assert len(judged) == 5 and "Quá hạn" not in judged, judged
    steps = Dossier.objects.get(code=code).steps.order_by("started_at", "id")
    assert [s.actor for s in steps] == [
        "one_stop_desk",
        "division",
        "one_stop_desk",
        "division",
        "division_head",
        "leader",
        "one_stop_desk",
    ]

    # The history lists every action, in order, with who took it.
    history = page.get_by_role("region", name=vi("History")).locator("tbody tr")
    actions = [Action.SUBMIT, Action.RECEIVE, Action.TRANSFER, Action.ASSIGN, Action.PROPOSE_SUPPLEMENT]
    actions += [Action.REQUEST_SUPPLEMENT, Action.PROVIDE_SUPPLEMENT, Action.FORWARD, Action.FORWARD]
    actions += [Action.APPROVE, Action.RETURN_RESULT]
    expect(history).to_have_count(len(actions))
    cells = [cell.split("\n")[0] for cell in history.locator("td:nth-child(2)").all_inner_texts()]
    assert cells == [vi(a.label) for a in actions], cells
    by = history.locator("td:nth-child(3)").all_inner_texts()
    people = ["desk1", "desk1", "desk1", "head1", "specialist1", "desk1", "desk1", "specialist1", "head1"]
    assert by == [FULL_NAME[u] for u in [*people, "leader1", "desk1"]], by
    page.screenshot(path=screenshot_dir / "desk-dossier-returned-desktop.png", full_page=True)

    # Returned, it has left the "Ready to return" list.
    page.goto(live_server.url + "/mot-cua/?queue=ready")
    expect(page.locator("table tbody tr")).to_have_text([vi("Nothing in this list.")])


# --- every desk page: axe-core, and a phone ------------------------------------------------------


def received_dossier() -> str:
    """A paper dossier desk1 has just received, made through the service (not the browser)."""
    from motcua.accounts.models import User
    from motcua.dossiers.services import ApplicantData, dossier_create

    dossier = dossier_create(
        actor=User.objects.get(username="desk1"),
        procedure_code=TRAVEL_CODE,
        channel="in_person",
        applicant=ApplicantData(kind="person", **APPLICANT),
    )
    return dossier.code


def open_desk_page(page: Any, live_server: Any, name: str) -> None:
    """Open the desk page `name` as desk1 (the sign-in page signed out)."""
    if name == "sign-in":
        page.goto(live_server.url + "/dang-nhap/")
        return
    code = received_dossier()
    sign_in(page, live_server, "desk1")
    path = {
        "queue": "/mot-cua/",
        "intake": f"/mot-cua/tiep-nhan/?procedure={TRAVEL_CODE}",
        "dossier": f"/mot-cua/ho-so/{code}/",
    }[name]
    page.goto(live_server.url + path)
    if name == "queue":
        expect(page.locator("table tbody tr")).to_have_count(1)


@pytest.mark.parametrize("name", DESK_PAGES)
def test_desk_pages_have_no_axe_violations(
    page: Any, live_server: Any, screenshot_dir: Path, axe: Any, name: str
) -> None:
    open_desk_page(page, live_server, name)
    page.screenshot(path=screenshot_dir / f"desk-{name}-desktop.png", full_page=True)
    axe(page)


@pytest.mark.parametrize("name", DESK_PAGES)
def test_desk_pages_fit_a_phone(mobile_page: Any, live_server: Any, screenshot_dir: Path, name: str) -> None:
    page = mobile_page
    open_desk_page(page, live_server, name)
    page.screenshot(path=screenshot_dir / f"desk-{name}-mobile.png", full_page=True)
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[1] == 390
    assert width[0] <= width[1], f"{name}: page is {width[0]}px wide on a {width[1]}px screen"
    # Every field and button stays within the screen.
    for control in page.get_by_role("main").locator("input:visible, select:visible, textarea:visible, button").all():
        box = control.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, control, box)
