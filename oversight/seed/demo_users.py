"""The demo logins `create_demo_users` makes for local use (`make run`)."""

DEMO_USERS = {
    # username: (is_staff, role group)
    "secretariat": (True, "secretariat"),
    # The second pair of eyes: approves what the secretariat marked ready (four eyes).
    "chair": (True, "chairs_office"),
    "member": (False, "members"),
}
