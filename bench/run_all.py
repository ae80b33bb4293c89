"""Run every benchmark and print one table.

    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/run_all.py \
        [--base-url postgres://postgres@127.0.0.1:5432] [--generate]

With ``--generate`` it first (re)creates ``titles_bench_1k`` (1,000 applications) and
``titles_bench`` (100,000); otherwise both must exist (``bench/generate.py``). Then: the page
benchmark on both, the load benchmark, the sweep and the ballot on ``titles_bench``. Each part
runs in its own process; their JSON results are gathered into the table at the end.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
TARGET_QUERIES = 12
TARGET_SQL_RATIO = 3  # a list page's median server time, at most this times its own SQL time
TARGET_RPS_RATIO = {"agency queue": 0.20, "applicant dashboard": 0.30}  # of the bare view's
TARGET_DETAIL_P95_MS = {"detail as agency": 15}


def run(script: str, *arguments: str) -> None:
    print(f"$ {script} {' '.join(arguments)}", flush=True)
    subprocess.run([sys.executable, str(BENCH / script), *arguments], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--seconds", default="10", help="load per page")
    parser.add_argument("--write-rate", default="5", help="commits per second while measuring")
    arguments = parser.parse_args()
    small, large = f"{arguments.base_url}/titles_bench_1k", f"{arguments.base_url}/titles_bench"
    if arguments.generate:
        run("generate.py", "--applications", "1000", "--database-url", small)
        run("generate.py", "--applications", "100000", "--database-url", large)
    out = Path(tempfile.mkdtemp(prefix="titles-bench-"))
    rate = ("--write-rate", arguments.write_rate)
    run("pages.py", "--database-url", small, *rate, "--json", str(out / "pages_1k.json"))
    run("pages.py", "--database-url", large, *rate, "--json", str(out / "pages_100k.json"))
    run(
        "load.py",
        "--database-url",
        large,
        "--seconds",
        arguments.seconds,
        *rate,
        "--json",
        str(out / "load.json"),
    )
    run("sweep.py", "--database-url", large, "--json", str(out / "sweep.json"))
    run("ballot.py", "--database-url", large, "--json", str(out / "ballot.json"))

    small_pages = json.loads((out / "pages_1k.json").read_text())
    large_pages = json.loads((out / "pages_100k.json").read_text())
    load = {row["page"]: row for row in json.loads((out / "load.json").read_text())}
    sweep = json.loads((out / "sweep.json").read_text())
    ballot = json.loads((out / "ballot.json").read_text())
    queries_small = {row["page"]: row["queries"] for row in small_pages["pages"]}
    print(
        f"\nSummary: pages at {small_pages['applications']:,} and "
        f"{large_pages['applications']:,} applications, a writer committing "
        f"{arguments.write_rate}/s throughout; targets: queries <= {TARGET_QUERIES} and constant, "
        f"a list's median <= {TARGET_SQL_RATIO}x its own SQL time, under load "
        + ", ".join(f"{name} >= {ratio:.0%}" for name, ratio in TARGET_RPS_RATIO.items())
        + " of the bare view's requests/s, "
        + ", ".join(f"{name} p95 <= {ms} ms" for name, ms in TARGET_DETAIL_P95_MS.items())
    )
    print(
        f"{'page':22} {'q 1k':>5} {'q 100k':>6} {'median':>7} {'SQL ms':>7} {'x SQL':>6} "
        f"{'p95 ms':>7} {'p95/bare':>8} {'req/s':>7} {'vs bare':>7} {'idle':>6}  met"
    )
    for row in large_pages["pages"]:
        name = row["page"]
        if name not in queries_small or not row["url"]:
            continue
        loaded = load.get(name)
        constant = queries_small[name] == row["queries"]
        met = [constant and row["queries"] <= TARGET_QUERIES]
        if row["is_list"] and name != "bare view (baseline)":
            met.append(row["sql_ms"] > 0 and row["median_ms"] <= TARGET_SQL_RATIO * row["sql_ms"])
        if name in TARGET_DETAIL_P95_MS:
            met.append(row["p95_ms"] <= TARGET_DETAIL_P95_MS[name])
        if loaded and name in TARGET_RPS_RATIO:
            met.append(loaded["rps_ratio"] >= TARGET_RPS_RATIO[name])
        per_sql = row["median_ms"] / row["sql_ms"] if row["sql_ms"] else 0
        print(
            f"{name:22} {queries_small[name]:>5} {row['queries']:>6} {row['median_ms']:>7.1f} "
            f"{row['sql_ms']:>7.2f} {per_sql:>6.1f} {row['p95_ms']:>7.1f} "
            f"{row['ratio_p95']:>8.1f} "
            + (
                f"{loaded['rps']:>7.1f} {loaded['rps_ratio']:>7.0%} "
                f"{loaded['idle_rps_ratio']:>6.0%}"
                if loaded
                else f"{'':>7} {'':>7} {'':>6}"
            )
            + f"  {'yes' if all(met) else 'NO'}"
        )
    print(
        "(median, SQL ms, p95: in process, server time and the time PostgreSQL itself took for "
        "the page's queries; req/s and vs bare: gunicorn under load with the writer; idle: the "
        "same ratio with nothing written)"
    )
    print(
        f"sweep, {sweep['open']:,} open: nothing due {sweep['idle_median_ms']:.0f} ms "
        "(target < 1000)"
        f"; {sweep['due']} due {sweep['due_ms']:.0f} ms"
    )
    print(
        f"ballot, {ballot['members']} members at once on {ballot['workers']} worker processes "
        f"(queueing included): median {ballot['median_ms']:.0f} ms, "
        f"p95 {ballot['p95_ms']:.0f} ms per cast (target p95 < 100), counted {ballot['votes_cast']}"
        f"; one at a time median {ballot['serial_median_ms']:.1f} ms"
    )


if __name__ == "__main__":
    main()
