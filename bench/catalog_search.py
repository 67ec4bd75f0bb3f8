"""Benchmark: catalog search through the API on the production server (gunicorn).

Run from the repository root:  .venv/bin/python bench/catalog_search.py [--duration 20] [--profile]

Target: p95 under 20 ms at 50 concurrent clients on 2 cores with 6,300 procedures in force.

What it does, all in a temporary MOTCUA_DATA_DIR (SQLite, the embedded default) or, when
DATABASE_URL is set, in a temporary database `motcua_bench_<pid>` on that PostgreSQL server
(dropped at the end):

1. migrates, loads the demo (`seed_demo`: the 156 real VHTTDL procedures) and adds synthetic
   procedures up to 6,300 (the size of the national catalog): variations of the real names
   (other levels, other applicants, cấp lại / gia hạn / điều chỉnh ...) and procedures of the other
   sectors in the same patterns, with non-colliding codes 1.0xxxxx, `search_text` computed by
   `ProcedureVersion.compute_search_text` and inserted with `bulk_create`;
2. starts gunicorn as production runs it (MOTCUA_ENV=production, `--workers 2` sync workers by
   default, no SSL redirect on loopback, throttle rates raised so that it never answers 429);
3. checks every query of the mix once and times it alone (sequential requests, no concurrency);
4. drives the server with `wrk` (Debian package `wrk`, or a threaded Python client when it is
   missing; the load generator runs on the same 2 cores, on 127.0.0.1 only): 50 connections for
   `--duration` seconds on the search mix (gunicorn's sync workers close each connection after
   its response, so every request also connects), then the same on GET /healthz (the baseline:
   a database round trip and the whole middleware stack, no search), then 1 connection on the
   search mix (the service time without queueing); then 50 users that each wait a random think
   time (mean `--think-ms`) before each request (a threaded Python client, see `run_python`);
5. prints requests/s, p50/p95/p99, errors (any status but 200, socket errors and timeouts),
   gunicorn's CPU time per request, how busy the machine was and the load generator's own CPU
   time, and stops gunicorn.

`--profile` also times the search mix in process (Django's test client): the selectors, the
SQL and the rest of the request, then cProfile's costliest functions.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import http.client
import io
import json
import os
import pstats
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager, suppress
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TARGET_P95_MS = 20.0
TOTAL_PROCEDURES = 6_300
SEED = 6300

# (path and query, weight): what people type in the search box, with and without diacritics,
# a code, and the filter-only lists of the catalog page.
QUERY_MIX: list[tuple[str, int]] = [
    ("q=du lich", 8),
    ("q=du lịch", 6),
    ("q=karaoke", 6),
    ("q=giấy phép", 6),
    ("q=giay phep kinh doanh", 3),
    ("q=thể thao", 6),
    ("q=the thao", 4),
    ("q=di sản", 5),
    ("q=di san van hoa", 3),
    ("q=lữ hành", 3),
    ("q=đăng ký khai sinh", 4),
    ("q=giấy phép xây dựng", 4),
    ("q=cấp lại", 2),
    ("q=1.001029", 5),
    ("q=1.004528", 2),
    ("q=hướng dẫn viên du lịch", 3),
    ("q=lễ hội", 3),
    ("q=THỦ TỤC", 1),
    ("", 4),
    ("level=full", 3),
    ("level=full&field=du-lich", 4),
    ("level=partial&field=the-duc-the-thao", 3),
    ("field=di-san-van-hoa", 3),
    ("q=du lich&level=full", 3),
    ("q=giấy phép&page=2", 2),
]

# --- synthetic catalog ------------------------------------------------------------------------

# Qualifiers the national catalog uses to split one procedure by applicant, level and case.
APPLICANTS = [
    " đối với tổ chức",
    " đối với cá nhân",
    " đối với doanh nghiệp có vốn đầu tư nước ngoài",
    " có yếu tố nước ngoài",
    " tại Trung tâm Phục vụ hành chính công",
]
LEVELS = [" (cấp tỉnh)", " (cấp xã)", " (cấp trung ương)", " thực hiện tại cấp huyện"]
CASES = [" trong trường hợp bị mất, bị hư hỏng", " trên môi trường điện tử", " theo hình thức liên thông"]
VERB_SWAPS = ["cấp lại", "cấp đổi", "điều chỉnh", "gia hạn", "thu hồi", "sửa đổi, bổ sung"]

# Other sectors of the national catalog: (field, result, objects). Objects starting with a verb
# are used as they are; the others get a licensing verb (cấp, cấp lại, gia hạn ...).
OTHER_SECTORS: list[tuple[str, str, list[str]]] = [
    (
        "Hộ tịch",
        "Trích lục hộ tịch",
        [
            "đăng ký khai sinh",
            "đăng ký kết hôn",
            "đăng ký khai tử",
            "đăng ký nhận cha, mẹ, con",
            "đăng ký giám hộ",
            "đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
            "cấp bản sao trích lục hộ tịch",
            "cấp giấy xác nhận tình trạng hôn nhân",
            "đăng ký khai sinh kết hợp nhận cha, mẹ, con",
            "ghi vào Sổ hộ tịch việc hộ tịch của công dân Việt Nam đã được giải quyết tại cơ quan nước ngoài",
        ],
    ),
    (
        "Chứng thực",
        "Bản sao được chứng thực",
        [
            "chứng thực bản sao từ bản chính giấy tờ, văn bản",
            "chứng thực chữ ký trong các giấy tờ, văn bản",
            "chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản",
            "chứng thực văn bản thỏa thuận phân chia di sản",
        ],
    ),
    (
        "Hoạt động xây dựng",
        "Giấy phép xây dựng",
        [
            "giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II",
            "giấy phép xây dựng nhà ở riêng lẻ",
            "giấy phép di dời công trình",
            "chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
            "chứng chỉ năng lực hoạt động xây dựng",
            "thẩm định báo cáo nghiên cứu khả thi đầu tư xây dựng",
        ],
    ),
    (
        "Đất đai",
        "Giấy chứng nhận quyền sử dụng đất",
        [
            "giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
            "đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
            "giao đất, cho thuê đất không thông qua đấu giá quyền sử dụng đất",
            "chuyển mục đích sử dụng đất",
            "tách thửa hoặc hợp thửa đất",
            "đính chính giấy chứng nhận đã cấp",
        ],
    ),
    (
        "Đường bộ",
        "Giấy phép",
        [
            "giấy phép lái xe",
            "giấy phép kinh doanh vận tải bằng xe ô tô",
            "phù hiệu xe ô tô kinh doanh vận tải",
            "giấy phép liên vận quốc tế",
            "chấp thuận thiết kế và phương án tổ chức giao thông của nút giao đấu nối vào quốc lộ",
        ],
    ),
    (
        "Đường thủy nội địa",
        "Giấy chứng nhận đăng ký",
        [
            "đăng ký phương tiện thủy nội địa lần đầu",
            "chứng chỉ chuyên môn thuyền trưởng, máy trưởng",
            "công bố hoạt động bến thủy nội địa",
        ],
    ),
    (
        "Khám bệnh, chữa bệnh",
        "Giấy phép hành nghề",
        [
            "giấy phép hành nghề khám bệnh, chữa bệnh",
            "giấy phép hoạt động đối với phòng khám đa khoa",
            "giấy phép hoạt động đối với cơ sở dịch vụ chăm sóc sức khỏe tại nhà",
            "công bố cơ sở đủ điều kiện thực hiện khám sức khỏe",
        ],
    ),
    (
        "An toàn thực phẩm và dinh dưỡng",
        "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        [
            "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
            "đăng ký bản công bố sản phẩm thực phẩm bảo vệ sức khỏe",
            "xác nhận nội dung quảng cáo thực phẩm",
        ],
    ),
    (
        "Dược phẩm",
        "Giấy chứng nhận đủ điều kiện kinh doanh dược",
        [
            "giấy chứng nhận đủ điều kiện kinh doanh dược",
            "chứng chỉ hành nghề dược",
            "cho phép mua thuốc gây nghiện, thuốc hướng thần",
        ],
    ),
    (
        "Giáo dục và Đào tạo",
        "Quyết định",
        [
            "thành lập trường mầm non, trường mẫu giáo, nhà trẻ",
            "cho phép trường trung học cơ sở hoạt động giáo dục",
            "công nhận trường tiểu học đạt chuẩn quốc gia",
            "chuyển trường đối với học sinh trung học phổ thông",
            "cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
            "công nhận văn bằng do cơ sở giáo dục nước ngoài cấp",
            "giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp",
        ],
    ),
    (
        "Việc làm",
        "Giấy phép",
        [
            "giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
            "giấy phép hoạt động dịch vụ việc làm",
            "giải quyết hưởng trợ cấp thất nghiệp",
            "đăng ký nội quy lao động",
        ],
    ),
    (
        "Lưu thông hàng hóa trong nước",
        "Giấy phép kinh doanh",
        [
            "giấy phép bán lẻ rượu",
            "giấy phép bán buôn sản phẩm thuốc lá",
            "giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu",
            "giấy phép kinh doanh bán lẻ hàng hóa của tổ chức kinh tế có vốn đầu tư nước ngoài",
        ],
    ),
    (
        "Thủy sản",
        "Giấy phép khai thác thủy sản",
        [
            "giấy phép khai thác thủy sản",
            "giấy chứng nhận đăng ký tàu cá",
            "công nhận và giao quyền quản lý cho tổ chức cộng đồng",
        ],
    ),
    (
        "Môi trường",
        "Giấy phép môi trường",
        [
            "giấy phép môi trường",
            "thẩm định báo cáo đánh giá tác động môi trường",
            "đăng ký môi trường",
        ],
    ),
    (
        "Tài nguyên nước",
        "Giấy phép",
        [
            "giấy phép khai thác, sử dụng nước mặt",
            "giấy phép thăm dò nước dưới đất",
            "giấy phép xả nước thải vào nguồn nước",
        ],
    ),
    (
        "Thành lập và hoạt động của doanh nghiệp",
        "Giấy chứng nhận đăng ký doanh nghiệp",
        [
            "đăng ký thành lập doanh nghiệp tư nhân",
            "đăng ký thành lập công ty trách nhiệm hữu hạn hai thành viên trở lên",
            "đăng ký thay đổi người đại diện theo pháp luật",
            "thông báo tạm ngừng kinh doanh",
            "đăng ký hộ kinh doanh",
            "đăng ký thành lập hợp tác xã",
        ],
    ),
    (
        "Đầu tư tại Việt Nam",
        "Giấy chứng nhận đăng ký đầu tư",
        [
            "chấp thuận chủ trương đầu tư của Ủy ban nhân dân cấp tỉnh",
            "giấy chứng nhận đăng ký đầu tư",
            "điều chỉnh dự án đầu tư",
        ],
    ),
    (
        "Tổ chức phi chính phủ",
        "Quyết định",
        [
            "công nhận ban vận động thành lập hội",
            "thành lập hội",
            "phê duyệt điều lệ hội",
            "cấp giấy phép thành lập và công nhận điều lệ quỹ",
        ],
    ),
    (
        "Thi đua, khen thưởng",
        "Bằng khen",
        [
            "tặng Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh",
            "tặng danh hiệu Tập thể lao động xuất sắc",
            "tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã",
        ],
    ),
    (
        "Bảo trợ xã hội",
        "Quyết định trợ cấp",
        [
            "trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở",
            "thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng",
            "tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào cơ sở trợ giúp xã hội",
        ],
    ),
]
LICENCE_WORDS = ("giấy ", "chứng chỉ", "phù hiệu")


def qualifiers(rng: random.Random) -> str:
    applicant = rng.choice(APPLICANTS) if rng.random() < 0.4 else ""
    case = rng.choice(CASES) if rng.random() < 0.2 else ""
    level = rng.choice(LEVELS) if rng.random() < 0.5 else ""
    return applicant + case + level


def synthetic_names(real: list[tuple[str, str]], count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """`count` new, distinct (name, field name, result) triples, realistic for the national catalog."""
    seen = {name for name, _field in real}
    out: list[tuple[str, str, str]] = []
    # A sixth are variations of the real culture, sports and tourism names (as in the national catalog,
    # where one procedure exists at several levels, for several applicants, to issue, renew, amend ...);
    # the rest are the other sectors, in the same patterns.
    culture = count // 6
    for _attempt in range(50 * count):
        if len(out) == count:
            return out
        if len(out) < culture:
            name, field = rng.choice(real)
            result = "Văn bản chấp thuận"
            base = re.sub(r"\s*\((cấp tỉnh|cấp xã|địa phương)\)$", "", name)
            if rng.random() < 0.5:  # "Thủ tục cấp giấy phép ..." -> "Thủ tục gia hạn giấy phép ..."
                base = re.sub(r"^(Thủ tục )?[cC]ấp (?!lại|đổi)", rf"\1{rng.choice(VERB_SWAPS)} ", base)
        else:
            field, result, objects = rng.choice(OTHER_SECTORS)
            thing = rng.choice(objects)
            if thing.startswith(LICENCE_WORDS):
                thing = f"{rng.choice(['cấp', 'cấp', *VERB_SWAPS])} {thing}"
            base = f"Thủ tục {thing}"
        name = base + qualifiers(rng)
        if name not in seen:
            seen.add(name)
            out.append((name, field, result))
    raise RuntimeError(f"only {len(out)} distinct synthetic names out of {count}")


def load_catalog(total: int) -> dict[str, int]:
    """seed_demo, then synthetic procedures up to `total` versions in force."""
    from django.core.management import call_command
    from django.db import transaction

    from motcua.accounts.models import Agency
    from motcua.catalog.constants import Channel, ImplementationLevel, ServiceLevel
    from motcua.catalog.models import Field, Procedure, ProcedureVersion
    from motcua.catalog.selectors import versions_in_force
    from motcua.catalog.services import field_get_or_create
    from motcua.demo import seed
    from motcua.workdays.constants import PeriodUnit

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter()
    call_command("seed_demo", force=True, stdout=io.StringIO())
    seeded = time.perf_counter()

    rng = random.Random(SEED)
    real = list(versions_in_force().values_list("name", "field__name"))
    missing = total - len(real)
    taken = set(Procedure.objects.values_list("code", flat=True))
    numbers = (n for n in rng.sample(range(1, 100_000), 20_000) if f"1.0{n:05d}" not in taken)
    department = Agency.objects.get(code=seed.DEPARTMENT_CODE)
    ward = Agency.objects.get(code=seed.WARD_CODE)
    province = Agency.objects.get(code=seed.PROVINCE_CODE)
    with transaction.atomic():
        fields = {f.name: f for f in Field.objects.all()}
        for field_name, _result, _objects in OTHER_SECTORS:
            fields[field_name] = field_get_or_create(field_name)
        specs = synthetic_names(real, missing, rng)
        procedures = Procedure.objects.bulk_create([Procedure(code=f"1.0{next(numbers):05d}") for _ in specs])
        versions = []
        for procedure, (name, field_name, result) in zip(procedures, specs, strict=True):
            commune = "(cấp xã)" in name
            roll = rng.randrange(100)
            level = ServiceLevel.FULL if roll < 23 else ServiceLevel.PARTIAL if roll < 78 else ServiceLevel.INFORMATION
            version = ProcedureVersion(
                procedure=procedure,
                valid_from=seed.CATALOG_VALID_FROM,
                name=name[:500],
                field=fields[field_name],
                agency=ward if commune else department if field_name in dict(real).values() else province,
                implementation_level=ImplementationLevel.COMMUNE if commune else ImplementationLevel.PROVINCE,
                service_level=level,
                channels=[Channel.IN_PERSON, Channel.POSTAL]
                + ([Channel.ONLINE] if level != ServiceLevel.INFORMATION else []),
                processing_time=Decimal(rng.choice(seed.DEMO_DAYS)),
                processing_unit=PeriodUnit.WORKING_DAYS,
                result_name=result,
                demo_fields=["name", "processing_time", "service_level", "channels"],
            )
            version.search_text = version.compute_search_text()
            versions.append(version)
        ProcedureVersion.objects.bulk_create(versions, batch_size=500)
    in_force = versions_in_force().count()
    return {
        "in_force": in_force,
        "real": len(real),
        "synthetic": len(specs),
        "migrate_s": round(migrated - started, 1),
        "seed_s": round(seeded - migrated, 1),
        "generate_s": round(time.perf_counter() - seeded, 1),
    }


# --- database -------------------------------------------------------------------------------


@contextmanager
def temporary_database(data_dir: str):  # type: ignore[no-untyped-def]
    """Yield the environment for a throw-away database: SQLite in data_dir, or a PostgreSQL database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        yield {"MOTCUA_DATA_DIR": data_dir}, f"SQLite (WAL) in {data_dir}"
        return
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"motcua_bench_{os.getpid()}"
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        bench_url = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
        yield (
            {"MOTCUA_DATA_DIR": data_dir, "DATABASE_URL": bench_url},
            f"PostgreSQL database {name} at {parts.hostname}",
        )
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_healthy(base: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        with suppress(OSError):
            if get(f"{base}/healthz", timeout=2)[0] == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(entry.name))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    ticks = 0
    for pid in pids:
        with suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[int, int]:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# --- load -----------------------------------------------------------------------------------

