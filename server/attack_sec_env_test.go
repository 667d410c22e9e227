package server

// withBoundAddr gives cfg the address the server listens on, as cmd/gocluster does
// after it listened. It lives apart from attack_sec_test.go so the attack tests can
// be run against a server that predates Config.Addr (swap this file for one that
// returns cfg unchanged).
func withBoundAddr(cfg Config, addr string, allowed ...string) Config {
	cfg.Addr = addr
	cfg.AllowedHosts = allowed
	return cfg
}
