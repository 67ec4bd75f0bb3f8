"""Locust scenarios of MotCua's citizens and officials (bench/load_test.py and the CI load run).

    .venv/bin/locust -f bench/load/locustfile.py --headless -u 16 -r 16 -t 60s --host http://127.0.0.1:8000

Reads `MOTCUA_LOAD_DATA`, a JSON file written by bench/load_test.py (or the CI test) with what the
users need from the database they run against:

    {"password": "...", "citizens": ["load_citizen_1", ...],
     "officials": [{"username": "desk1", "password": "...", "role": "desk_officer"}, ...],
     "lookups": [["CODE", "SECRET"], ...], "procedures": ["1.001029", ...],
     "apply": [{"procedure": "1.001029", "form_data": {...}}, ...], "searches": ["du lịch", ...]}

Users (pick them on the command line, e.g. `CitizenUser OfficialUser`, or `ApplicantUser` alone):

- CitizenUser (weight 3): anonymous catalog search through the page and the API, procedure pages,
  the public lookup with a real code and secret; signed in (an API token, once), their own
  dossiers and now and then an online application with one ~200 KB PDF.
- OfficialUser (weight 2): signed in once through the sign-in page (session cookie and CSRF); the
  desk queues, the dossier list API, a dossier's page, the report page; now and then a transition
  (a desk officer receives a submitted online application).
- ApplicantUser (alone for the throughput run: name the classes on the command line): posts applications with the 200 KB
  document as fast as it can, no wait.

Every request has its own task name so that p50/p95 can be read per endpoint. A 409 on a
transition (another official acted on the same dossier first) is the API's correct answer to a
race, counted under "transition (API), stale (409)", not as a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from locust import HttpUser, between, constant, events, task

DATA: dict[str, Any] = {}


def data() -> dict[str, Any]:
    if not DATA:
        path = os.environ.get("MOTCUA_LOAD_DATA", "")
        if not path:
            raise RuntimeError("Set MOTCUA_LOAD_DATA to the JSON file written by bench/load_test.py.")
        with open(path, encoding="utf-8") as handle:
            DATA.update(json.load(handle))
    return DATA


def pdf_document(size: int = 200 * 1024) -> bytes:
    """A valid one-page PDF padded to `size` bytes with a comment stream (the upload checks the type
    by content)."""
    head = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    )
    tail = b"trailer<</Root 1 0 R>>\n%%EOF\n"
    padding = size - len(head) - len(tail)
    lines = b"".join(b"%" + b"x" * 78 + b"\n" for _ in range(max(padding, 0) // 80))
    body = head + lines
    return body + b"%" * max(size - len(body) - len(tail) - 1, 0) + b"\n" + tail


PDF = pdf_document()


def think() -> Any:
    """Between 0.5 and 2 s between a user's requests; `MOTCUA_LOAD_WAIT` (seconds) sets the maximum
    (the CI run's 0.05 exercises every task within its 20 s)."""
    most = float(os.environ.get("MOTCUA_LOAD_WAIT", "") or 2)
    return between(min(0.5, most / 4), most)


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.quitting.add_listener
def _report_applications(environment: Any, **_kwargs: Any) -> None:
    stats = environment.stats.entries.get(("apply: upload 200 KB document (API)", "POST"))
    if stats is not None:
        print(f"applications completed: {stats.num_requests - stats.num_failures}")


def somebody() -> dict[str, str]:
    """A lookup comes from one of many citizens, each from their own address, through the reverse
    proxy (the stack runs with MOTCUA_PROXY_COUNT=1): the per-address limit of 30 lookups a minute
    is a guard against guessing, not a ceiling on the province's lookups."""
    return {"X-Forwarded-For": f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"}


_SIGNED_IN = itertools.count(1)


def signed_in(user: Any) -> None:
    """With `MOTCUA_LOAD_STEADY=1`, the statistics start again once every user has signed in: a
    sign-in costs a PBKDF2 hash (~0.5 s of CPU) and all users sign in in the first seconds, which
    would otherwise fill the steady-state percentiles with the queue behind them."""
    runner = user.environment.runner
    if next(_SIGNED_IN) == getattr(runner, "target_user_count", -1) and os.environ.get("MOTCUA_LOAD_STEADY") == "1":
        user.environment.stats.reset_all()


class ApiSession:
    """Sign-in with an API token (once per simulated user) and the application flow."""

    client: Any
    token: str = ""

    def sign_in_api(self, username: str) -> None:
        with self.client.post(
            "/api/v1/auth/token/",
            json={"username": username, "password": data()["password"]},
            name="sign in (API token)",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            self.token = response.json()["token"]

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def apply(self, name_suffix: str = "") -> None:
        """An online application through the API: the dossier, then its one ~200 KB document."""
        choice = random.choice(data()["apply"])
        applicant = {
            "kind": "person",
            "name": f"Người nộp thử {random.randint(1, 10**6)}",
            "id_number": f"{random.randint(0, 10**12 - 1):012d}",
            "phone": f"090{random.randint(0, 10**7 - 1):07d}",
        }
        with self.client.post(
            "/api/v1/dossiers/",
            json={
                "procedure": choice["procedure"],
                "channel": "online",
                "applicant": applicant,
                "form_data": choice["form_data"],
            },
            headers=self.auth(),
            name="apply: create dossier (API)" + name_suffix,
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:300]}")
                return
            code = response.json()["code"]
        with self.client.post(
            f"/api/v1/dossiers/{code}/documents/",
            files={"file": ("don-de-nghi.pdf", PDF, "application/pdf")},
            headers=self.auth(),
            name="apply: upload 200 KB document (API)" + name_suffix,
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:300]}")


class CitizenUser(ApiSession, HttpUser):
    weight = 3
    wait_time = think()

    def on_start(self) -> None:
        self.username = random.choice(data()["citizens"])
        self.sign_in_api(self.username)
        signed_in(self)

    @task(4)
    def search_page(self) -> None:
        self.client.get("/thu-tuc/", params={"q": random.choice(data()["searches"])}, name="catalog search (page)")

    @task(3)
    def search_api(self) -> None:
        self.client.get(
            "/api/v1/procedures/", params={"q": random.choice(data()["searches"])}, name="catalog search (API)"
        )

    @task(3)
    def procedure_page(self) -> None:
        self.client.get(f"/thu-tuc/{random.choice(data()['procedures'])}/", name="procedure page")

    @task(2)
    def lookup(self) -> None:
        code, secret = random.choice(data()["lookups"])
        with self.client.get(
            "/api/v1/lookup/",
            params={"code": code, "secret": secret},
            headers=somebody(),
            name="lookup (API)",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and response.json().get("code") != code:
                response.failure("the lookup answered another dossier")

    @task(1)
    def lookup_page(self) -> None:
        code, secret = random.choice(data()["lookups"])
        self.client.get("/tra-cuu/", params={"code": code, "secret": secret}, headers=somebody(), name="lookup (page)")

    @task(1)
    def my_dossiers(self) -> None:
        if self.token:
            self.client.get("/api/v1/dossiers/", headers=self.auth(), name="my dossiers (API)")

    @task(1)
    def apply_online(self) -> None:
        if self.token:
            self.apply()


class ApplicantUser(ApiSession, HttpUser):
    """The throughput run: applications as fast as the server takes them."""

    weight = 1
    wait_time = constant(0)

    def on_start(self) -> None:
        self.sign_in_api(random.choice(data()["citizens"]))
        signed_in(self)

    @task
    def apply_online(self) -> None:
        if self.token:
            self.apply()


OFFICIALS = itertools.count()
QUEUES = ["mine", "mine", "mine", "all", "online", "overdue", "due_soon", "ready", "supplement"]


class OfficialUser(HttpUser):
    weight = 2
    wait_time = think()

    def on_start(self) -> None:
        # In turn, so that a run with two officials has the first two (a desk officer first).
        officials = data()["officials"]
        official = officials[next(OFFICIALS) % len(officials)]
        self.username, self.role = official["username"], official["role"]
        self.codes: list[str] = []
        page = self.client.get("/dang-nhap/", name="sign in (page)")
        self.plain_cookies()
        match = CSRF_INPUT.search(page.text)
        with self.client.post(
            "/dang-nhap/",
            data={
                "username": self.username,
                "password": official["password"],
                "csrfmiddlewaretoken": match.group(1) if match else "",
            },
            headers={"Referer": f"{self.host}/dang-nhap/"},
            name="sign in (page)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in of {self.username} answered {response.status_code}")
        signed_in(self)

    def plain_cookies(self) -> None:
        """Production marks the session and CSRF cookies Secure; on loopback without the TLS proxy
        the client would then not send them back. Send them as a browser behind the proxy would:
        called after every request of an official (requests copies the jar for each request, so a
        cookie policy set on it would not last)."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def csrf(self) -> dict[str, str]:
        return {
            "X-CSRFToken": (self.client.cookies.get("__Host-csrftoken") or self.client.cookies.get("csrftoken", "")),
            "Referer": f"{self.host}/mot-cua/",
        }

    @task(6)
    def desk_queue(self) -> None:
        self.plain_cookies()
        self.client.get("/mot-cua/", params={"queue": random.choice(QUEUES)}, name="desk queue")

    @task(4)
    def dossier_list_api(self) -> None:
        self.plain_cookies()
        with self.client.get("/api/v1/dossiers/", name="dossier list (API)", catch_response=True) as response:
            if response.status_code == 200:
                self.codes = [row["code"] for row in response.json()["results"]]

    @task(2)
    def dossier_page(self) -> None:
        self.plain_cookies()
        if self.codes:
            self.client.get(f"/mot-cua/ho-so/{random.choice(self.codes)}/", name="dossier page (desk)")

    @task(1)
    def report_page(self) -> None:
        self.plain_cookies()
        if self.role in ("agency_leader", "report_viewer"):
            self.client.get("/mot-cua/bao-cao/", name="report page")

    @task(1)
    def transition(self) -> None:
        """A desk officer receives one of the submitted online applications."""
        self.plain_cookies()
        if self.role != "desk_officer":
            return
        response = self.client.get(
            "/api/v1/dossiers/", params={"status": "submitted", "page_size": 100}, name="dossier list (API), submitted"
        )
        # As a desk checks the documents first: only applications submitted a while ago, whose
        # applicant has finished uploading (received, a dossier takes no more documents from them).
        settled = datetime.now(UTC) - timedelta(seconds=3)
        ready = [
            row["code"]
            for row in (response.json()["results"] if response.status_code == 200 else [])
            if row.get("submitted_at") and datetime.fromisoformat(row["submitted_at"]) < settled
        ]
        if not ready:
            return
        code = random.choice(ready)
        self.plain_cookies()
        with self.client.post(
            f"/api/v1/dossiers/{code}/actions/receive/",
            json={"expected_status": "submitted", "note": ""},
            headers=self.csrf(),
            name="transition: receive (API)",
            catch_response=True,
        ) as answer:
            if answer.status_code == 409:
                answer.success()
                events.request.fire(
                    request_type="POST",
                    name="transition (API), stale (409)",
                    response_time=answer.elapsed.total_seconds() * 1000,
                    response_length=len(answer.content),
                    exception=None,
                    context={},
                )
            elif answer.status_code != 200:
                answer.failure(f"{answer.status_code}: {answer.text[:300]}")
