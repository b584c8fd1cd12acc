package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/report"
	"github.com/cxmhq/cxm/score"
)

// The exports: the self-contained HTML report, the workbook and the CSV
// tables. They render the Result, which already leaves out what anonymity
// forbids (suppressed groups, withheld figures), so they cannot show more
// than the dashboard does.

// reportInput gathers what the exports show: the result broken down by the
// assessment's own attributes, its plan, the earlier waves of its series
// (the trend), the comparison with the wave just before it, and its
// position among all its peers when there is at least one.
func (s *Server) reportInput(ctx context.Context, a cxm.Assessment) (report.Input, error) {
	in := report.Input{Assessment: a, Generated: s.cfg.Now()}
	var err error
	if in.Result, in.Framework, err = s.results(ctx, a, a.AttributeNames()); err != nil {
		return in, err
	}
	if in.Organization, err = s.db.Organization(ctx, a.OrganizationID); err != nil {
		return in, err
	}
	if in.Plan, err = s.db.PlanSteps(ctx, a.ID); err != nil {
		return in, err
	}
	series, err := s.db.Series(ctx, a.ID)
	if err != nil {
		return in, err
	}
	for _, wv := range series {
		if wv.ID == a.ID {
			break
		}
		res, _, err := s.results(ctx, wv, nil)
		if err != nil {
			return in, err
		}
		in.Waves = append(in.Waves, report.Wave{Label: wv.Name, Result: res})
	}
	if n := len(in.Waves); n > 0 {
		if prev := in.Waves[n-1].Result; !prev.Withheld && !in.Result.Withheld {
			in.Compare = score.Compare(prev, in.Result)
		}
	}
	if in.Comments, err = s.reportComments(ctx, a); err != nil {
		return in, err
	}
	n, positions, _, err := s.benchmark(ctx, a, in.Framework, in.Result, "", "")
	if err != nil {
		return in, err
	}
	if n > 0 {
		in.Benchmark = &report.Benchmark{Peers: n, Positions: positions}
	}
	return in, nil
}

// exportName is the file name of an export: "cxm-12-q1-survey.xlsx".
func exportName(a cxm.Assessment, ext string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(a.Name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	name := strings.Trim(b.String(), "-")
	if name == "" {
		return fmt.Sprintf("cxm-%d.%s", a.ID, ext)
	}
	return fmt.Sprintf("cxm-%d-%s.%s", a.ID, name, ext)
}

func attachment(w http.ResponseWriter, contentType, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	w.Header().Set("Cache-Control", "no-store")
}

// reportFor is the assessment of the request and everything its report
// and exports show.
func (s *Server) reportFor(r *http.Request) (cxm.Assessment, report.Input, error) {
	a, err := s.assessment(r)
	if err != nil {
		return a, report.Input{}, err
	}
	in, err := s.reportInput(r.Context(), a)
	return a, in, err
}

func (s *Server) exportXLSX(w http.ResponseWriter, r *http.Request) error {
	a, in, err := s.reportFor(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.XLSX(&buf, in); err != nil {
		return err
	}
	attachment(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exportName(a, "xlsx"))
	_, err = w.Write(buf.Bytes())
	return err
}

func (s *Server) exportCSV(w http.ResponseWriter, r *http.Request) error {
	table, ok := strings.CutSuffix(r.PathValue("file"), ".csv")
	if !ok || !slices.Contains(report.Tables, table) {
		return errorf(http.StatusNotFound, "no such export: the tables are %s.csv", strings.Join(report.Tables, ".csv, "))
	}
	a, in, err := s.reportFor(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.CSV(&buf, in, table); err != nil {
		return err
	}
	attachment(w, "text/csv; charset=utf-8", strings.TrimSuffix(exportName(a, "csv"), ".csv")+"-"+table+".csv")
	_, err = w.Write(buf.Bytes())
	return err
}

// reportCSP is the report's Content-Security-Policy: the page is
// self-contained, with its style sheet inline, so inline styles are the one
// thing it may use; nothing is fetched, nothing runs.
const reportCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

func (s *Server) exportReport(w http.ResponseWriter, r *http.Request) error {
	a, in, err := s.reportFor(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.HTML(&buf, in); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", reportCSP)
	h.Set("Cache-Control", "no-store")
	if r.URL.Query().Get("download") != "" {
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, exportName(a, "html")))
	}
	_, err = w.Write(buf.Bytes())
	return err
}
