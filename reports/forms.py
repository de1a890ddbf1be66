from django import forms


class AlertSignupForm(forms.Form):
    """The address to send alerts to: its shape only (reports/alerts.py does the rest)."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
