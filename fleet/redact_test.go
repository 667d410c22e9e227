package fleet

import (
	"strings"
	"testing"
)

func TestRedactURLsHidesCredentials(t *testing.T) {
	for in, want := range map[string]string{
		"nats://10.0.0.1:4222":                            "nats://10.0.0.1:4222",
		"nats://host-a:s3cret@10.0.0.1:4222":              "nats://host-a:xxxxx@10.0.0.1:4222",
		"tls://mytoken@nats.example:4222":                 "tls://xxxxx@nats.example:4222",
		"nats://a:p@h1:4222,nats://h2:4222,nats://t@h3:1": "nats://a:xxxxx@h1:4222,nats://h2:4222,nats://xxxxx@h3:1",
		"nats://u:p@ss@h:1":                               "nats://u:xxxxx@h:1", // an @ in the password
		"nats://u:pa,ss@h:1,nats://h2:1":                  "nats://u:xxxxx@h:1,nats://h2:1",
		"nats://u:%zz@h:1":                                "nats://u:xxxxx@h:1", // does not parse as a URL
		"":                                                "",
	} {
		if got := RedactURLs(in); got != want {
			t.Errorf("RedactURLs(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCheckURLsNeverQuotesASecret: URLs the NATS client would fail to parse
// (quoting them whole in its error) are refused up front without the secret.
func TestCheckURLsNeverQuotesASecret(t *testing.T) {
	for _, ok := range []string{"nats://10.0.0.1:4222", "tls://u:p%2Fw@h:4222,nats://h2:4222", "nats://tok@h:1"} {
		if err := CheckURLs(ok); err != nil {
			t.Errorf("CheckURLs(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"nats://user:pa/ss@host:4222", "nats://user:pa%zzss@h:1", "nats://u:pa,ss@h:1",
		"http://user:passw0rd@h:1", "nats://", "nats://h:1,", "host:4222"} {
		err := CheckURLs(bad)
		if err == nil {
			t.Errorf("CheckURLs(%q) accepted it", bad)
			continue
		}
		for _, secret := range []string{"pa/ss", "pa%zzss", "pa,ss", "pa\"", "passw0rd", "ss@"} {
			if strings.Contains(bad, secret) && strings.Contains(err.Error(), secret) {
				t.Errorf("CheckURLs(%q) = %v: quotes %q", bad, err, secret)
			}
		}
	}
}
