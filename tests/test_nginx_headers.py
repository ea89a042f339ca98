"""The production nginx configuration (deploy/) run by Debian's nginx over a built site: security
headers, caching, content types, and the pages working in Chromium under the Content-Security-Policy.

deploy/nginx.conf is used as it is, with only its ports, site folder and certificate replaced.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time

import brotli
import pytest

from conftest import ROOT

NGINX = "/usr/sbin/nginx"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SHORT, IMMUTABLE = "public, max-age=300", "public, max-age=31536000, immutable"
ARTICLE = "/news/2020/07/lottery-jackpot/"

pytestmark = pytest.mark.skipif(not os.path.exists(NGINX), reason="needs Debian's nginx (scripts/install-test-deps)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render_production_conf(site, ports, cert, key) -> str:
    """deploy/nginx.conf with each machine-specific line replaced exactly once, or the test fails."""
    text = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    replacements = [
        (r"listen 80;", f"listen 127.0.0.1:{ports['http']};"),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{ports['https']} ssl http2;"),
        (r"ssl_certificate /etc/ssl/liling/fullchain.pem;", f"ssl_certificate {cert};"),
        (r"ssl_certificate_key /etc/ssl/liling/privkey.pem;", f"ssl_certificate_key {key};"),
        (r"root /srv/liling/releases/live/site;", f"root {site};"),
    ]
    for old, new in replacements:
        assert text.count(old) == 1, f"deploy/nginx.conf should contain “{old}” once"
        text = text.replace(old, new)
    return re.sub(r"^\s*listen \[::\]:.*$", "", text, flags=re.MULTILINE)  # no IPv6 needed on 127.0.0.1


def prepare_site(site, folder):
    """A copy of the real build plus the kinds of file the site serves that this branch does not build yet."""
    shutil.copytree(site, folder)
    (folder / "downloads").mkdir()
    (folder / "downloads" / "ledger.csv").write_bytes("\ufeff日期,摘要\r\n2020-06-03,修路\r\n".encode())
    (folder / "downloads" / "ledger.json").write_text('{"村": "香水村"}\n', encoding="utf-8")
    (folder / "feeds").mkdir()
    (folder / "feeds" / "all.atom.xml").write_text("<feed xmlns='http://www.w3.org/2005/Atom'/>", encoding="utf-8")
    (folder / "theme" / "css" / "main.0123abcd.css").write_text("body{}", encoding="utf-8")
    (folder / "theme" / "css" / "probe.css").write_text("plain", encoding="utf-8")
    (folder / "theme" / "css" / "probe.css.gz").write_bytes(gzip.compress(b"from the .gz file"))
    (folder / ".git").mkdir()
    (folder / ".git" / "config").write_text("secret", encoding="utf-8")
    # A page that breaks the policy, to prove the violation listeners below do see violations.
    (folder / "csp-probe" / "inline").mkdir(parents=True)
    (folder / "csp-probe" / "inline" / "index.html").write_text(
        '<!doctype html><html><head><meta charset="utf-8"><title>x</title><script>window.ran = 1</script></head>'
        '<body><p style="color: red">x</p></body></html>',
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def nginx(site, tmp_path_factory):
    """Debian's nginx serving a copy of the site with deploy/'s configuration; yields the ports."""
    tmp = tmp_path_factory.mktemp("nginx")
    served = tmp / "site"
    prepare_site(site, served)
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    ports = {"http": free_port(), "https": free_port()}
    (tmp / "liling").symlink_to(ROOT / "deploy" / "liling")  # relative includes resolve beside nginx.conf
    (tmp / "modules").symlink_to("/usr/lib/nginx/modules")  # Debian's module lines name modules/ under the prefix
    (tmp / "liling.conf").write_text(render_production_conf(served, ports, cert, key), encoding="utf-8")
    temp_paths = "".join(
        f"{name}_temp_path {tmp}/{name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp / "nginx.conf").write_text(
        # As root (CI), workers would drop to `nobody`, who cannot read a private tmp folder.
        ("user root;\n" if os.geteuid() == 0 else "")
        + "include /etc/nginx/modules-enabled/*.conf;\n"  # as Debian's own nginx.conf: the brotli module
        + "worker_processes 1;\nevents { worker_connections 64; }\n"
        + "http {\n include /etc/nginx/mime.types;\n default_type application/octet-stream;\n access_log off;\n"
        + temp_paths
        + " include liling.conf;\n}\n",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [
            NGINX,
            "-p",
            str(tmp),
            "-c",
            str(tmp / "nginx.conf"),
            "-g",
            f"daemon off; pid {tmp}/nginx.pid; error_log stderr;",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(ports["https"], process)
        yield ports
    finally:
        process.send_signal(signal.SIGTERM)  # our own nginx master, by its pid
        process.wait(timeout=20)


def wait_for(port: int, process) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("nginx did not start:\n" + process.stderr.read().decode(errors="replace"))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail("nginx did not open its port in 15 s")


def fetch(ports, path, scheme="https", headers=None):
    if scheme == "https":
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        connection = http.client.HTTPSConnection("127.0.0.1", ports["https"], context=context, timeout=10)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", ports["http"], timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


@pytest.mark.parametrize("path", ["/", ARTICLE, "/theme/css/main.css", "/downloads/ledger.csv", "/nope/"])
def test_security_headers_on_every_response(nginx, path):
    response, _ = fetch(nginx, path)
    assert response.getheader("Content-Security-Policy") == CSP
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "strict-origin-when-cross-origin"
    assert response.getheader("Permissions-Policy") == "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
    assert response.getheader("Server") == "nginx"  # no version number


def test_plain_http_only_redirects_and_sends_no_hsts(nginx):
    response, _ = fetch(nginx, ARTICLE, scheme="http")
    assert response.status == 301
    assert response.getheader("Location") == "https://127.0.0.1" + ARTICLE
    assert response.getheader("Strict-Transport-Security") is None


@pytest.mark.parametrize(
    "path, content_type, cache",
    [
        ("/", "text/html; charset=utf-8", SHORT),
        (ARTICLE, "text/html; charset=utf-8", SHORT),
        ("/theme/css/main.css", "text/css; charset=utf-8", SHORT),  # not fingerprinted: short
        ("/theme/js/elder-mode.js", "application/javascript; charset=utf-8", SHORT),
        ("/theme/css/main.0123abcd.css", "text/css; charset=utf-8", IMMUTABLE),
        ("/downloads/ledger.csv", "text/csv; charset=utf-8", SHORT),
        ("/downloads/ledger.json", "application/json; charset=utf-8", SHORT),
        ("/feeds/all.atom.xml", "application/atom+xml; charset=utf-8", SHORT),
        ("/search-index/shards.json", "application/json; charset=utf-8", "no-cache"),
    ],
)
def test_types_and_caching(nginx, path, content_type, cache):
    response, _ = fetch(nginx, path)
    assert response.status == 200
    assert response.getheader("Content-Type") == content_type
    assert response.getheader("Cache-Control") == cache


def test_search_index_files_are_short_lived_json(nginx, site):
    """search-index/: the manifest and every shard's files keep their names across builds (a
    correction rewrites a bucket in place), so they are cached like HTML; search.js asks for them
    with the shard's version (`?v=`), so a new version is never read from an old copy."""
    response, body = fetch(nginx, "/search-index/shards.json")
    assert response.getheader("Cache-Control") == "no-cache"  # every load asks: a 304 when unchanged
    manifest = json.loads(body)
    shard = manifest["shards"][0]
    version = manifest["layout"][shard]["version"]
    for name in ("t/0.json", "c/0.json", "f/0.json", "filters.json", "layout.json"):
        response, _ = fetch(nginx, f"/search-index/{shard}/{name}?v={version}")
        assert response.status == 200, name
        assert response.getheader("Content-Type") == "application/json; charset=utf-8", name
        assert response.getheader("Cache-Control") == SHORT, name


