package server

import "context"

// presentFragments are the lecture view's live parts (present.templ).
func (s *Server) presentFragments(context.Context) []fragment { return nil }
