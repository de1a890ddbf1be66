"""The Content Security Policy's one inline script, kept where the template and the policy meet.

Pages are cached whole (in each worker's memory and in shared caches), so a per-response nonce
would go stale: the policy allows `'self'` scripts plus this script by its SHA-256 hash. The
template renders `JS_ENABLED_SCRIPT` through `{% js_enabled_script %}` and the settings hash
the same constant, so the page and the policy cannot drift apart.
"""

import base64
import hashlib

# GOV.UK Frontend's first line in <body>: styles for JavaScript apply before anything is drawn.
JS_ENABLED_SCRIPT = (
    "document.body.className += ' js-enabled' + "
    "('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');"
)


def script_hash(source: str) -> str:
    """A CSP hash source for an inline script whose text is exactly `source`."""
    digest = hashlib.sha256(source.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


JS_ENABLED_SCRIPT_HASH = script_hash(JS_ENABLED_SCRIPT)
