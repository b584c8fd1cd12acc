package server

import (
	"strings"
	"testing"
)

func TestMarkdownHTML(t *testing.T) {
	src := "# Title\n\nA paragraph\nover two lines with `a <b>` and **bold** and *em*; see [the spec](spec.md).\n\n" +
		"- one\n  continued\n- two `x*y*z`\n\n1. first\n2. second\n\n```yaml\nid: <x>\n  indented: *not em*\n```\n\n" +
		"| Key | Rules |\n|---|---|\n| `id` | a slug |\n\n## Sub\n#### Deep\nText <script>alert(1)</script> ` unmatched\n"
	want := "<h1>Title</h1>\n" +
		"<p>A paragraph over two lines with <code>a &lt;b&gt;</code> and <strong>bold</strong> and <em>em</em>; see the spec.</p>\n" +
		"<ul><li>one continued</li><li>two <code>x*y*z</code></li></ul>\n" +
		"<ol><li>first</li><li>second</li></ol>\n" +
		"<pre><code>id: &lt;x&gt;\n  indented: *not em*</code></pre>\n" +
		`<div class="table-wrap"><table><tr><th>Key</th><th>Rules</th></tr><tr><td><code>id</code></td><td>a slug</td></tr></table></div>` + "\n" +
		"<h2>Sub</h2>\n<h4>Deep</h4>\n" +
		"<p>Text &lt;script&gt;alert(1)&lt;/script&gt; ` unmatched</p>\n"
	if got := string(markdownHTML(src)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// FuzzMarkdownHTML: any input renders, and no tag comes from it.
func FuzzMarkdownHTML(f *testing.F) {
	for _, s := range []string{"# a\n\n- b\n```\nc", "| a | b\n|-|\n| `x", "**`*`**", "1. <i>\n   x", "```", "[a](b) *", "\r\n#\t\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := string(markdownHTML(s))
		for _, tag := range []string{"<script", "<i>", "<a ", "<img"} {
			if strings.Contains(out, tag) {
				t.Fatalf("%q gave %q", s, out)
			}
		}
	})
}
