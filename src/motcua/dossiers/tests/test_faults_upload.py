"""A web worker killed in the middle of an upload: the production server (gunicorn, sync workers) in a
subprocess on the test's database, a citizen signed in through the API with a token, a ~200 KB document
sent over a raw socket, and SIGKILL to the gunicorn worker that holds the connection.

Afterwards: no document row, a new worker answers, the same upload sent again is stored whole, and after
the cleanup job (grace 0) no stored file is unreferenced.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command

from motcua.catalog.tests.factories import RequiredDocumentFactory
from motcua.dossiers.models import Dossier, DossierDocument, StoredDocument
from motcua.notifications.tests.conftest import ROOT, shared_db  # noqa: F401  (fixture: a database gunicorn shares)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"
CONTENT = b"%PDF-1.7\n" + bytes(range(256)) * 800 + b"\n%%EOF\n"  # about 200 KB
BOUNDARY = "----motcua-fault-test"


def multipart(content: bytes, required_document: int) -> bytes:
    return (
        (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="required_document"\r\n\r\n'
            f"{required_document}\r\n"
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="don-de-nghi.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(predicate: Callable[[], Any], what: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


def children(master: int) -> set[int]:
    """gunicorn's workers: the master's child processes."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.add(int(entry.name))
    return pids


def holder_of(client: socket.socket, server_port: int, master: int) -> int | None:
    """The worker whose open files include the server side of `client`'s connection (None: not accepted yet)."""
    client_port = client.getsockname()[1]
    inode = ""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == client_port:
            inode = fields[9]
    if not inode:
        return None
    for pid in children(master):
        try:
            links = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
        except OSError:
            continue
        if f"socket:[{inode}]" in links:
            return pid
    return None


