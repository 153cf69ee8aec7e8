package request

import "shequ/internal/platform/web"

// RegisterWeb adds the request pages.
func (s *Service) RegisterWeb(w *web.Server) {}
