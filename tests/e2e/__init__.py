"""Real-browser tests (Playwright with Debian's chromium) against a live server."""
