"""Static files storage for production: compressed, content-hashed names, ES module imports."""

from django.contrib.staticfiles.storage import HashedFilesMixin
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's storage, also rewriting `import ... from "./x.js";` in our own modules.

    Without this, js/govuk-init.mjs would import the unhashed govuk-frontend.min.js, which is
    served with a short cache lifetime and may not match the page's other hashed files.
    """

    support_js_module_import_aggregation = True
    # Django looks for imports in every *.js file. Ours are *.mjs: the vendored bundles (GOV.UK
    # Frontend, the admin's scripts) have no relative imports for it to rewrite, and scanning
    # minified code with these patterns risks false matches.
    _js_module_import_aggregation_patterns = (
        "*.mjs",
        HashedFilesMixin._js_module_import_aggregation_patterns[1],
    )
