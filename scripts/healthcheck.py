#!/usr/bin/env python3
"""Exit 0 if the service on this machine answers /healthz with 200, else 1.

The container's HEALTHCHECK (the slim image has no curl). Standard library only, and no Django:
it asks over plain HTTP, on loopback, as a load balancer would. The request names a host
Django accepts (the first of ALLOWED_HOSTS), and /healthz is exempt from the HTTPS redirect
(SECURE_REDIRECT_EXEMPT), so the view itself answers.

    python scripts/healthcheck.py            # PORT from the environment, default 8000
"""

import os
import sys
import urllib.error
import urllib.request

TIMEOUT_SECONDS = 4


def allowed_host() -> str:
    """A name in ALLOWED_HOSTS, as Django's settings read it: comma-separated."""
    hosts = [host.strip() for host in os.environ.get("ALLOWED_HOSTS", "").split(",")]
    host = next((host for host in hosts if host), "localhost")
    if host == "*":
        return "localhost"
    return host.lstrip(".")  # ".example.org" allows example.org and its subdomains


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={"Host": allowed_host()},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            healthy = response.status == 200
    except (urllib.error.URLError, OSError) as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
