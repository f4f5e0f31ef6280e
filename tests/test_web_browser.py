"""End to end in headless Chromium against a real uvicorn server on a free loopback port:
upload minutes, search them, open the passage, change a record's status, download the CSV.
Screenshots of every page go to docs/screenshots/ (the README's tour shows them)."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_api import FIXTURES, TOKEN

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from prachum.api import create_app
    from prachum.config import Settings
    from prachum.services import Services

    settings = Settings(data_dir=tmp_path_factory.mktemp("served"), embedder="hashing", api_token=TOKEN)
    port = free_port()
    config = uvicorn.Config(create_app(Services(settings)), host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server: str):  # type: ignore[no-untyped-def]
    """A page that records every request leaving for another origin."""
    context = browser.new_context(viewport=LAPTOP, locale="th-TH", accept_downloads=True)
    tab = context.new_page()
    tab.outside = []
    tab.on(
        "request",
        lambda r: tab.outside.append(r.url) if not r.url.startswith((server, "data:", "blob:")) else None,
    )
    yield tab
    context.close()


def shot(tab, name: str, full_page: bool = False) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 5_000


def test_upload_search_open_update_and_download(page, server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Upload two meetings through the upload page: each file gets its own row and result.
    page.goto(f"{server}/upload")
    page.fill(".js-token", TOKEN)
    page.fill(".js-actor", "สมศรี ทดสอบ")
    files = sorted(FIXTURES.glob("*.txt"))
    page.set_input_files("input[type=file]", [str(f) for f in files])
    page.click(".js-upload button[type=submit]")
    page.wait_for_function(
        f"() => document.querySelectorAll('.js-upload-rows tr[data-result]').length === {len(files)}",
        timeout=60_000,
    )
    results = page.locator(".js-upload-rows tr").evaluate_all("rows => rows.map(r => r.dataset.result)")
    assert results == ["ok"] * len(files)
    # each file went through the job queue (the server's inline worker) and was followed to "done"
    states = page.locator(".js-upload-rows tr").evaluate_all("rows => rows.map(r => [r.dataset.job, r.dataset.state])")
    assert all(job and state == "done" for job, state in states), states
    assert page.evaluate("() => document.fonts.check('16px Sarabun')")
    shot(page, "upload")

    # The briefing buttons download a note on the uploaded meeting.
    if page.locator("form[action='/api/brief']").count():
        page.fill("form[action='/api/brief'] input[name=query]", "ภัยแล้ง")
        with page.expect_download() as brief:
            page.click("form[action='/api/brief'] button[value=md]")
        note = tmp_path / "brief.md"
        brief.value.save_as(note)
        assert "ภัยแล้ง" in note.read_text(encoding="utf-8")

    # Search with a filter; hits carry kind badges and highlighted words.
    page.goto(f"{server}/")
    page.fill("input[name=q]", "แหล่งน้ำประปาหมู่บ้าน")
    page.click(".filters summary")
    page.select_option("select[name=kind]", "recommendation")
    page.click(".searchbox button")
    page.wait_for_selector(".hit")
    assert page.locator(".hit .badge.kind-recommendation").count() == page.locator(".hit").count()
    assert page.locator(".hit mark").count() > 0
    shot(page, "search")

    # Open the first hit: the passage is marked and scrolled into view.
    page.locator(".hit a.open").first.click()
    page.wait_for_url("**/documents/**")
    passage = page.locator("#passage")
    passage.wait_for()
    page.wait_for_function(
        "() => { const r = document.getElementById('passage').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }"
    )
    assert page.locator(".minutes a.hl.kind-recommendation").count() > 0
    assert page.locator(".sdg-panel .sdg").count() > 0
    shot(page, "document")

    # Click the highlighted recommendation → its register record; change its status.
    page.locator("a.hl.passage[href^='/recs/']").first.click()
    page.wait_for_url("**/recs/**")
    rec_id = page.url.rsplit("/", 1)[-1]
    before = page.locator(".timeline li").count()
    page.select_option(".js-rec-form select[name=status]", "in_progress")
    page.fill(".js-rec-form textarea[name=note]", "เริ่มสำรวจแหล่งน้ำแล้ว")
    page.click(".js-rec-form button[type=submit]")
    page.wait_for_function(f"() => document.querySelectorAll('.timeline li').length > {before}")
    assert page.locator(".record .badge.status-in_progress").count() == 1
    assert "สมศรี ทดสอบ" in page.locator(".timeline").inner_text()
    shot(page, "record", full_page=True)

    # The register lists it; the CSV download holds the new status.
    page.goto(f"{server}/recs")
    assert page.locator(f"a[href='/recs/{rec_id}']").count() == 1
    shot(page, "register")
    with page.expect_download() as download:
        page.click("text=ดาวน์โหลด CSV")
    saved = tmp_path / "register.csv"
    download.value.save_as(saved)
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig")))}
    assert rec_id in rows and "in_progress" in rows[rec_id].values()

    assert page.outside == []


def api(server: str, method: str, path: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{server}{path}",
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def test_record_page_confirms_a_suggested_follow_up(page, server: str) -> None:  # type: ignore[no-untyped-def]
    docs = sorted(api(server, "GET", "/api/documents")["data"], key=lambda d: d["meeting_date"] or "")
    if len(docs) < 2:
        pytest.skip("needs the two uploaded meetings (runs after the upload test)")
    earlier, later = docs[0], docs[-1]
    rec = next(r for r in api(server, "GET", "/api/recs")["data"] if r["doc_id"] == earlier["id"])
    linked = {f["item_id"] for f in rec["followups"]}
    item = next(
        i["id"] for i in api(server, "GET", f"/api/documents/{later['id']}")["items"] if i["id"] not in linked
    )
    api(server, "POST", f"/api/recs/{rec['id']}/links", {"item_id": item, "state": "suggested"})

    page.goto(f"{server}/recs/{rec['id']}")
    page.fill(".js-token", TOKEN)
    page.click(f".js-link-action[data-item='{item}'][data-action='confirm']")
    page.wait_for_selector(f".followup.state-confirmed .js-link-action[data-item='{item}']")
    assert "ยืนยันแล้ว" in page.locator(".followup.state-confirmed").first.inner_text()
    shot(page, "record-followup", full_page=True)


def test_status_change_without_token_is_refused_in_the_page(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/recs")
    if page.locator("table.register a[href^='/recs/']").count() == 0:
        pytest.skip("no records yet (runs after the upload test)")
    page.locator("table.register a[href^='/recs/']").first.click()
    page.fill(".js-token", "wrong-token")
    page.select_option(".js-rec-form select[name=status]", index=1)
    page.click(".js-rec-form button[type=submit]")
    page.wait_for_selector(".js-rec-form .js-result.fail")
    assert "401" in page.locator(".js-rec-form .js-result").inner_text()


def test_phone_layout_and_offline_api_docs(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, locale="th-TH", is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.goto(f"{server}/?q=ภัยแล้ง")
    tab.wait_for_selector(".searchbox")
    width = tab.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the search page scrolls sideways on a phone"
    shot(tab, "phone-search")
    first_hit = tab.locator(".hit a.open").first
    if first_hit.count():
        first_hit.click()
        tab.wait_for_url("**/documents/**")
        assert tab.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        shot(tab, "phone-document")
    tab.goto(f"{server}/recs")
    shot(tab, "phone-register")
    context.close()

    context = browser.new_context(viewport=LAPTOP)
    tab = context.new_page()
    tab.goto(f"{server}/api/docs")
    tab.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
    assert "prachum API" in tab.locator(".swagger-ui .info .title").inner_text()
    shot(tab, "api-docs")
    context.close()
