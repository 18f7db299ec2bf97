package server

import (
	"github.com/cirrohq/cirro/internal/template"
	"github.com/cirrohq/cirro/internal/wire"
)

// stackService serves the stack API (template.StackService): the state of
// the templates applied to this server, by `cirro serve --template` or
// remotely by `cirro apply`, kept in its store.
func (s *Server) stackService() wire.Service {
	return template.StackService(&template.StoreStates{Store: s.Store, Clock: s.clock, Keys: s.Keys},
		template.Env{Region: s.Config.Region, AccountID: s.Config.AccountID, PublicURL: s.Config.PublicURL})
}