class Server:
    """gunicorn as production starts it (motcua.wsgi, sync workers), on a free loopback port."""

    def __init__(self, env: dict[str, str], app: str = "motcua.wsgi") -> None:
        self.port = free_port()
        command = [str(Path(sys.executable).parent / "gunicorn"), app, "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", "1", "--worker-class", "sync", "--timeout", "60", "--graceful-timeout", "2"]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={
                **env,
                "MOTCUA_ENV": "production",
                "MOTCUA_SECRET_KEY": "fault-test-" + "x" * 40,
                "MOTCUA_ALLOWED_HOSTS": "127.0.0.1",
                "MOTCUA_SSL_REDIRECT": "0",
                "MOTCUA_ALLOW_SQLITE_IN_PRODUCTION": "1",
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(lambda: self.request("GET", "/healthz")[0], "gunicorn to answer")

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        assert self.process.poll() is None, "gunicorn exited"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        except OSError:
            return 0, b""
        finally:
            connection.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def application(shared_db, office):  # noqa: F811
    """A citizen's online dossier waiting for its one required document, and their API token's header."""
    required = RequiredDocumentFactory(version=office.version, name="Đơn đề nghị", accepted_file_types=["pdf"])
    # The server checks passwords with the production hashers (the tests' settings use MD5).
    office.citizen.password = PBKDF2PasswordHasher().encode(PASSWORD, "faultsalt", iterations=1000)
    office.citizen.save(update_fields=["password"])
    return office, required


@pytest.fixture
def server_env(shared_db, tmp_path) -> dict[str, str]:  # noqa: F811
    return {**shared_db, "MOTCUA_TEST_PAUSE_MARK": str(tmp_path / "paused")}


@contextmanager
def start(env: dict[str, str], app: str = "motcua.wsgi") -> Iterator[Server]:
    server = Server(env, app)
    try:
        yield server
    finally:
        server.stop()


def sign_in_and_apply(server: Server, office) -> tuple[dict[str, str], str]:
    status, body = server.request(
        "POST",
        "/api/v1/auth/token/",
        json.dumps({"username": office.citizen.username, "password": PASSWORD}).encode(),
        {"Content-Type": "application/json"},
    )
    assert status == 200, body
    auth = {"Authorization": f"Bearer {json.loads(body)['token']}"}
    payload = {"procedure": "2.001628", "channel": "online", "applicant": {"kind": "person", "name": "Phạm Thu Hà"}}
    status, body = server.request(
        "POST", "/api/v1/dossiers/", json.dumps(payload).encode(), {**auth, "Content-Type": "application/json"}
    )
    assert status == 201, body
    return auth, json.loads(body)["code"]


def open_upload(server: Server, auth: dict[str, str], code: str, body: bytes, send: int) -> socket.socket:
    """A raw connection that has sent the request's head and the first `send` bytes of its body."""
    head = (
        f"POST /api/v1/dossiers/{code}/documents/ HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\n"
        f"Authorization: {auth['Authorization']}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    client = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    client.sendall(head + body[:send])
    return client


def kill_worker(server: Server, pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: children(server.process.pid) - {pid}, "the master to start a new worker")


def closed_without_answer(client: socket.socket) -> bool:
    try:
        return client.recv(1024) == b""
    except ConnectionResetError:
        return True
    finally:
        client.close()


def upload_again(server: Server, auth: dict[str, str], code: str, required: int) -> dict[str, Any]:
    status, body = server.request(
        "POST",
        f"/api/v1/dossiers/{code}/documents/",
        multipart(CONTENT, required),
        {**auth, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    assert status == 201, body
    return dict(json.loads(body))


def assert_stored_whole(storage: FileSystemStorage, code: str, answer: dict[str, Any]) -> None:
    document = DossierDocument.objects.get(dossier__code=code)
    assert answer["id"] == document.pk and document.sha256 == hashlib.sha256(CONTENT).hexdigest()
    with storage.open(str(document.file.name), "rb") as stored:
        assert stored.read() == CONTENT
    assert Dossier.objects.get(code=code).status == "submitted"


def assert_every_file_referenced(storage: FileSystemStorage, monkeypatch) -> list[str]:
    """The cleanup job (grace 0) on the server's storage; then each file left is named by a row."""
    for model in (DossierDocument, StoredDocument):
        monkeypatch.setattr(model._meta.get_field("file"), "storage", storage)
    call_command("cleanup_orphan_files", "--grace-hours", "0", stdout=open(os.devnull, "w"))  # noqa: SIM115
    root = Path(storage.location)
    left = sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
    referenced = set(DossierDocument.objects.values_list("file", flat=True)) | set(
        StoredDocument.objects.values_list("file", flat=True)
    )
    assert set(left) <= referenced, set(left) - referenced
    return left


def test_a_worker_killed_while_receiving_the_upload_leaves_nothing(application, server_env, tmp_path, monkeypatch):
    office, required = application
    storage = FileSystemStorage(location=tmp_path / "private")
    with start(server_env) as server:
        auth, code = sign_in_and_apply(server, office)
        body = multipart(CONTENT, required.pk)
        client = open_upload(server, auth, code, body, send=len(body) // 2)
        worker = wait_for(lambda: holder_of(client, server.port, server.process.pid), "the worker to take the upload")
        kill_worker(server, worker)
        assert closed_without_answer(client)

        assert not DossierDocument.objects.exists() and not StoredDocument.objects.exists()
        answer = upload_again(server, auth, code, required.pk)
        assert_stored_whole(storage, code, answer)
    assert len(assert_every_file_referenced(storage, monkeypatch)) == 1


def test_a_worker_killed_inside_the_upload_transaction_leaves_a_file_the_cleanup_removes(
    application, server_env, tmp_path, monkeypatch
):
    """The file is written and the row inserted, not committed, when the worker dies (blocking_wsgi.py)."""
    office, required = application
    storage = FileSystemStorage(location=tmp_path / "private")
    mark = Path(server_env["MOTCUA_TEST_PAUSE_MARK"])
    with start(server_env, "motcua.dossiers.tests.blocking_wsgi") as server:
        auth, code = sign_in_and_apply(server, office)
        body = multipart(CONTENT, required.pk)
        client = open_upload(server, auth, code, body, send=len(body))
        wait_for(mark.exists, "the upload to reach its transaction")
        worker = int(mark.read_text())
        assert worker == holder_of(client, server.port, server.process.pid)
        kill_worker(server, worker)
        assert closed_without_answer(client)

        assert not DossierDocument.objects.exists(), "the row of a transaction that never committed"
        orphans = [path for path in Path(storage.location).rglob("*") if path.is_file()]
        assert len(orphans) == 1 and orphans[0].read_bytes() == CONTENT, "its file was written before the row"
        answer = upload_again(server, auth, code, required.pk)
        assert_stored_whole(storage, code, answer)
    left = assert_every_file_referenced(storage, monkeypatch)
    assert len(left) == 1 and not orphans[0].exists()
