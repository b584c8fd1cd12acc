package server

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"html"
	"regexp"
	"testing"
)

var linksDownload = regexp.MustCompile(`href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)" download="links-\d+\.csv"`)

// LinksFromPage returns the rows of the CSV download on the page that
// answers "Create links", header first, and checks that the page lists the
// same links.
func LinksFromPage(t testing.TB, page string) [][]string {
	t.Helper()
	m := linksDownload.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSV download on the links page:\n%s", page)
	}
	b, err := base64.StdEncoding.DecodeString(m[1])
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("the download is not a CSV: %v\n%s", err, b)
	}
	listed := regexp.MustCompile(`<li>([^<]*)</li>`).FindAllStringSubmatch(page, -1)
	if len(listed) != len(rows)-1 {
		t.Fatalf("the page lists %d links, the download holds %d", len(listed), len(rows)-1)
	}
	for i, l := range listed {
		if html.UnescapeString(l[1]) != rows[i+1][0] {
			t.Fatalf("link %d: listed %q, downloaded %q", i+1, l[1], rows[i+1][0])
		}
	}
	return rows
}
