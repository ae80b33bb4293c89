"""Benchmark: what a speed-up still buys under real traffic, switched off and on.

    .venv/bin/python bench/machinery.py \
        --database-url postgres://postgres@127.0.0.1:5432/titles_bench [--rounds 8] [--requests 10]

In process (Django test Client, ``bench.settings``) while ``bench/writer.py`` commits what users
write. For each piece of machinery and each page it touches, requests alternate in blocks
(``--requests`` with the piece on, as many with it off, ``--rounds`` times), so that the
machine's drift falls on both sides alike; prints the median server time and the median CPU
time of the process (``time.process_time``, less disturbed by other work on a shared machine)
on and off, and what the piece saves. A piece is switched off for the block only, by putting
Django's own way back in its place:

- ``_PlainSelect``: Django's ``Select`` widget, one template per option.

Issue #26 measured three more this way and retired them, as they saved at most 1.8 ms of CPU
a page (``ChoiceLabels``, ``{% pk_url %}``, ``joins_as_written``; the numbers are in
``docs/decisions.md``). Add a piece here before keeping a speed-up that costs clarity.

Nothing here is asserted by the tests; read what a piece saves beside the page's own time.
"""

import argparse
import contextlib
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import pages, setup, signed_in_client
from bench.writer import Writer


@contextlib.contextmanager
def _plain_select_off():
    from django import forms

    from applications.forms import _PlainSelect

    own = _PlainSelect.__dict__["render"]
    _PlainSelect.render = forms.Select.render
    try:
        yield
    finally:
        _PlainSelect.render = own


PIECES = {
    "_PlainSelect": (_plain_select_off, ["agency queue"]),
}


def _block(client, url: str, requests: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(requests):
        wall, cpu = time.perf_counter(), time.process_time()
        client.get(url)
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return walls, cpus


def measure(rounds: int, requests: int) -> list[dict]:
    by_name = {page.name: page for page in pages()}
    results = []
    for piece, (switch_off, page_names) in PIECES.items():
        for name in page_names:
            page = by_name[name]
            client = signed_in_client(page)
            for _ in range(3):
                client.get(page.url)
            on_wall, on_cpu, off_wall, off_cpu = [], [], [], []
            for _ in range(rounds):
                walls, cpus = _block(client, page.url, requests)
                on_wall += walls
                on_cpu += cpus
                with switch_off():
                    walls, cpus = _block(client, page.url, requests)
                off_wall += walls
                off_cpu += cpus
            row = {
                "piece": piece,
                "page": name,
                "on_ms": statistics.median(on_wall) * 1000,
                "off_ms": statistics.median(off_wall) * 1000,
                "on_cpu_ms": statistics.median(on_cpu) * 1000,
                "off_cpu_ms": statistics.median(off_cpu) * 1000,
            }
            results.append(row)
            print(
                f"{piece:17} {name:20} on {row['on_ms']:6.1f} ms (CPU {row['on_cpu_ms']:5.1f}) "
                f"off {row['off_ms']:6.1f} ms (CPU {row['off_cpu_ms']:5.1f}) "
                f"saves {row['off_ms'] - row['on_ms']:5.1f} ms "
                f"(CPU {row['off_cpu_ms'] - row['on_cpu_ms']:4.1f})",
                flush=True,
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--write-rate", type=float, default=5)
    parser.add_argument("--json", help="also write the results to this file")
    arguments = parser.parse_args()
    setup(arguments.database_url)
    with Writer(arguments.database_url, arguments.write_rate):
        results = measure(arguments.rounds, arguments.requests)
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(results))


if __name__ == "__main__":
    main()