LUA = """
local paths = {%(paths)s}
local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(%(seed)d + tid * 7919)
  errors = 0
  statuses = ""
end
function request()
  return wrk.format("GET", paths[math.random(#paths)], {["Accept"] = "application/json"})
end
function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if not string.find(statuses, tostring(status), 1, true) then statuses = statuses .. " " .. status end
  end
end
function done(summary, latency, requests)
  local bad, codes = 0, ""
  for _, t in ipairs(threads) do
    bad = bad + t:get("errors")
    codes = codes .. t:get("statuses")
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "status_errors": %%d, "statuses": "%%s", '
    .. '"connect_errors": %%d, "read_errors": %%d, "write_errors": %%d, "timeouts": %%d, '
    .. '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d, "mean_us": %%.1f}\\n',
    summary.requests, summary.duration, bad, codes, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
"""


def lua_script(paths: list[str]) -> str:
    return LUA % {"paths": ", ".join(json.dumps(p) for p in paths), "seed": SEED}


def run_wrk(
    base: str, script: Path, *, connections: int, threads: int, seconds: int, server_pids: list[int]
) -> dict[str, float]:
    before_cpu = cpu_seconds(server_pids)
    before_busy, before_total = machine_busy()
    before_wrk = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"{base}/",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    after_wrk = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy, total = machine_busy()
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    requests = max(result["requests"], 1)
    seconds_run = result["duration_us"] / 1e6
    return {
        "requests": result["requests"],
        "rps": result["requests"] / seconds_run,
        "p50": result["p50_us"] / 1000,
        "p95": result["p95_us"] / 1000,
        "p99": result["p99_us"] / 1000,
        "max": result["max_us"] / 1000,
        "mean": result["mean_us"] / 1000,
        "errors": result["status_errors"]
        + result["connect_errors"]
        + result["read_errors"]
        + result["write_errors"]
        + result["timeouts"],
        "error_detail": (
            f"non-200 {result['status_errors']} (status{result['statuses'] or ' -'}), "
            f"connect {result['connect_errors']}, read {result['read_errors']}, "
            f"write {result['write_errors']}, timeout {result['timeouts']}"
        ),
        "server_cpu_ms": (cpu_seconds(server_pids) - before_cpu) / requests * 1000,
        "client_cpu_s": (after_wrk.ru_utime + after_wrk.ru_stime) - (before_wrk.ru_utime + before_wrk.ru_stime),
        "busy": (busy - before_busy) / max(total - before_total, 1),
    }


