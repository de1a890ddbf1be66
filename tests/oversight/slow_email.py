"""An e-mail backend that takes its time, as a distant mail server does."""

import time

from django.core.mail.backends.locmem import EmailBackend

SLOW_EMAIL_SECONDS = 0.25


class SlowEmailBackend(EmailBackend):
    """Django's test outbox, SLOW_EMAIL_SECONDS late for each batch of messages."""

    def send_messages(self, messages):
        time.sleep(SLOW_EMAIL_SECONDS)
        return super().send_messages(messages)
