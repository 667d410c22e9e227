package cluster

import "time"

// JobTimeout is the pool's default deadline of each job (JobOptions.Timeout after
// defaults): what a list gets when it asks for none, so a form can say what leaving
// its timeout empty means.
func (c *Cluster) JobTimeout() time.Duration { return c.opts.Jobs.Timeout }
