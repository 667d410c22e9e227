package static

import "embed"

// FS holds favicon.svg, css/ and js/. Paths have no leading slash: "css/app.css".
//
//go:embed favicon.svg css js
var FS embed.FS
