"""Background work dispatch: the one entry point the web UI, the API and the admin call.

``enqueue_analysis`` schedules analysis of freshly committed articles without blocking the
caller. The backend is chosen by settings (``COMPARER_TASK_BACKEND``):
- ``inline``  run in a daemon thread in this process (the embedded default; no extra server);
- later backends (Celery + Redis) plug in here without changing callers.
"""
from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger("comparer.jobs")
_lock = threading.Lock()


def _run_analysis(article_ids: list[int]) -> None:
    from comparer.models import Article
    from comparer.pipeline.run import analyze

    close_old_connections()
    try:
        with _lock:  # one analysis at a time per process: clustering reads what the previous run wrote
            analyze(Article.objects.filter(id__in=article_ids, analysis_status=Article.AnalysisStatus.PENDING))
    except Exception:
        logger.exception("background analysis failed for %s", article_ids)
    finally:
        close_old_connections()


def enqueue_analysis(article_ids: list[int]) -> None:
    backend = getattr(settings, "COMPARER_TASK_BACKEND", "inline")
    if not article_ids:
        return
    if backend == "sync":
        _run_analysis(article_ids)
        return
    threading.Thread(target=_run_analysis, args=(list(article_ids),), daemon=True,
                     name="comparer-analysis").start()
