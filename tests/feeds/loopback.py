"""A tiny HTTP site on 127.0.0.1 for feed and fetch tests: routes, conditional GET, a request log."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str = ""
    last_modified: str = ""


@dataclass
class Hit:
    path: str
    headers: dict
    at: float


@dataclass
class LoopbackSite:
    base_url: str = ""
    pages: dict[str, Page] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def put(self, path: str, body: str | bytes, **options) -> str:
        self.pages[path] = Page(body.encode("utf-8") if isinstance(body, str) else body, **options)
        return self.url(path)

    def hits_on(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path]


def serve(site: LoopbackSite):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            site.hits.append(Hit(self.path, dict(self.headers.items()), time.monotonic()))
            page = site.pages.get(self.path)
            if page is None:
                self.send_response(404)
                self.end_headers()
                return
            if page.status == 200 and page.etag and self.headers.get("If-None-Match") == page.etag:
                self.send_response(304)
                self.send_header("ETag", page.etag)
                self.end_headers()
                return
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            if page.etag:
                self.send_header("ETag", page.etag)
            if page.last_modified:
                self.send_header("Last-Modified", page.last_modified)
            self.end_headers()
            self.wfile.write(page.body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="loopback-site")
    thread.start()
    return server


def article_page(title: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><title>{title}</title>"
            f'<meta property="og:site_name" content="Loopback Gazette"></head>'
            f"<body><nav>Home | World | Sport</nav><article><h1>{title}</h1>{body}</article>"
            f"<footer>Copyright Loopback Gazette</footer></body></html>")


def rss(items: list[dict], title: str = "Loopback Gazette") -> str:
    entries = "".join(
        f"<item><title>{i['title']}</title><link>{i['link']}</link>"
        f"<pubDate>{i.get('date', 'Sun, 08 Jun 2025 09:00:00 GMT')}</pubDate>"
        f"<description>{i.get('summary', 'Short teaser.')}</description>"
        + (f"<content:encoded><![CDATA[{i['content']}]]></content:encoded>" if i.get("content") else "")
        + "</item>" for i in items)
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>{title}</title><link>http://127.0.0.1/</link><description>test</description>"
            f"{entries}</channel></rss>")
