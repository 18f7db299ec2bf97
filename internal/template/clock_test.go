package template_test

import "time"

type clockReal struct{}

func (clockReal) Now() time.Time { return time.Now() }