def test_precompressed_files_and_on_the_fly_gzip(nginx):
    response, body = fetch(nginx, "/theme/css/probe.css", headers={"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") == "gzip" and gzip.decompress(body) == b"from the .gz file"
    response, body = fetch(nginx, ARTICLE, headers={"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") == "gzip" and "醴陵" in gzip.decompress(body).decode()


def test_browsers_that_take_brotli_get_the_br_copy(nginx, site):
    response, body = fetch(nginx, ARTICLE, headers={"Accept-Encoding": "br, gzip"})
    assert response.getheader("Content-Encoding") == "br"
    assert brotli.decompress(body) == (site / ARTICLE.strip("/") / "index.html").read_bytes()


def test_the_public_domain_is_the_one_nginx_serves():
    """publishconf.py takes SITEURL from the server_name that deploy/nginx.conf includes in every server block."""
    from publishconf import SITEURL

    conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert conf.count("include liling/server-name.conf;") == conf.count("server {") == 2
    assert "server_name" not in conf.replace("include liling/server-name.conf;", "")
    name = re.search(
        r"^server_name (\S+);$", (ROOT / "deploy/liling/server-name.conf").read_text(encoding="utf-8"), re.M
    )
    assert SITEURL == f"https://{name.group(1)}"


def test_dot_files_are_never_served(nginx):
    response, body = fetch(nginx, "/.git/config")
    assert response.status == 403 and b"secret" not in body


# Chromium reports CSP violations both as console errors and as DOM events; listen to both.
LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def https_page(browser):
    context = browser.new_context(ignore_https_errors=True)
    context.add_init_script(LISTEN_FOR_VIOLATIONS)
    page = context.new_page()
    page.console_messages_seen = []
    page.on("console", lambda message: page.console_messages_seen.append(f"{message.type}: {message.text}"))
    yield page
    context.close()


def violations(page) -> list[str]:
    events = page.evaluate("window.__cspViolations")
    console = [text for text in page.console_messages_seen if "Content Security Policy" in text or "Refused" in text]
    return events + console


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", ARTICLE, "/editions/2020-07-08/"])
def test_pages_work_under_the_csp(nginx, https_page, path):
    response = https_page.goto(f"https://127.0.0.1:{nginx['https']}{path}")
    assert response.headers["content-security-policy"] == CSP
    https_page.wait_for_load_state("networkidle")
    # The stylesheet applied (18 px body text) and the elder-mode script ran (it handles the toggle).
    assert https_page.evaluate("getComputedStyle(document.body).fontSize") == "18px"
    https_page.click("[data-elder-mode='on']")
    assert https_page.evaluate("document.documentElement.classList.contains('lp-elder')")
    assert violations(https_page) == []


@pytest.mark.browser
def test_the_violation_listeners_do_catch_inline_code(nginx, https_page):
    https_page.goto(f"https://127.0.0.1:{nginx['https']}/csp-probe/inline/")
    https_page.wait_for_load_state("networkidle")
    assert https_page.evaluate("window.ran") is None
    assert any(v.startswith("script-src-elem") for v in https_page.evaluate("window.__cspViolations"))
    assert any(v.startswith("style-src-attr") for v in violations(https_page))


@pytest.mark.browser
def test_the_real_search_page_works_under_the_csp(nginx, https_page):
    """No WebAssembly and no inline script: the search page runs under script-src 'self' alone."""
    https_page.goto(f"https://127.0.0.1:{nginx['https']}/search/?q=苹果瓜")
    https_page.wait_for_selector(".lp-search-result__link", timeout=15000)
    assert https_page.inner_text(".lp-search-result__link >> nth=0") == "醴陵农民种出特大苹果瓜"
    assert violations(https_page) == []


@pytest.mark.browser
def test_power_list_filter_works_under_the_csp(nginx, https_page):
    https_page.goto(f"https://127.0.0.1:{nginx['https']}/disclosures/power-list/")
    https_page.wait_for_load_state("networkidle")
    visible_before = https_page.locator("tbody tr:visible").count()
    https_page.select_option("select >> nth=0", index=1)
    https_page.wait_for_timeout(200)
    assert 0 < https_page.locator("tbody tr:visible").count() < visible_before
    assert violations(https_page) == []
