package server

import (
	"html"
	"html/template"
	"regexp"
	"strings"
)

// markdownHTML renders the little Markdown the guides use, so that
// /frameworks/guide reads as a page (on a phone too) rather than as source:
// headings, paragraphs, lists, fenced code, pipe tables, and inline `code`,
// **strong**, *emphasis* and [links](…) (their text only: the targets are
// files of the repository). Everything is escaped; no HTML passes through.
func markdownHTML(src string) template.HTML {
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var b strings.Builder
	for i := 0; i < len(lines); {
		line := lines[i]
		trim := strings.TrimSpace(line)
		switch {
		case trim == "":
			i++
		case strings.HasPrefix(trim, "```"):
			i = mdFence(&b, lines, i)
		case mdHeading.MatchString(line):
			m := mdHeading.FindStringSubmatch(line)
			n := string(rune('0' + len(m[1])))
			b.WriteString("<h" + n + ">" + mdInline(m[2]) + "</h" + n + ">\n")
			i++
		case strings.HasPrefix(trim, "|"):
			i = mdTable(&b, lines, i)
		case mdItem.MatchString(line):
			i = mdList(&b, lines, i)
		default:
			i = mdParagraph(&b, lines, i)
		}
	}
	return template.HTML(b.String())
}

var (
	mdHeading = regexp.MustCompile(`^(#{1,4})\s+(.*)$`)
	mdItem    = regexp.MustCompile(`^\s*(?:[-*+]|\d+\.)\s+`)
	mdStrong  = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	mdEm      = regexp.MustCompile(`\*([^*\s][^*]*)\*`)
	mdLink    = regexp.MustCompile(`\[([^\]]+)\]\([^)\s]*\)`)
)

// mdBlockStart reports whether a line starts a block other than a
// paragraph, which ends the paragraph or list item before it.
func mdBlockStart(line string) bool {
	t := strings.TrimSpace(line)
	return t == "" || strings.HasPrefix(t, "```") || strings.HasPrefix(t, "|") || mdHeading.MatchString(line)
}

func mdFence(b *strings.Builder, lines []string, i int) int {
	var code []string
	j := i + 1
	for ; j < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[j]), "```"); j++ {
		code = append(code, lines[j])
	}
	b.WriteString("<pre><code>" + html.EscapeString(strings.Join(code, "\n")) + "</code></pre>\n")
	return j + 1
}

func mdParagraph(b *strings.Builder, lines []string, i int) int {
	var text []string
	for ; i < len(lines) && !mdBlockStart(lines[i]) && (len(text) == 0 || !mdItem.MatchString(lines[i])); i++ {
		text = append(text, strings.TrimSpace(lines[i]))
	}
	b.WriteString("<p>" + mdInline(strings.Join(text, " ")) + "</p>\n")
	return i
}

// mdList writes consecutive items as one list (nesting is flattened);
// indented lines continue the item above.
func mdList(b *strings.Builder, lines []string, i int) int {
	tag := "ul"
	if m := strings.TrimSpace(mdItem.FindString(lines[i])); strings.HasSuffix(m, ".") {
		tag = "ol"
	}
	b.WriteString("<" + tag + ">")
	var item []string
	flush := func() {
		if item != nil {
			b.WriteString("<li>" + mdInline(strings.Join(item, " ")) + "</li>")
		}
		item = nil
	}
	for ; i < len(lines) && !mdBlockStart(lines[i]); i++ {
		if loc := mdItem.FindStringIndex(lines[i]); loc != nil {
			flush()
			item = []string{lines[i][loc[1]:]}
			continue
		}
		item = append(item, strings.TrimSpace(lines[i]))
	}
	flush()
	b.WriteString("</" + tag + ">\n")
	return i
}

// mdTable writes a pipe table; the row of dashes under the header is
// dropped.
func mdTable(b *strings.Builder, lines []string, i int) int {
	b.WriteString(`<div class="table-wrap"><table>`)
	row := 0
	for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
		t := strings.Trim(strings.TrimSpace(lines[i]), "|")
		if strings.Trim(t, "|-: ") == "" {
			continue
		}
		cell := "td"
		if row == 0 {
			cell = "th"
		}
		b.WriteString("<tr>")
		for _, c := range strings.Split(t, "|") {
			b.WriteString("<" + cell + ">" + mdInline(strings.TrimSpace(c)) + "</" + cell + ">")
		}
		b.WriteString("</tr>")
		row++
	}
	b.WriteString("</table></div>\n")
	return i
}

// mdInline escapes s and renders its code spans, strong and emphasis;
// nothing inside a code span is formatted.
func mdInline(s string) string {
	parts := strings.Split(s, "`")
	var b strings.Builder
	for k, p := range parts {
		e := html.EscapeString(p)
		if k%2 == 1 && k < len(parts)-1 {
			b.WriteString("<code>" + e + "</code>")
			continue
		}
		if k%2 == 1 { // an unmatched backtick
			b.WriteString("`")
		}
		e = mdLink.ReplaceAllString(e, "$1")
		e = mdStrong.ReplaceAllString(e, "<strong>$1</strong>")
		e = mdEm.ReplaceAllString(e, "<em>$1</em>")
		b.WriteString(e)
	}
	return b.String()
}
