"""A build (or an `invoke serve` rebuild) while another one writes the same output is refused, not interleaved."""

from __future__ import annotations

import subprocess
import sys
import time

from conftest import ROOT

HOLD = (
    "import sys, time\nfrom buildtools.locks import exclusive_lock\n"
    "with exclusive_lock(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(120)\n"
)


def test_a_second_build_into_the_same_output_is_refused_with_the_holder(tmp_path):
    output = tmp_path / "output"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, f"{output}.lock"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        done = subprocess.run(
            [sys.executable, "-m", "buildtools.build", "--settings", "pelicanconf.py", "--output", str(output)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 1
        message = done.stderr.strip()
        assert message.startswith(f"另一个构建正在写入 {output}（进程 {holder.pid}，开始于 ")
        assert message.endswith("）；请等它结束后再试。")
        assert not output.exists()
    finally:
        holder.kill()
        holder.wait()
    started = time.monotonic()
    # Once the holder is gone (even killed), the lock is free.
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\nfrom buildtools.locks import exclusive_lock\n"
            "with exclusive_lock(sys.argv[1]):\n    print('free')\n",
            f"{output}.lock",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.stdout.strip() == "free" and time.monotonic() - started < 60
