package respond

import "embed"

// Templates are the survey's pages (respond.html, thanks.html,
// survey_error.html), each rendered by the server inside its layout.html.
//
//go:embed templates/*.html
var Templates embed.FS
