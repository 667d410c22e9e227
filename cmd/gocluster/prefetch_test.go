package main

import "testing"

// -prefetch takes auto (the default), 0 (auto too) or a fixed number, from a flag,
// the environment or a config file; the TOML file may give it as a string or a number.
func TestParsePrefetch(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  []string
		want prefetch
	}{
		{nil, nil, 0},
		{[]string{"-prefetch", "auto"}, nil, 0},
		{[]string{"-prefetch", "0"}, nil, 0},
		{[]string{"-prefetch", "1"}, nil, 1},
		{[]string{"-prefetch", "128"}, nil, 128},
		{nil, []string{"GOCLUSTER_PREFETCH=auto"}, 0},
		{nil, []string{"GOCLUSTER_PREFETCH=64"}, 64},
	} {
		cfg, err := parseServe(tc.args, env(tc.env...))
		if err != nil {
			t.Errorf("%q %q: %v", tc.args, tc.env, err)
			continue
		}
		if cfg.Prefetch != tc.want {
			t.Errorf("%q %q: prefetch %s, want %s", tc.args, tc.env, &cfg.Prefetch, &tc.want)
		}
	}
	path := writeConfig(t, "prefetch = \"auto\"\n")
	cfg, err := parseServe(nil, env("GOCLUSTER_CONFIG="+path))
	if err != nil || cfg.Prefetch != 0 {
		t.Errorf("config file prefetch = \"auto\": %v, %s", err, &cfg.Prefetch)
	}
	for _, bad := range []string{"-1", "1001", "lots", "1.5"} {
		if _, err := parseServe([]string{"-prefetch", bad}, env()); err == nil {
			t.Errorf("-prefetch %s accepted", bad)
		}
	}
}
