package web

// The "your own worker" section of the Demos page shows these verbatim. A test
// checks ownWorkerPython against sdk/python/example.py, so the page cannot drift
// from the file the command serves.
const (
	ownWorkerPython = `#!/usr/bin/env python3
"""A gocluster worker: gocluster serve -exec 'python3 sdk/python/example.py'."""
import gocluster


@gocluster.job("wordcount", doc="counts words in a string", example="to be or not")
def wordcount(text):
    return len(text.split())


gocluster.run()
`
	ownWorkerServe = `bin/gocluster serve -exec 'python3 sdk/python/example.py'`
	ownWorkerCurl  = `curl -s -H 'Content-Type: application/json' \
  -d '{"kind":"wordcount","inputs":["to be or not to be","hello world"]}' \
  'http://127.0.0.1:8080/api/batches?wait=60s'`
)
