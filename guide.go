package cxm

import _ "embed"

// FrameworkGuide is docs/frameworks.md, the guide to writing a framework,
// embedded so that the web interface can serve it to people who have the
// binary and not the repository.
//
//go:embed docs/frameworks.md
var FrameworkGuide string
