package server

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// browserTab drives one Chromium tab for the browser tests of this package.
type browserTab struct {
	t     *testing.T
	tab   context.Context
	base  string
	shots string
}

func e2eValue[T any](b *browserTab, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.tab, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

func (b *browserTab) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.tab, steps...); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browserTab) text() string { return e2eValue[string](b, `document.body.innerText`) }

func (b *browserTab) count(sel string) int {
	return e2eValue[int](b, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))
}

func (b *browserTab) contains(s string) {
	b.t.Helper()
	if txt := b.text(); !strings.Contains(txt, s) {
		b.t.Fatalf("the page does not say %q; it says:\n%s", s, txt)
	}
}

func (b *browserTab) click(sel string, status int64) {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.tab, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("clicking %s: %v", sel, err)
	}
	if res.Status != status {
		b.t.Fatalf("clicking %s: status %d, want %d:\n%s", sel, res.Status, status, b.text())
	}
}

func (b *browserTab) open(path string) {
	b.t.Helper()
	res, err := chromedp.Run(b.tab, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.t.Fatal(err)
	}
	if res.Status != http.StatusOK {
		b.t.Fatalf("GET %s: %d\n%s", path, res.Status, b.text())
	}
}

func (b *browserTab) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.tab, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// both checks the page at 1280 and 390 px and saves name-desktop.png and
// name-phone.png; reload says whether the page may be loaded again (not
// the answer to a POST).
func (b *browserTab) both(name string, reload bool) {
	b.t.Helper()
	for _, size := range []struct {
		suffix string
		view   chromedp.Action[chromedp.Void]
	}{
		{"desktop", chromedp.EmulateViewport(1280, 900)},
		{"phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)},
	} {
		b.do(size.view)
		if reload {
			b.do(chromedp.Reload())
		}
		w := e2eValue[[]int](b, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`)
		if w[0] > w[1] {
			b.t.Errorf("%s at %s scrolls sideways: %d px of content in %d px", name, size.suffix, w[0], w[1])
		}
		b.shot(name + "-" + size.suffix + ".png")
	}
	b.do(chromedp.EmulateViewport(1280, 900))
	if reload {
		b.do(chromedp.Reload())
	}
}
