"""Issue 17: peak memory of storing a 10 MB certificate, through the whole request path.

Runs in its own process against DATABASE_URL (creating what it needs: the
reference data, one colleague, one HR user). A multipart body with a 10 MB
PDF is written to disk and handed to Django's WSGI handler as the request's
input stream, as gunicorn would: the upload handler spools the file to a
temporary file, the certificate check hashes it in pieces and the database
storage writes it 1 MB at a time. The process's peak resident memory
(ru_maxrss) is read after a warm-up upload of a small file (imports,
connections, templates loaded: the idle process) and after the 10 MB one;
the difference is what the upload cost at its peak. Target: under 100 MB.

    DATABASE_URL=postgres://... python benchmarks/upload_memory.py
"""

import os
import resource
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.testing import sign_in_verified  # noqa: E402
from core.access import AccessGroup  # noqa: E402
from people.models import Colleague, Role, RoleAssignment  # noqa: E402
from training.models import Course, Evidence  # noqa: E402

BOUNDARY = "----certificate-upload-boundary"
MB = 1024 * 1024
PDF_HEAD = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def setup():
    call_command("loaddata", "reference", verbosity=0)
    colleague, _ = Colleague.objects.get_or_create(
        employee_number="MEM1",
        defaults={"first_name": "Dev", "last_name": "Clarke", "start_date": "2024-01-01"},
    )
    RoleAssignment.objects.get_or_create(
        colleague=colleague, role=Role.objects.get(code="NHO"), defaults={"started_on": "2024-01-01"}
    )
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="upload-bench")
    user.groups.add(Group.objects.get(name=AccessGroup.HR))
    client = Client()
    sign_in_verified(client, user)
    return client.cookies["sessionid"].value


def body_file(size: int, day: str) -> Path:
    """The multipart body of the completion form, with a `size`-byte PDF, written to disk in pieces."""
    course = Course.objects.get(code="HC-REFRESHER").pk
    fields = {"colleague": "MEM1", "course": str(course), "completed_on": day, "provider": "", "notes": ""}
    handle, name = tempfile.mkstemp(suffix=".multipart")
    with os.fdopen(handle, "wb") as out:
        for key, value in fields.items():
            out.write(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            )
        out.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="certificate"; filename="cert.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
        )
        out.write(PDF_HEAD)
        left, piece = size - len(PDF_HEAD), os.urandom(MB)
        while left > 0:
            out.write(piece[: min(left, MB)])
            left -= MB
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return Path(name)


def post(handler, session: str, body: Path) -> int:
    token = "a" * 32
    status = []
    with body.open("rb") as stream:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/hr/completion/",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "wsgi.url_scheme": "http",
            "wsgi.input": stream,
            "wsgi.errors": sys.stderr,
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "CONTENT_LENGTH": str(body.stat().st_size),
            "HTTP_COOKIE": f"sessionid={session}; csrftoken={token}",
            "HTTP_X_CSRFTOKEN": token,
            "REMOTE_ADDR": "127.0.0.1",
        }
        response = handler(environ, lambda s, h, exc_info=None: status.append(s))
        for _ in response:
            pass
        response.close()
    return int(status[0].split()[0])


def main() -> dict:
    session = setup()
    handler = WSGIHandler()
    small, big = body_file(64 * 1024, "2026-01-02"), body_file(10 * MB, "2026-01-03")
    try:
        assert post(handler, session, small) == 302, "the warm-up upload was refused"
        idle = peak_mb()
        assert post(handler, session, big) == 302, "the 10 MB upload was refused"
        after = peak_mb()
    finally:
        small.unlink()
        big.unlink()
    stored = Evidence.objects.filter(record__colleague__employee_number="MEM1").order_by("-pk").first()
    return {"idle_mb": round(idle, 1), "peak_mb": round(after, 1), "stored_bytes": stored.size}


if __name__ == "__main__":
    figures = main()
    print(
        f"10 MB certificate stored ({figures['stored_bytes']:,} bytes): peak {figures['peak_mb']} MB,"
        f" idle {figures['idle_mb']} MB, {figures['peak_mb'] - figures['idle_mb']:.1f} MB above idle"
    )
    print(f"RESULT {figures['peak_mb'] - figures['idle_mb']:.1f}")