def run_python(
    port: int, paths: list[str], *, clients: int, think_ms: int, seconds: int, server_pids: list[int]
) -> dict[str, float]:
    """`clients` users, each waiting an exponential think time (mean `think_ms`, 0: none) before each request.

    Not wrk for think times: wrk opens its connection before the think time, and a sync gunicorn
    worker that has accepted it then waits, blocked, for a request that has not been sent. Here,
    as a browser does, each user connects when it has a request to send. Python threads: the
    client costs about 1 ms of CPU a request, small at a paced rate; without think time (the
    fallback when wrk is missing) it competes with the server for the 2 cores and adds its own
    queueing, so its latencies read higher than wrk's.
    """
    latencies: list[float] = []
    errors: collections.Counter[str] = collections.Counter()
    deadline = time.monotonic() + seconds

    def user(index: int) -> None:
        rng = random.Random(SEED + index)
        while True:
            if think_ms:
                time.sleep(rng.expovariate(1000 / think_ms))
            if time.monotonic() >= deadline:
                return
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            started = time.perf_counter()
            try:
                connection.request("GET", rng.choice(paths), headers={"Accept": "application/json"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[f"status {response.status}"] += 1
            except OSError as exc:
                errors[type(exc).__name__] += 1
            finally:
                connection.close()
            latencies.append(time.perf_counter() - started)

    before_cpu = cpu_seconds(server_pids)
    before_busy, before_total = machine_busy()
    before_self = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    after_self = resource.getrusage(resource.RUSAGE_SELF)
    busy, total = machine_busy()
    ordered = sorted(latencies) or [0.0]

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "max": ordered[-1] * 1000,
        "mean": statistics.fmean(ordered) * 1000,
        "errors": sum(errors.values()),
        "error_detail": ", ".join(f"{kind} {n}" for kind, n in errors.most_common()),
        "server_cpu_ms": (cpu_seconds(server_pids) - before_cpu) / max(len(latencies), 1) * 1000,
        "client_cpu_s": (after_self.ru_utime + after_self.ru_stime) - (before_self.ru_utime + before_self.ru_stime),
        "busy": (busy - before_busy) / max(total - before_total, 1),
    }


def weighted_paths() -> list[str]:
    paths = []
    for query, weight in QUERY_MIX:
        encoded = urllib.parse.urlencode(urllib.parse.parse_qsl(query)) if query else ""
        paths += [f"/api/v1/procedures/?{encoded}" if encoded else "/api/v1/procedures/"] * weight
    return paths


def sequential_table(base: str, repeat: int) -> list[tuple[str, int, float, int]]:
    """(query, status, median ms, count) for every query of the mix, requested one at a time."""
    rows = []
    for query, _weight in QUERY_MIX:
        encoded = urllib.parse.urlencode(urllib.parse.parse_qsl(query)) if query else ""
        path = f"/api/v1/procedures/?{encoded}" if encoded else "/api/v1/procedures/"
        times = []
        status, body = 0, b""
        for _ in range(repeat):
            started = time.perf_counter()
            status, body = get(base + path)
            times.append((time.perf_counter() - started) * 1000)
        count = json.loads(body).get("count", -1) if status == 200 else -1
        rows.append((query or "(no filter)", status, statistics.median(times), count))
    return rows


# --- profile --------------------------------------------------------------------------------


def profile_in_process(rounds: int) -> str:
    """Where the time of one search request goes, in process (Django's test client, same settings).

    First without a profiler: the mean time per request of the mix, split into the two selector
    calls of the view (timed by wrapping them) and the SQL they run (timed around cursor.execute,
    where SQLite does the scan); then cProfile's list of the functions that cost the most.
    """
    from django.db import connection
    from django.test import Client

    from motcua.catalog.api import views

    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT="application/json")
    paths = weighted_paths()
    for path in paths:  # warm-up
        assert client.get(path).status_code == 200, path
    spent: collections.Counter[str] = collections.Counter()
    queries: list[str] = []

    def timed(name: str, function):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started

        return wrapper

    def sql_timer(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["sql"] += time.perf_counter() - started

    originals = views.procedure_search, views.versions_by_ids
    views.procedure_search = timed("procedure_search", views.procedure_search)
    views.versions_by_ids = timed("versions_by_ids", views.versions_by_ids)
    try:
        with connection.execute_wrapper(sql_timer):
            started = time.perf_counter()
            for _ in range(rounds):
                for path in paths:
                    client.get(path)
            spent["request"] = time.perf_counter() - started
            spent["search sql"], search_queries = spent.pop("sql", 0.0), len(queries)
            started = time.perf_counter()
            for _ in range(rounds * len(paths)):
                client.get("/healthz")
            spent["healthz"] = time.perf_counter() - started
    finally:
        views.procedure_search, views.versions_by_ids = originals
    n = rounds * len(paths)
    ms = {name: value / n * 1000 for name, value in spent.items()}
    rest = ms["request"] - ms["procedure_search"] - ms["versions_by_ids"]
    out = io.StringIO()
    out.write(
        f"In process, mean of {n} requests of the mix (no profiler):\n"
        f"  whole request                                   {ms['request']:6.2f} ms\n"
        f"    procedure_search (SQL scan + ranking)         {ms['procedure_search']:6.2f} ms\n"
        f"    versions_by_ids (20 rows into models)         {ms['versions_by_ids']:6.2f} ms\n"
        f"    the rest (Django, DRF, throttles, serializer) {rest:6.2f} ms\n"
        f"  cursor.execute of those requests' SQL           {ms['search sql']:6.2f} ms "
        f"({search_queries / n:.1f} queries a request)\n"
        f"  GET /healthz, for comparison                    {ms['healthz']:6.2f} ms\n"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    for path in paths:
        client.get(path)
    profiler.disable()
    out.write("\ncProfile of one round of the mix (the profiler inflates Python-heavy code):\n")
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(14)
    return out.getvalue()


# --- main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds of each 50-client run")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--total", type=int, default=TOTAL_PROCEDURES)
    parser.add_argument("--think-ms", type=int, default=1000, help="mean think time of the paced run; 0 skips it")
    parser.add_argument("--profile", action="store_true", help="also cProfile the mix in process")
    args = parser.parse_args()
    has_wrk = shutil.which("wrk") is not None
    if not has_wrk:
        print(
            "wrk is not installed (Debian: apt-get install -y wrk); falling back to a threaded Python client, "
            "whose own CPU use inflates the latencies.",
            file=sys.stderr,
        )

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with (
        tempfile.TemporaryDirectory(prefix="motcua-bench-") as data_dir,
        temporary_database(data_dir) as (
            db_env,
            db_label,
        ),
    ):
        env = {
            **os.environ,
            **db_env,
            "PYTHONPATH": str(ROOT / "src"),
            "DJANGO_SETTINGS_MODULE": "motcua.conf.base",
            "MOTCUA_ENV": "production",
            "MOTCUA_DEBUG": "0",
            "MOTCUA_SECRET_KEY": "bench-" + "x" * 60,
            "MOTCUA_ALLOWED_HOSTS": "127.0.0.1",
            "MOTCUA_SSL_REDIRECT": "0",
            "MOTCUA_ALLOW_SQLITE_IN_PRODUCTION": "1",
            # DRF's UserRateThrottle also counts anonymous clients (by IP), so both rates are raised.
            # Per second, not per minute: the throttle keeps one timestamp per request of the period
            # in the cache (pickled on every request), so a minute at full load would make each
            # request pay for a list of ~10,000 timestamps, which no real client causes.
            "MOTCUA_THROTTLE_ANON": "1000000/s",
            "MOTCUA_THROTTLE_USER": "1000000/s",
            "MOTCUA_LOG_LEVEL": "WARNING",
        }
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connections

        catalog = load_catalog(args.total)
        profile = profile_in_process(rounds=4) if args.profile else ""
        connections.close_all()

        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        log_file = (Path(data_dir) / "gunicorn.log").open("wb")
        server = subprocess.Popen(
            [gunicorn, "motcua.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
            start_new_session=True,  # its own process group: stopped as a whole at the end
        )
        try:
            wait_healthy(base, server)
            pids = worker_pids(server.pid)
            busy_before, total_before = machine_busy()
            time.sleep(2)
            busy_after, total_after = machine_busy()
            others = (busy_after - busy_before) / max(total_after - total_before, 1)
            table = sequential_table(base, repeat=15)
            bad = [row for row in table if row[1] != 200 or row[3] < 0]
            if bad:
                raise RuntimeError(f"queries that do not answer 200: {bad}")
            work = Path(data_dir)
            search = work / "search.lua"
            search.write_text(lua_script(weighted_paths()))
            health = work / "healthz.lua"
            health.write_text(lua_script(["/healthz"]))
            short = max(5, args.duration // 2)
            runs = {}
            if has_wrk:
                common = {"threads": args.wrk_threads, "seconds": args.duration, "server_pids": pids}
                runs["search"] = run_wrk(base, search, connections=args.clients, **common)  # type: ignore[arg-type]
                runs["healthz"] = run_wrk(base, health, connections=args.clients, **common)  # type: ignore[arg-type]
                runs["search, 1 client"] = run_wrk(
                    base, search, connections=1, threads=1, seconds=short, server_pids=pids
                )
            else:
                closed = {"think_ms": 0, "seconds": args.duration, "server_pids": pids}
                runs["search"] = run_python(port, weighted_paths(), clients=args.clients, **closed)  # type: ignore[arg-type]
                runs["healthz"] = run_python(port, ["/healthz"], clients=args.clients, **closed)  # type: ignore[arg-type]
                runs["search, 1 client"] = run_python(
                    port, weighted_paths(), clients=1, think_ms=0, seconds=short, server_pids=pids
                )
            if args.think_ms:
                runs[f"search, think {args.think_ms} ms"] = run_python(
                    port,
                    weighted_paths(),
                    clients=args.clients,
                    think_ms=args.think_ms,
                    seconds=args.duration,
                    server_pids=pids,
                )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
            log_file.close()
        log = (Path(data_dir) / "gunicorn.log").read_text(errors="replace")

    print(f"machine: {os.cpu_count()} cores; server: gunicorn, {args.workers} sync workers, MOTCUA_ENV=production")
    print(f"database: {db_label.split(' in ')[0]}")
    print(f"CPU busy during 2 s before the load, the server idle (other processes on the machine): {others:.0%}")
    print(
        f"catalog: {catalog['in_force']:,} procedures in force ({catalog['real']} from seed_demo, "
        f"{catalog['synthetic']:,} synthetic); migrate {catalog['migrate_s']} s, seed_demo {catalog['seed_s']} s, "
        f"synthetic {catalog['generate_s']} s"
    )
    print("\nEach query alone (sequential, no concurrency; median of 15, client overhead included):")
    print(f"  {'query':<40} {'results':>7} {'ms':>7}")
    for query, _status, median_ms, count in table:
        print(f"  {query:<40} {count:>7} {median_ms:>7.1f}")
    client = f"wrk {args.wrk_threads} threads" if has_wrk else "Python threads (wrk missing)"
    print(f"\nLoad: {client} on 127.0.0.1, {args.duration} s per {args.clients}-client run; think-time run: Python")
    header = f"  {'run':<26} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    print(header + f" {'errors':>6} {'gunicorn CPU ms/req':>19} {'CPU busy':>8} {'client CPU s':>12}")
    for name, r in runs.items():
        conns = 1 if name.endswith("1 client") else args.clients
        print(
            f"  {name:<26} {conns:>5} {r['rps']:>8.0f} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['p99']:>8.1f} "
            f"{r['max']:>8.1f} {r['errors']:>6.0f} {r['server_cpu_ms']:>19.2f} {r['busy']:>8.0%} "
            f"{r['client_cpu_s']:>12.1f}"
        )
    for name, r in runs.items():
        if r["errors"]:
            print(f"  errors in {name}: {r['error_detail']}")
    s, h = runs["search"], runs["healthz"]
    print(
        f"\nsearch / healthz at {args.clients} clients: throughput {s['rps'] / h['rps']:.2f}x, "
        f"p95 {s['p95'] / h['p95']:.1f}x"
    )
    cores = os.cpu_count() or 1
    needed = args.clients / (TARGET_P95_MS / 1000)
    print(
        f"Little's law: {args.clients} clients in a closed loop wait about {args.clients} / throughput = "
        f"{args.clients / s['rps'] * 1000:.0f} ms per request (measured mean {s['mean']:.0f} ms). A p95 under "
        f"{TARGET_P95_MS:.0f} ms needs a mean under that, so more than {needed:,.0f} req/s: under "
        f"{cores * 1000 / needed:.2f} ms of CPU per request on {cores} cores, all included."
    )
    met = s["p95"] < TARGET_P95_MS
    print(f"target p95 < {TARGET_P95_MS:.0f} ms at {args.clients} clients: {'met' if met else 'NOT met'}")
    if errors := [line for line in log.splitlines() if "Error" in line or "Traceback" in line]:
        print(f"gunicorn log: {len(errors)} error lines, first: {errors[0]}")
    if profile:
        print("\n" + profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
