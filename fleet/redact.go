package fleet

import (
	"fmt"
	"net/url"
	"strings"
)

// RedactURLs hides the credentials in a NATS URL, or a comma-separated list of
// them, before it is printed or logged: nats://user:pass@host keeps the user and
// shows the password as xxxxx (as net/url's Redacted does); nats://TOKEN@host, the
// NATS token form, shows xxxxx for the token. It works on the text, between each
// "://" and the last "@" before the next one, so a URL that does not parse, or a
// password holding a comma or an @, is hidden as well.
func RedactURLs(urls string) string {
	parts := strings.Split(urls, "://")
	for i := 1; i < len(parts); i++ {
		seg := parts[i]
		at := strings.LastIndex(seg, "@")
		if at < 0 {
			continue
		}
		info := "xxxxx"
		if user, _, ok := strings.Cut(seg[:at], ":"); ok {
			info = user + ":xxxxx"
		}
		parts[i] = info + seg[at:]
	}
	return strings.Join(parts, "://")
}

// CheckURLs validates a -join or -nats value: one or more comma-separated
// nats:// or tls:// URLs with a host. It is checked before any connection
// because the NATS client's own parse errors quote the whole URL, password
// included, and end up in logs; this error never quotes more than RedactURLs
// shows.
func CheckURLs(urls string) error {
	// The whole value is redacted for the message, never one part: a comma in a
	// password splits it, and its first half would show as a host.
	shown := fmt.Sprintf("%q", RedactURLs(urls))
	parts := strings.Split(urls, ",")
	for i, raw := range parts {
		which := ""
		if len(parts) > 1 {
			which = fmt.Sprintf(" (URL %d of %d)", i+1, len(parts))
		}
		if !strings.HasPrefix(raw, "nats://") && !strings.HasPrefix(raw, "tls://") {
			return fmt.Errorf("%s%s: want nats://HOST:PORT or tls://HOST:PORT", shown, which)
		}
		u, err := url.Parse(raw)
		if err != nil || u.Hostname() == "" {
			return fmt.Errorf("%s%s does not parse as nats://[USER:PASSWORD@]HOST:PORT "+
				"(percent-encode a / ? # %% @ , or : in a password or token)", shown, which)
		}
	}
	return nil
}
