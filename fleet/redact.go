package fleet

import "strings"

// RedactURLs hides the credentials in a NATS URL, or a comma-separated list of
// them, before it is printed or logged: nats://user:pass@host keeps the user and
// shows the password as xxxxx (as net/url's Redacted does); nats://TOKEN@host, the
// NATS token form, shows xxxxx for the token. It works on the text, so a URL that
// does not parse is hidden as well.
func RedactURLs(urls string) string {
	parts := strings.Split(urls, ",")
	for i, u := range parts {
		scheme := strings.Index(u, "://")
		if scheme < 0 {
			continue
		}
		rest := u[scheme+3:]
		at := strings.LastIndex(rest, "@")
		if at < 0 {
			continue
		}
		info := "xxxxx"
		if user, _, ok := strings.Cut(rest[:at], ":"); ok {
			info = user + ":xxxxx"
		}
		parts[i] = u[:scheme+3] + info + rest[at:]
	}
	return strings.Join(parts, ",")
}
