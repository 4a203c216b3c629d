"""Endpoints that leave no trace of who used them or when: answering the neighbourhood pulse (issue 20,
anonymous by construction). Their requests write no last-seen time (auth.sessions) and no log line
(ops.request_log); the pulse service writes no audit row for them."""

UNTRACED_ENDPOINTS = frozenset({"pulse.answer"})
