"""`kb links` (lychee) against a local HTTP server: 200, 404, a 301 redirect, and one that never answers.

Bounded: a 2-second timeout, one retry; the server stops by itself with the test.
"""

import http.server
import subprocess
import sys
import threading

import pytest

from kb.linkcheck import broken_links, lychee_binary
from sitekit import ROOT

SLOW = threading.Event()


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/ok":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.end_headers()
        elif self.path == "/slow":
            SLOW.wait(15)  # never answers within lychee's timeout; released when the test ends
        else:
            self.send_response(404)
            self.end_headers()

    do_HEAD = do_GET


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    SLOW.clear()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    SLOW.set()
    httpd.shutdown()
    httpd.server_close()


def _page_and_config(tmp_path, base):
    page = tmp_path / "page.md"
    page.write_text(f"# 链接\n\n- [好]({base}/ok)\n- [坏]({base}/missing)\n- [搬家]({base}/moved)\n"
                    f"- [超时]({base}/slow)\n- 代码中的地址不检查：`{base}/in-code`\n", encoding="utf-8")
    config = tmp_path / "lychee.toml"
    # The repository's lychee.toml, with the bounds of a test.
    text = (ROOT / "lychee.toml").read_text(encoding="utf-8")
    for key, value in (("max_retries", "1"), ("retry_wait_time", "1"), ("timeout", "2"), ("cache", "false")):
        text = "\n".join(f"{key} = {value}" if line.startswith(f"{key} =") else line for line in text.split("\n"))
    config.write_text(text, encoding="utf-8")
    return page, config


def test_lychee_is_installed():
    assert lychee_binary()


def test_reports_exactly_the_404_and_the_timeout(tmp_path, server):
    page, config = _page_and_config(tmp_path, server)
    result = subprocess.run([sys.executable, "-m", "kb.cli", "links", str(page), "--config", str(config),
                             "--report", str(tmp_path / "report.md")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.strip().split("\n")
    assert len(lines) == 2, result.stdout
    assert lines[0].endswith("[status] Rejected status code: 404 Not Found") and f"{server}/missing" in lines[0]
    assert f"{server}/slow" in lines[1] and "[timeout]" in lines[1]
    assert "/ok" not in result.stdout and "/moved" not in result.stdout and "in-code" not in result.stdout
    assert "2 broken" in result.stderr
    assert f"{server}/missing" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_all_links_answering_exits_zero(tmp_path, server):
    page = tmp_path / "ok.md"
    page.write_text(f"[好]({server}/ok) 与 [搬家]({server}/moved)\n", encoding="utf-8")
    _, config = _page_and_config(tmp_path, server)
    result = subprocess.run([sys.executable, "-m", "kb.cli", "links", str(page), "--config", str(config)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_broken_links_reads_lychee_json():
    report = {"fail_map": {"docs/a.md": [{"url": "https://x.org/1", "status": {"text": "Timeout", "code": None}}]},
              "error_map": {"docs/b.md": [{"url": "https://x.org/2", "status": {"text": "Rejected status code: 404 Not Found", "code": 404}}]}}
    assert broken_links(report) == [("docs/a.md", "https://x.org/1", "Timeout"),
                                    ("docs/b.md", "https://x.org/2", "Rejected status code: 404 Not Found")]
    assert broken_links({"total": 3, "successful": 3}) == []


def test_missing_path_is_an_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "kb.cli", "links", str(tmp_path / "nope.md")],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "nope.md" in result.stderr
