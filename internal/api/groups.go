package api

import "github.com/cirrohq/cirro/internal/model/cognitoidp"

// groupNotes lists group operations that are only partly done.
var groupNotes = map[string]string{
	"CreateGroup": "the 10,000-groups quota is counted inside the transaction; on PostgreSQL two creators racing for the very last slot may both succeed",
	"DeleteGroup": "also deletes the group's memberships; memberships themselves (AdminAddUserToGroup …) come with users",
}

func (a *API) registerGroups(h *cognitoidp.Handlers) {
	h.CreateGroup = a.Pools.CreateGroup
	h.GetGroup = a.Pools.GetGroup
	h.ListGroups = a.Pools.ListGroups
	h.UpdateGroup = a.Pools.UpdateGroup
	h.DeleteGroup = a.Pools.DeleteGroup
}
