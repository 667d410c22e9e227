package fleet

import "testing"

func TestRedactURLsHidesCredentials(t *testing.T) {
	for in, want := range map[string]string{
		"nats://10.0.0.1:4222":                            "nats://10.0.0.1:4222",
		"nats://host-a:s3cret@10.0.0.1:4222":              "nats://host-a:xxxxx@10.0.0.1:4222",
		"tls://mytoken@nats.example:4222":                 "tls://xxxxx@nats.example:4222",
		"nats://a:p@h1:4222,nats://h2:4222,nats://t@h3:1": "nats://a:xxxxx@h1:4222,nats://h2:4222,nats://xxxxx@h3:1",
		"nats://u:p@ss@h:1":                               "nats://u:xxxxx@h:1", // an @ in the password
		"nats://u:%zz@h:1":                                "nats://u:xxxxx@h:1", // does not parse as a URL
		"":                                                "",
	} {
		if got := RedactURLs(in); got != want {
			t.Errorf("RedactURLs(%q) = %q, want %q", in, got, want)
		}
	}
}
