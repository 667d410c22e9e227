package server

import (
	"net/http"

	"github.com/gocluster/gocluster/cluster"
)

// kindsAnswer is GET /api/kinds: the kinds the pool serves, as the first worker's
// hello declared them.
type kindsAnswer struct {
	Kinds []cluster.KindInfo `json:"kinds"`
}

// getKinds is GET /api/kinds.
func (s *Server) getKinds(w http.ResponseWriter, r *http.Request) {
	kinds := s.c.Kinds()
	for i := range kinds {
		if kinds[i].Example == nil {
			kinds[i].Example = jsonNull // "example" is always there, null for none
		}
	}
	writeJSON(w, r, http.StatusOK, kindsAnswer{Kinds: kinds})
}

var jsonNull = []byte("null")
