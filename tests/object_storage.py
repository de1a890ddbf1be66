"""Tests against a real S3-compatible object store (SeaweedFS), never a mock.

Loaded by tests/conftest.py. A test marked `object_storage` (or asking for `file_storage`) runs
with Django's default storage pointed at SeaweedFS through django-storages' S3 backend, as
production does with S3_BUCKET set. The server is started once per pytest-xdist worker, on its
own free ports with its own bucket, only if some test of that worker needs it, and stopped at
the end of the session. The bucket is emptied after each test.
"""

import importlib.util
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _load_script(name: str):
    """A module of scripts/ (not a package: the scripts run on their own)."""
    path = Path(__file__).resolve().parent.parent / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


object_store_script = _load_script("object_store")
ObjectStore = object_store_script.ObjectStore
REGION = object_store_script.REGION


def s3_storages(base: dict, store: ObjectStore) -> dict:
    """`base` (settings.STORAGES) with the default storage in `store`'s bucket."""
    env = store.settings()
    return {
        **base,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env["S3_BUCKET"],
                "endpoint_url": env["S3_ENDPOINT_URL"],
                "access_key": env["S3_ACCESS_KEY_ID"],
                "secret_key": env["S3_SECRET_ACCESS_KEY"],
                "region_name": REGION,
                "default_acl": None,
                "querystring_auth": False,
                "file_overwrite": False,
                "addressing_style": "path",
            },
        },
    }


@pytest.fixture(scope="session")
def object_store() -> Iterator[ObjectStore]:
    """One SeaweedFS server for this pytest-xdist worker ("master" without xdist)."""
    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "master")
    data_dir = Path(tempfile.mkdtemp(prefix=f"oversight-s3-{worker_id}-"))
    store = ObjectStore(data_dir=data_dir, bucket=f"oversight-test-{worker_id}".lower())
    store.start()
    try:
        yield store
    finally:
        store.stop()


@pytest.fixture
def file_storage(object_store: ObjectStore, settings) -> Iterator[ObjectStore]:
    """Default storage (uploads, publication PDFs) in SeaweedFS for this test."""
    settings.STORAGES = s3_storages(settings.STORAGES, object_store)
    try:
        yield object_store
    finally:
        object_store.empty()


@pytest.fixture(autouse=True)
def _object_storage_for_marked_tests(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("object_storage"):
        request.getfixturevalue("file_storage")


def stored_keys(store: ObjectStore) -> list[str]:
    """Every key in the store's bucket."""
    response = store.client().list_objects_v2(Bucket=store.bucket)
    return sorted(item["Key"] for item in response.get("Contents", []))


def stored_bytes(store: ObjectStore, key: str) -> bytes:
    return store.client().get_object(Bucket=store.bucket, Key=key)["Body"].read()


@pytest.fixture(scope="module", autouse=True)
def media_root_outside_the_work_tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Files a test stores on the local disk (publication PDFs a job makes, say) land in a
    temporary folder, never in the checkout's media/. Tests of uploads set their own.

    One folder per test module: the database is rolled back after each test, the disk is
    not, so a file another module left (the December 2014 PDF, say) would otherwise make the
    next one of the same name get a suffix."""
    from django.test import override_settings

    media_root = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media_root):
        yield media_root
