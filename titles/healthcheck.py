"""Container healthchecks: ``python -m titles.healthcheck web|worker|beat`` exits 0 when healthy.

- ``web``: ``GET /healthz`` on this container's port with the site's own host name (the first of
  ``ALLOWED_HOSTS``, so the check passes with a real host name) must answer 200.
- ``worker``: this container's worker (``celery@<hostname>``, or ``HEALTHCHECK_NODE``) wrote a
  heartbeat within a minute (titles.heartbeat).
- ``beat``: this container's beat (``beat@<hostname>``) did.

The web check needs no Django; the others read the settings for the broker's address.
"""

import json
import os
import sys
import urllib.error
import urllib.request


def site_host(allowed_hosts: str) -> str:
    """A host name the site accepts: the first entry of ``ALLOWED_HOSTS`` that names one."""
    for entry in (part.strip() for part in allowed_hosts.split(",")):
        if entry and entry != "*":
            return entry.lstrip(".")
    return "localhost"


def check_web() -> tuple[bool, str]:
    port = os.environ.get("PORT", "8000")
    host = site_host(os.environ.get("ALLOWED_HOSTS", "localhost"))
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            body = json.loads(response.read())
            return response.status == 200 and body.get("database") is True, json.dumps(body)
    except (urllib.error.URLError, OSError, ValueError) as error:
        return False, f"{type(error).__name__}: {error}"


def check_heartbeat(role: str) -> tuple[bool, str]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "titles.settings")
    from titles.heartbeat import heartbeats_alive, node_name  # noqa: PLC0415 — app ready: it reads the settings

    name = os.environ.get("HEALTHCHECK_NODE") or node_name("celery" if role == "worker" else role)
    try:
        alive = heartbeats_alive(role)
    except Exception as error:  # the broker does not answer
        return False, f"{type(error).__name__}: {error}"
    if name in alive:
        return True, f"{name}: last heartbeat {alive[name]:.0f} s ago"
    return False, f"{name}: no heartbeat in the last minute (alive: {sorted(alive) or 'none'})"


def main(argv: list[str]) -> int:
    role = argv[1] if len(argv) > 1 else ""
    if role == "web":
        healthy, detail = check_web()
    elif role in {"worker", "beat"}:
        healthy, detail = check_heartbeat(role)
    else:
        print("usage: python -m titles.healthcheck web|worker|beat", file=sys.stderr)
        return 2
    print(("healthy: " if healthy else "unhealthy: ") + detail)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
