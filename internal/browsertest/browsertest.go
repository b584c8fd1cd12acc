// Package browsertest starts headless Chromium for the browser tests of the
// web application, the same way for every test: found on PATH (required on
// CI, skipped elsewhere), with the flags this machine needs and a fresh
// profile, and a directory for screenshots.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Find returns the path of Chromium or Chrome; without one the test fails
// on CI and is skipped elsewhere.
func Find(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "the browser test needs Chromium or Chrome on PATH (e.g. apt-get install chromium)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip("skipped: " + msg)
	return ""
}

// ShotsDir is where screenshots go: $CXM_SCREENSHOTS (then every screenshot
// is taken, all is true) or a temporary directory.
func ShotsDir(t testing.TB) (dir string, all bool) {
	t.Helper()
	dir = os.Getenv("CXM_SCREENSHOTS")
	if dir == "" {
		return t.TempDir(), false
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, true
}

// Start starts the browser at path with no sandbox (tests run as root),
// nothing fetched from outside and a fresh profile, in a window of width ×
// height; it is stopped when the test ends, or after two minutes at the
// latest. Tabs are opened with chromedp.NewContext on the context returned.
func Start(t testing.TB, ctx context.Context, path string, width, height int) context.Context {
	t.Helper()
	bctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(bctx,
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	t.Cleanup(cancelAlloc)
	return allocCtx
}
