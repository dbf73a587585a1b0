"""`mkdocs serve` shows an edit: a real `mkdocs serve` of a copy of the repository serves the edited
page. How fast is measured by `kb bench` (issue 7), not here."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest

from bench.live import free_port, mount_path, wait_http
from sitekit import copy_repository


# --dirty (rebuild only the edited page; the README suggests it to writers) warns that it is dirty,
# so it runs with --no-strict.
@pytest.mark.parametrize("options", [(), ("--dirty", "--no-strict")], ids=["full", "dirty"])
def test_mkdocs_serve_serves_an_edit_of_a_page(tmp_path, options):
    root = copy_repository(tmp_path / "kb")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", *options], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    url = f"http://127.0.0.1:{port}{mount_path(root)}generation/diffusion/"
    try:
        wait_http(url, proc, timeout=300)
        mark = f"实时预览标记{uuid.uuid4().hex[:8]}"
        page = root / "docs" / "generation" / "diffusion.md"
        page.write_text(page.read_text(encoding="utf-8") + f"\n{mark}。\n", encoding="utf-8")
        deadline, served = time.monotonic() + 60, ""
        while mark not in served and time.monotonic() < deadline:
            time.sleep(0.2)
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    served = response.read().decode("utf-8")
            except OSError:  # the server is busy rebuilding (a loaded machine): ask again
                continue
        assert mark in served, "the edit never reached the served page"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            _, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, err = proc.communicate()
    assert "Traceback" not in err, err[-2000:]
