"""Real servers on loopback for the scale tests: a Redis broker and a Celery worker subprocess."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.feeds.loopback import LoopbackSite, serve


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen, grace: float = 20.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture
def redis_url(tmp_path):
    """A private redis-server on 127.0.0.1 (no persistence), stopped after the test."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed; `make test` installs it (Debian package redis-server)")
    import redis

    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                stop(process)
                pytest.fail(f"redis-server did not start on 127.0.0.1:{port}")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    client.close()
    stop(process)


@pytest.fixture
def celery_app_on(redis_url, settings):
    """This process's Celery app pointed at the test broker, with the celery backend selected."""
    from comparer.celery import app

    previous = app.conf.broker_url
    app.close()  # drop any pooled connection to another broker
    app.conf.broker_url = redis_url
    settings.COMPARER_TASK_BACKEND = "celery"
    yield app
    app.close()
    app.conf.broker_url = previous


@pytest.fixture
def celery_worker(transactional_db, redis_url, tmp_path):
    """`celery -A comparer worker -Q fetch,analysis` as a subprocess, on the test database and broker."""
    from django.db import connection

    env = {**os.environ,
           "DJANGO_SETTINGS_MODULE": "comparer.settings",
           "COMPARER_DB_NAME": connection.settings_dict["NAME"],
           "CELERY_BROKER_URL": redis_url,
           "COMPARER_TASK_BACKEND": "celery",
           "COMPARER_FEED_DOMAIN_INTERVAL": "0",
           "COMPARER_FEED_ALLOW_PRIVATE_HOSTS": "true",
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    log_path = tmp_path / "worker.log"
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "comparer", "worker", "-Q", "fetch,analysis", "--pool", "solo",
         "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-n", f"test-{os.getpid()}@localhost"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log_path = log_path
    yield process
    stop(process)
    log.close()


@pytest.fixture
def site():
    site = LoopbackSite()
    server = serve(site)
    yield site
    server.shutdown()
    server.server_close()
