"""Where files are kept: object storage (django-storages' S3 backend) when S3_BUCKET is set,
the local disk otherwise, read from the environment by a fresh process."""

import json

from tests.oversight.fresh_process import settings_in_a_fresh_process

S3_VARIABLES = {
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_REGION",
    "S3_ADDRESSING_STYLE",
}
PRINT_DEFAULT_STORAGE = (
    "import json; from django.conf import settings; "
    "from django.core.files.storage import storages; "
    "print(json.dumps({**settings.STORAGES['default'], 'class': type(storages['default']).__name__}))"
)


def default_storage_with(tmp_path, **environment: str) -> dict:
    result = settings_in_a_fresh_process(
        tmp_path, PRINT_DEFAULT_STORAGE, S3_VARIABLES, DEBUG="true", **environment
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_a_bucket_files_are_on_the_local_disk(tmp_path):
    storage = default_storage_with(tmp_path)

    assert storage == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "class": "FileSystemStorage",
    }


def test_with_a_bucket_files_are_in_private_object_storage(tmp_path):
    storage = default_storage_with(
        tmp_path,
        S3_BUCKET="oversight-files",
        S3_ENDPOINT_URL="https://objects.example.internal",
        S3_ACCESS_KEY_ID="key-id",
        S3_SECRET_ACCESS_KEY="key-secret",
    )

    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["class"] == "S3Storage"
    assert storage["OPTIONS"] == {
        "bucket_name": "oversight-files",
        "endpoint_url": "https://objects.example.internal",
        "access_key": "key-id",
        "secret_key": "key-secret",
        "region_name": "us-east-1",
        # Private objects, no signed URLs: downloads stream through the permission-checked views.
        "default_acl": None,
        "querystring_auth": False,
        "file_overwrite": False,
        "signature_version": "s3v4",
        "addressing_style": "path",
    }


def test_on_aws_the_keys_can_come_from_the_instance_role(tmp_path):
    storage = default_storage_with(
        tmp_path, S3_BUCKET="oversight-files", S3_REGION="eu-west-2", S3_ADDRESSING_STYLE="auto"
    )

    options = storage["OPTIONS"]
    assert options["endpoint_url"] is None
    assert options["access_key"] is None
    assert options["secret_key"] is None
    assert options["region_name"] == "eu-west-2"
    assert options["addressing_style"] == "auto"
