package server

import (
	"context"
	"net/http"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/i18n"
	"github.com/cxmhq/cxm/respond"
)

// surveyHost gives package respond, the respondent's pages, what it needs
// from the server: invitations, the checks the API shares, the storing of
// a response and its comment, and the layout.
type surveyHost struct{ s *Server }

// langCookie is the respondent's language cookie (package respond).
const langCookie = respond.LangCookie

func (h surveyHost) Invitation(ctx context.Context, token string) (cxm.Invitation, cxm.Assessment, *cxm.Framework, error) {
	return h.s.invitationFor(ctx, token)
}

func (h surveyHost) AttributeValue(at cxm.Attribute, v string) (string, error) {
	return attributeValue(at, v)
}

func (h surveyHost) CheckComment(question, comment string) (string, error) {
	return commentInput(question, comment)
}

// Submit checks the answers as the API does, stores them without a link
// to the invitation, and queues the comment.
func (h surveyHost) Submit(ctx context.Context, inv cxm.Invitation, a cxm.Assessment, f *cxm.Framework, attrs map[string]string, answers map[string]*int, comment string) error {
	resp, err := validateSubmission(f, a, submission{Attributes: attrs, Answers: answers})
	if err != nil {
		return err
	}
	if err := h.s.db.SubmitResponse(ctx, inv.ID, a.ID, resp); err != nil {
		return err
	}
	h.s.storeComment(ctx, a, comment)
	return nil
}

func (h surveyHost) Render(w http.ResponseWriter, status int, page, title string, l i18n.Printer, c *respond.Chrome, data any) error {
	return h.s.write(w, status, page, view{Title: title, Lang: l.Lang(), L: l, Respondent: c, Data: data})
}
