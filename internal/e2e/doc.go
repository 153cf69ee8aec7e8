// Package e2e holds the browser tests: Debian's Chromium, driven by
// chromedp, against the whole application started by apptest on
// 127.0.0.1. They skip where Chromium is missing, except under CI.
// Screenshots of the key steps go to test-artifacts/e2e/ at the repository root;
// on PostgreSQL only the page where a check failed is kept, in
// test-artifacts/e2e-postgres/.
package e2e
