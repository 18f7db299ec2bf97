package user

import (
	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
)

// Service is the user directory.
type Service struct {
	Store    store.Store
	Clock    clock.Clock
	Keys     *secrets.Keyring
	Pools    *pool.Service
	Messages message.Sender
	// PublicURL is cirro's base URL, for confirmation links.
	PublicURL string
}
