"""Watch pages: thin views over ``comparer.watches.selectors`` and ``services``.

Every change is a POST form (the buttons work without JavaScript) that redirects back to the page
it came from; the list page needs a login, the feed (``feeds.py``) only its secret URL.
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from comparer.watches import selectors, services
from comparer.watches.forms import DigestForm, WatchForm

RECENT_CHANGES = 30


def _back(request, fallback: str):
    """Redirect to the form's ``next`` page when it is on this site, else to ``fallback``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _list_page(request, *, status: int = 200, errors=None, digest_form=None):
    user_settings = services.watch_settings_of(user=request.user)
    services.changes_record_for_user(user=request.user)
    context = {
        "watches": selectors.watch_list(user=request.user),
        "changes": selectors.change_list(user=request.user).order_by("-detected_at", "-id")[:RECENT_CHANGES],
        "feed_url": request.build_absolute_uri(reverse("watches:feed", args=[user_settings.feed_token])),
        "settings": user_settings,
        "digest_form": digest_form or DigestForm(initial={"digest_frequency": user_settings.digest_frequency}),
        "errors": errors or [],
    }
    return render(request, "watches/list.html", context, status=status)


@login_required
def watch_list(request):
    return _list_page(request)


@login_required
@require_POST
def watch_add(request):
    form = WatchForm(request.POST)
    if not form.is_valid():
        errors = [f"{name}: {message}" if name != "__all__" else message
                  for name, messages in form.errors.items() for message in messages]
        return _list_page(request, status=400, errors=errors)
    try:
        services.watch_create(user=request.user, **form.service_kwargs())
    except services.WatchError as error:
        return _list_page(request, status=400, errors=[str(error)])
    return _back(request, reverse("watches:list"))


@login_required
@require_POST
def watch_remove(request, watch_id: int):
    watch = selectors.watch_of_user(user=request.user, watch_id=watch_id)
    if watch is None:  # another user's watch answers as one that does not exist
        raise Http404("No such watch.")
    services.watch_delete(watch=watch)
    return _back(request, reverse("watches:list"))


@login_required
@require_POST
def feed_renew(request):
    services.feed_token_renew(user=request.user)
    return redirect(reverse("watches:list") + "#feed")


@login_required
@require_POST
def digest_update(request):
    form = DigestForm(request.POST)
    if not form.is_valid():
        return _list_page(request, status=400, digest_form=form)
    services.digest_frequency_set(user=request.user, frequency=form.cleaned_data["digest_frequency"])
    return redirect(reverse("watches:list") + "#digest")
