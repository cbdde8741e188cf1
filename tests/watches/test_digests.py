"""Mail digests: due by frequency, each change mailed once, a failed send retried."""
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from comparer.watches import services
from comparer.watches.models import WatchChange

pytestmark = pytest.mark.django_db


def test_a_digest_carries_each_change_exactly_once(watcher, story):
    services.watch_create(user=watcher, kind="event", event=story.event)
    story.figure_mismatch()
    report = services.digests_send_due()
    assert (report.sent, report.changes, report.failed) == (1, 1, 0)
    [message] = mail.outbox
    assert message.to == ["researcher@example.org"]
    assert "1 new contested point" in message.subject
    assert "6,000 bodies vs 1,212 bodies" in message.body
    assert story.m_bodies.text in message.body and story.k_bodies.text in message.body
    assert f"/events/{story.event.id}/?only=disagreements#claim-" in message.body
    html = message.alternatives[0][0]
    assert story.k_bodies.text in html
    assert WatchChange.objects.filter(known_at_start=False, mailed_at__isnull=False).count() == 1

    # The next due digest has only what is new since.
    later = timezone.now() + timedelta(days=1, minutes=1)
    assert services.digests_send_due(now=later).sent == 0
    story.new_outlet()
    assert services.digests_send_due(now=later).sent == 1
    assert len(mail.outbox) == 2
    assert "Outlet Warsaw" in mail.outbox[1].body and "6,000" not in mail.outbox[1].body


def test_digests_wait_for_their_frequency_and_off_sends_none(watcher, other_researcher, story):
    services.watch_create(user=watcher, kind="event", event=story.event)
    services.watch_create(user=other_researcher, kind="event", event=story.event)
    services.digest_frequency_set(user=watcher, frequency="hourly")
    services.digest_frequency_set(user=other_researcher, frequency="off")
    story.figure_mismatch()
    now = timezone.now()
    assert services.digests_send_due(now=now).sent == 1
    story.new_outlet()
    assert services.digests_send_due(now=now + timedelta(minutes=30)).sent == 0   # hourly: not yet
    assert services.digests_send_due(now=now + timedelta(minutes=61)).sent == 1
    assert [m.to for m in mail.outbox] == [["researcher@example.org"]] * 2


def test_a_failed_send_is_retried_not_lost(watcher, story, monkeypatch):
    services.watch_create(user=watcher, kind="event", event=story.event)
    story.figure_mismatch()

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    report = services.digests_send_due()
    assert (report.sent, report.failed) == (0, 1)
    assert WatchChange.objects.filter(known_at_start=False, mailed_at__isnull=True).count() == 1
    monkeypatch.undo()
    assert services.digests_send_due().sent == 1  # due at once: no digest went out
    assert len(mail.outbox) == 1 and "6,000 bodies" in mail.outbox[0].body


def test_no_address_no_digest(researcher, story):
    services.watch_create(user=researcher, kind="event", event=story.event)
    story.figure_mismatch()
    assert services.digests_send_due().sent == 0 and mail.outbox == []


def test_the_send_digests_command(watcher, story, capsys):
    services.watch_create(user=watcher, kind="event", event=story.event)
    story.figure_mismatch()
    call_command("send_digests")
    assert "1 digests sent (1 changes)" in capsys.readouterr().out
    call_command("send_digests", "--user", watcher.username)  # forced: nothing left to send
    assert "0 changes mailed" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_the_worker_task_sends_due_digests(watcher, story):
    from comparer.jobs import run_task

    services.watch_create(user=watcher, kind="event", event=story.event)
    story.figure_mismatch()
    assert run_task("comparer.send_due_digests", {}).startswith("1 digests sent")
    assert len(mail.outbox) == 1
