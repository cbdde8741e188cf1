"""Every response carries the Content-Security-Policy, and no page ships inline script or <style> (issue 17)."""
import re

import pytest


@pytest.mark.django_db
def test_pages_carry_the_policy_and_no_inline_script_or_style(researcher_client, casualty_event, client):
    event = casualty_event["event"]
    article = casualty_event["m_article"]
    for path in ("/", f"/events/{event.id}/", f"/articles/{article.id}/", "/outlets/", "/search/?q=vehicles",
                 "/api/v1/docs/"):
        response = researcher_client.get(path)
        assert response.status_code == 200, path
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy and "style-src-elem 'self'" in policy
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert "<style" not in html, path
    login = client.get("/admin/login/")
    assert "frame-ancestors 'self'" in login.headers["Content-Security-Policy"]
