"""Comparer: line up what news outlets claim about the same event."""
# Loaded with the package so that `celery -A comparer worker` finds the app and shared tasks bind to it.
from comparer.celery import app as celery_app

__all__ = ["celery_app"]
