package api

import "github.com/cirrohq/cirro/internal/model/cognitoidp"

// resourceServerNotes lists resource-server operations that are only partly done.
var resourceServerNotes = map[string]string{}

func (a *API) registerResourceServers(h *cognitoidp.Handlers) {
	h.CreateResourceServer = a.Pools.CreateResourceServer
	h.DescribeResourceServer = a.Pools.DescribeResourceServer
	h.ListResourceServers = a.Pools.ListResourceServers
	h.UpdateResourceServer = a.Pools.UpdateResourceServer
	h.DeleteResourceServer = a.Pools.DeleteResourceServer
}
